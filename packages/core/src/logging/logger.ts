import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Names the process in every line: api, worker, relay. */
  name: string;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
  /**
   * Stdout lines are written in chunks (4 KiB, or whatever there is every 250 ms) instead of one
   * write() per line. For the API, which logs a line per request: a write per line was about 5% of
   * a read's CPU (bench/api). pino writes the rest out when the process exits, even after an
   * error; only a SIGKILL loses the last moment of lines.
   */
  buffered?: boolean;
}

/** The longest a buffered line waits before it is written. */
export const BUFFERED_LOG_FLUSH_MS = 250;

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
  if (options.destination) return pino(settings, options.destination);
  if (!options.buffered) return pino(settings);
  const stdout = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  // A quiet service still shows its lines promptly; unref'd, so it never keeps the process alive.
  setInterval(() => stdout.flush(), BUFFERED_LOG_FLUSH_MS).unref();
  return pino(settings, stdout);
}
