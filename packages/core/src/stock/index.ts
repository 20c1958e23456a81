/** Public API of the stock core: Lua commands through a typed runner, the journal, the Redis guard. */

export {
  checkRedisForStock,
  evaluateRedisSettings,
  type GuardLogger,
  parseInfoField,
  type RedisGuardDecision,
  type RedisGuardReport,
  type RedisSettings,
  readRedisSettings,
} from './redis.guard.js';
export { createStockBatch, type StockBatch } from './stock.batch.js';
export {
  isJournaledCode,
  reservationFailedReason,
  StockCode,
  type StockCodeOutcome,
  type StockFailureReason,
  toStockOutcome,
} from './stock.codes.js';
export type { StockSettings } from './stock.commands.js';
export {
  RedisEvictionPolicyError,
  StockInputError,
  StockJournalParseError,
  StockStaleKeysError,
} from './stock.errors.js';
export {
  changedSkus,
  type JournalRecord,
  parseJournalEntry,
  parseJournalFields,
  type ReadJournalOptions,
  readJournal,
} from './stock.journal.js';
export { createStockKeys, type StockKeys } from './stock.keys.js';
export { createStockRunner, type StockRunner, type StockRunnerOptions } from './stock.runner.js';
export {
  loadStockScripts,
  luaDirectory,
  registerStockScripts,
  type StockCommandName,
  type StockScript,
  type StockScriptReply,
} from './stock.scripts.js';
export type * from './stock.types.js';
export { hasForbiddenText, STOCK_LIMITS } from './stock.validation.js';
