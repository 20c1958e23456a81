import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { freePort } from './processes.js';

/**
 * Stoplight Prism as a validating proxy: it forwards each request to `upstream` and checks the
 * request and the answer against the OpenAPI document at `documentUrl`. With `--errors` a request
 * the document rejects is answered by Prism itself (422, 401, 415...), and an answer the document
 * does not describe is replaced by a Prism error; without it Prism forwards and lists what it found
 * in the `sl-violations` header.
 */

export interface PrismProxy {
  url: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startPrismProxy(documentUrl: string, upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const cli = require.resolve('@stoplight/prism-cli/dist/index.js');
  const args = [
    cli,
    'proxy',
    documentUrl,
    upstream,
    '--errors',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`prism exited (${code}) before listening:\n${output}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
