/** Options every thrown core error carries. */
export interface InventoryErrorOptions {
  /** Stable machine code, `INV_<THING>`: logs, metrics and the API's error mapping key on it. */
  code: `INV_${string}`;
  /**
   * Whether trying the same thing again can succeed (a dependency was down) or cannot (bad input,
   * bad config). The API answers the first with 503 and the second as an internal error. The
   * worker does not read it: input is validated (and dead-lettered) before a command runs, so any
   * error a command throws makes the worker retry the chunk without committing its offsets.
   */
  retryable: boolean;
  cause?: unknown;
}

/**
 * Base class of the errors core throws on purpose. Expected business outcomes (not enough stock,
 * unknown reservation) are returned as values, never thrown; anything thrown that is not an
 * InventoryError is a bug, and the process closes gracefully and crashes on it.
 */
export class InventoryError extends Error {
  readonly code: `INV_${string}`;
  readonly retryable: boolean;

  constructor(message: string, options: InventoryErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // new.target keeps the subclass name in stack traces and pino's err serializer.
    this.name = new.target.name;
    this.code = options.code;
    this.retryable = options.retryable;
  }
}
