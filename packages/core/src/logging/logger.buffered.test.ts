import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUFFERED_LOG_FLUSH_MS } from './logger.js';

/**
 * The buffered stdout logger, in a real child process (its stdout is a pipe, as under Docker or
 * systemd): lines must show up while the process runs, and none may be lost when it exits.
 */

const loggerModule = fileURLToPath(new URL('./logger.ts', import.meta.url));

interface Run {
  /** Each stdout line with the ms since the child started at which it arrived. */
  lines: { at: number; line: Record<string, unknown> }[];
  code: number | null;
}

function runChild(body: string): Promise<Run> {
  const script = `import { createLogger } from ${JSON.stringify(loggerModule)};
const logger = createLogger({ name: 'api', level: 'info', pretty: false, buffered: true });
${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = Date.now();
  const lines: Run['lines'] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) lines.push({ at: Date.now() - started, line: JSON.parse(line) });
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ lines, code })));
}

describe('createLogger({ buffered: true })', () => {
  it('writes a lone line within the flush interval while the process keeps running', async () => {
    // Logs once, then stays alive for 3 s: the line must arrive long before the exit.
    const run = await runChild(`logger.info({ n: 1 }, 'hello');
setTimeout(() => { logger.info({ n: 2 }, 'bye'); }, 3000);`);
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.line.msg)).toEqual(['hello', 'bye']);
    const [hello, bye] = run.lines;
    // 'hello' came out while the child still had about 3 s to live.
    expect((bye?.at ?? 0) - (hello?.at ?? 0)).toBeGreaterThan(3000 - 4 * BUFFERED_LOG_FLUSH_MS);
  });

  it('loses no line when the process exits at once, after an error too', async () => {
    const run = await runChild(`for (let n = 0; n < 5000; n += 1) logger.info({ n }, 'line');
logger.error({ err: new Error('boom') }, 'exiting');
process.exit(3);`);
    expect(run.code).toBe(3);
    expect(run.lines).toHaveLength(5001);
    expect(run.lines.at(-1)?.line).toMatchObject({ msg: 'exiting', level: 50 });
    expect(run.lines.map((l) => l.line.n).slice(0, 5000)).toEqual([...Array(5000).keys()]);
  });
});
