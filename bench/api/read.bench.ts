import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { signToken } from '../../apps/api/src/token.signer.js';
import { createStockKeys } from '../../packages/core/src/stock/stock.keys.js';

/**
 * GET /api/v1/inventory/{skuId} throughput and latency with auth on, next to a bare Fastify +
 * ioredis route doing the same hash read on the same key, in one run.
 *
 *   npx tsx bench/api/read.bench.ts        (BENCH_DURATION=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=50,
 *                                           BENCH_CPU_PROF=<dir> to profile both servers)
 *
 * Each server is its own child process (the real `apps/api/src/main.ts`, and bench/api/bare-server.ts);
 * autocannon runs here, so load generation never shares an event loop with a server. The rounds
 * alternate bare/api so drift (thermal, other load) hits both. Needs Redis, MariaDB and Kafka up
 * (the API's main connects to all three, as in production). Writes bench/api/RESULTS.md.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const requireFromApi = createRequire(new URL('../../apps/api/package.json', import.meta.url));
const autocannon = requireFromApi('autocannon') as (opts: object) => Promise<CannonResult>;

const duration = Number(process.env.BENCH_DURATION ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `bench-api-${randomUUID()}:`;
const secret = randomUUID() + randomUUID();
const skuId = 'BENCH-SKU-1';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Sample {
  target: 'api' | 'bare';
  round: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU time the server process spent per request (user + system), in µs. */
  cpuPerRequest: number;
}

/** utime + stime of a process, in µs (Linux /proc; 0 elsewhere). */
function cpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return 0;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Every server this run started, stopped in `main`'s finally whatever happened. */
const children: ChildProcess[] = [];

/** `node --import tsx …`: one process per server (no tsx wrapper), so its pid is the server's. */
function spawnTsx(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    // stdout (the API's request logs) goes to /dev/null: production logs every request too, at the
    // same level. An undrained pipe instead would block pino's synchronous writes once it is full.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  children.push(child);
  child.on('exit', (code) => {
    if (code !== 0 && code !== null)
      process.stderr.write(`[${args.at(-1)}] exited ${code}\n${stderr.slice(-2000)}\n`);
  });
  return child;
}

async function waitFor(url: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { headers });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** SIGTERM (graceful close), then SIGKILL if it is still there after 15 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.pid !== undefined) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  child.stderr?.destroy();
}

async function cannon(url: string, headers: Record<string, string>, seconds: number): Promise<CannonResult> {
  return autocannon({ url, connections, duration: seconds, headers, pipelining: 1 });
}

