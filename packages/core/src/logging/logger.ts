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
   * Stdout lines are written in chunks (8 KiB, or whatever there is every 250 ms) instead of one
   * write() per line, and written from the event loop's own thread (a synchronous write of a
   * chunk): handing each chunk to a libuv worker thread cost more than the write itself on this
   * VM. For the API, which logs a line per request, the line was then ~25% of a read's CPU
   * (bench/api); buffered and synchronous it is ~12%. pino writes the rest out when the process
   * exits, even after an error; only a SIGKILL loses the last moment of lines. If whatever reads
   * stdout stops reading, the API waits on it (as pino's default destination does) rather than
   * buffering without bound.
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
  // periodicFlush: a quiet service still shows its lines promptly (sonic-boom unrefs the timer).
  const stdout = pino.destination({
    dest: 1,
    sync: true,
    minLength: 8192,
    periodicFlush: BUFFERED_LOG_FLUSH_MS,
  });
  // pino flushes only asynchronous destinations on exit; this one is flushed here ('exit' runs
  // after process.exit() and after an uncaught error too).
  process.once('exit', () => stdout.flushSync());
  return pino(settings, stdout);
}
