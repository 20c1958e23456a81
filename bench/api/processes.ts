import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';

/**
 * The child processes of the API read benchmark: spawning them (pinned to a core of their own where
 * the machine allows), reading their CPU time, waiting for them and stopping them.
 */

/** utime + stime of a process, in µs (Linux /proc; 0 elsewhere). */
export function cpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return 0;
  }
}

export async function freePort(): Promise<number> {
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

/**
 * Core pinning: the server under test on the last core, this process (autocannon) on the others,
 * the same for both servers. Unpinned, the scheduler moving the server and the load generator
 * between the two cores of a small machine swung a round's figures by ±25%. Off with BENCH_PIN=0,
 * and wherever `taskset` is missing or there is a single core.
 */
export interface Pinning {
  serverCore: number | null;
  describe: string;
}

export function pinCores(): Pinning {
  const cores = os.cpus().length;
  const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  if (process.env.BENCH_PIN === '0' || cores < 2 || !hasTaskset) {
    return { serverCore: null, describe: 'not pinned' };
  }
  const serverCore = cores - 1;
  const loadCores = cores === 2 ? '0' : `0-${cores - 2}`;
  spawnSync('taskset', ['-a', '-p', '-c', loadCores, String(process.pid)], { stdio: 'ignore' });
  return {
    serverCore,
    describe: `server on core ${serverCore}, autocannon on core(s) ${loadCores}, Redis unpinned`,
  };
}

/** Every server this run started, stopped in the bench's finally whatever happened. */
export const children: ChildProcess[] = [];

/** `node <args>` on the server core; stdout to /dev/null, as production logs go somewhere too. */
export function spawnNode(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  pinning: Pinning,
): ChildProcess {
  const [command, commandArgs] =
    pinning.serverCore === null
      ? [process.execPath, args]
      : ['taskset', ['-c', String(pinning.serverCore), process.execPath, ...args]];
  const child = spawn(command, commandArgs, {
    cwd,
    env: { ...process.env, ...env },
    // An undrained stdout pipe would block pino's synchronous writes once full: /dev/null instead.
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

export async function waitFor(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<void> {
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
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.pid !== undefined) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  child.stderr?.destroy();
}
