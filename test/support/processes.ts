import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** One app (worker, relay, api) running as its own process from its TypeScript sources. */
export interface AppProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once the app logged that it is ready. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export function spawnApp(
  app: 'worker' | 'relay' | 'api',
  env: Record<string, string>,
  nodeArgs: string[] = [],
): AppProcess {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--conditions=source', '--import', 'tsx', `apps/${app}/src/main.ts`],
    {
      cwd: root,
      // info at least: ready() waits for the app's "ready" line.
      env: {
        ...process.env,
        ...env,
        LOG_LEVEL: ['debug', 'trace'].includes(env.LOG_LEVEL ?? '') ? (env.LOG_LEVEL as string) : 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(`${app} ready`)) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`${app} did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal) {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** pino's output: one JSON object per line (other lines, e.g. tsx warnings, are skipped). */
export function jsonLogLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return []; // a line cut off where the output was read
    }
  });
}

/** Polls `probe` until it answers something other than undefined (a throw counts as undefined). */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A loopback port nothing listens on right now, for an app that needs a fixed HTTP_PORT. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
