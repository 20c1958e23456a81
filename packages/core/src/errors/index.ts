export { ConfigError, type ConfigIssue } from './config.error.js';
export { InventoryError, type InventoryErrorOptions } from './inventory.error.js';
