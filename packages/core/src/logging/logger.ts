import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Names the process in every line: api, worker, relay. */
  name: string;
}

/**
 * The one logger factory. Authorization headers and secrets are redacted wherever they appear,
 * so a request log or an error never carries a token.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.jwtSecret'],
      censor: '[redacted]',
    },
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
