import { InventoryError } from './inventory.error.js';

/** One rejected environment variable and why. */
export interface ConfigIssue {
  variable: string;
  reason: string;
}

/**
 * The configuration cannot be used. Thrown once with every problem listed, so an operator fixes
 * the whole environment in one pass instead of one variable per restart. Values are never echoed:
 * several variables hold secrets (DATABASE_URL, JWT_SECRET).
 */
export class ConfigError extends InventoryError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.variable}: ${issue.reason}`);
    super(
      `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      {
        code: 'INV_CONFIG',
        retryable: false,
      },
    );
    this.issues = issues;
  }
}