async function deletePrefix(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** The median resists one round spoilt by another process on a shared machine. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function summary(samples: Sample[], target: Sample['target']) {
  const mine = samples.filter((s) => s.target === target);
  return {
    rps: median(mine.map((s) => s.rps)),
    cpu: median(mine.map((s) => s.cpuPerRequest)),
    p50: median(mine.map((s) => s.p50)),
    p99: median(mine.map((s) => s.p99)),
    worstP99: Math.max(...mine.map((s) => s.p99)),
    bad: mine.reduce((n, s) => n + s.non2xx + s.errors, 0),
  };
}

function report(samples: Sample[], command: string): string {
  const api = summary(samples, 'api');
  const bare = summary(samples, 'bare');
  const ratio = api.rps / bare.rps;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const rows = samples.map(
    (s) =>
      `| ${s.round} | ${s.target} | ${Math.round(s.rps)} | ${s.p50} | ${s.p99} | ${Math.round(s.cpuPerRequest)} | ${s.non2xx + s.errors} |`,
  );
  return [
    '# API read benchmark',
    '',
    `Command: \`${command}\` (${new Date().toISOString()})`,
    '',
    `Machine: ${os.cpus().length} × ${cpu}, Node ${process.version}; Redis, MariaDB and Kafka local; ` +
      `load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (a shared machine).`,
    `Load: autocannon, ${connections} connections, ${duration} s per run, ${rounds} alternating rounds after a 3 s warm-up each.`,
    '',
    '- **api**: the real `apps/api/src/main.ts` (via tsx) in its own process: JWT (HS256) verified on every request,',
    '  zod params validation, rate limiter (limit raised to 10^9/min so it counts but never blocks), Prometheus',
    '  histogram, request id, pino request logs at `info` (to /dev/null), the runner read (`HMGET`).',
    '- **bare**: Fastify (same version) + ioredis `HGETALL` on the same key, same JSON shape, nothing else.',
    '',
    '| round | server | req/s | p50 ms | p99 ms | server CPU µs/req | non-2xx + errors |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Medians over the rounds. Server CPU per request: api ${Math.round(api.cpu)} µs, bare ${Math.round(bare.cpu)} µs ` +
      `(bare/api ${(bare.cpu / api.cpu).toFixed(2)}: the throughput ratio the API would reach if the server were the only bottleneck).`,
    '',
    `Throughput: api ${Math.round(api.rps)} req/s, bare ${Math.round(bare.rps)} req/s, **ratio ${ratio.toFixed(2)}** ` +
      `(target ≥ 0.80: ${ratio >= 0.8 ? 'met' : 'NOT met'}).`,
    '',
    `Latency: api p50 ${api.p50} ms, p99 **${api.p99} ms** (worst round ${api.worstP99} ms; target < 10 ms: ` +
      `${api.p99 < 10 ? 'met' : 'NOT met'}); bare p50 ${bare.p50} ms, p99 ${bare.p99} ms (worst ${bare.worstP99} ms).`,
    '',
    '## Notes',
    '',
    "- Autocannon, Redis and the server share the machine's cores, so the figures move with whatever else",
    '  runs there; the per-request server CPU column is the steadier comparison.',
    '- Where the extra CPU of the API goes (`BENCH_CPU_PROF=<dir>`, a V8 profile of both servers): the',
    '  socket writes (HTTP and Redis) are the largest items in both; the rest of the gap is spread thin:',
    "  the rate limiter (with its IPv6 check), zod's params check, the request log line, the histogram,",
    '  the request and correlation ids. Already done: verified tokens cached by their text, exact-path',
    '  log redaction, Redis auto-pipelining, promise-free auth and restore-guard hooks.',
    '',
  ].join('\n');
}

interface Target {
  name: Sample['target'];
  url: string;
  headers: Record<string, string>;
  child: ChildProcess;
}

/** Both servers in their own processes, the SKU seeded through the API, both answering 200. */
async function startServers(redis: Redis): Promise<Target[]> {
  const [apiPort, barePort] = [await freePort(), await freePort()];
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const api = spawnTsx([...profile, '--conditions=source', 'apps/api/src/main.ts'], {
    JWT_SECRET: secret,
    REDIS_KEY_PREFIX: prefix,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(apiPort),
    HTTP_RATE_LIMIT_MAX: '1000000000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    LOG_PRETTY: 'false',
  });
  const bare = spawnTsx([...profile, 'bench/api/bare-server.ts'], {
    BENCH_PREFIX: prefix,
    PORT: String(barePort),
    REDIS_URL: redisUrl,
  });
  const token = signToken({ secret, sub: 'bench', roles: ['ADMIN'], ttlSeconds: 3600 });
  const auth = { authorization: `Bearer ${token}` };
  const targets: Target[] = [
    { name: 'bare', url: `http://127.0.0.1:${barePort}/bare/${skuId}`, headers: {}, child: bare },
    { name: 'api', url: `http://127.0.0.1:${apiPort}/api/v1/inventory/${skuId}`, headers: auth, child: api },
  ];
  // No relay runs for this run's key prefix, so the bench sets the restored marker a relay would
  // set; without it the API answers writes with 503 (restore in progress).
  await redis.set(createStockKeys(prefix).restored, new Date().toISOString());
  await waitFor(`http://127.0.0.1:${apiPort}/health/live`);
  const seeded = await fetch(`http://127.0.0.1:${apiPort}/api/v1/admin/inventory/${skuId}`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ total: 1000 }),
  });
  if (!seeded.ok) throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`);
  for (const target of targets) await waitFor(target.url, target.headers);
  return targets;
}

async function measure(target: Target, round: number): Promise<Sample> {
  const cpuBefore = cpuMicros(target.child.pid);
  const r = await cannon(target.url, target.headers, duration);
  const sample: Sample = {
    target: target.name,
    round,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    cpuPerRequest: (cpuMicros(target.child.pid) - cpuBefore) / Math.max(1, r.requests.total),
  };
  process.stdout.write(
    `round ${round} ${target.name}: ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, ` +
      `${Math.round(sample.cpuPerRequest)} µs CPU/req, non-2xx+errors ${sample.non2xx + sample.errors}\n`,
  );
  return sample;
}

async function main(): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const targets = await startServers(redis);
    for (const target of targets) {
      process.stdout.write(`warm-up ${target.name}…\n`);
      await cannon(target.url, target.headers, 3);
    }
    const samples: Sample[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      for (const target of targets) samples.push(await measure(target, round));
    }
    const text = report(samples, 'npx tsx bench/api/read.bench.ts');
    const results = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
    writeFileSync(results, text);
    // The repository lints Markdown too: let Biome lay out the table the way it wants it.
    spawnSync(`${root}node_modules/.bin/biome`, ['format', '--write', results], { stdio: 'ignore' });
    process.stdout.write(`\n${text}`);
  } finally {
    await Promise.all(children.map(stop));
    await deletePrefix(redis);
    redis.disconnect();
  }
}

await main();
