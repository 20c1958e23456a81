import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const lines = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('redacts authorization headers and secrets, and keeps everything else', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ name: 'api', level: 'info', pretty: false, destination: stream });
    logger.info({ req: { headers: { authorization: 'Bearer secret-token', host: 'h' } } }, 'request');
    logger.info({ headers: { authorization: 'Bearer secret-token' } }, 'outgoing');
    logger.info(
      { config: { database: { password: 'pw', host: 'db' }, http: { jwtSecret: 'jwt' } } },
      'config',
    );
    const text = JSON.stringify(lines());
    expect(text).not.toMatch(/secret-token|"pw"|"jwt"/);
    const [first, , third] = lines();
    expect(first).toMatchObject({
      name: 'api',
      req: { headers: { authorization: '[redacted]', host: 'h' } },
    });
    expect(third).toMatchObject({ config: { database: { password: '[redacted]', host: 'db' } } });
  });
});
