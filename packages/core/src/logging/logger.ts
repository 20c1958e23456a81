import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Names the process in every line: api, worker, relay. */
  name: string;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
}

/**
 * Where a token or a secret could appear in a log line. Exact paths rather than wildcards
 * (`*.password`): a wildcard makes the redactor walk every object of every line, which cost a
 * measurable share of the hot read path (bench/api), and nothing logs other objects holding these.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'database.password',
  'config.database.password',
  'http.jwtSecret',
  'config.http.jwtSecret',
];

/**
 * The one logger factory. Authorization headers and secrets are redacted where they appear, so a
 * request log or an error never carries a token.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (options.pretty) {
    return pino({ ...settings, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
