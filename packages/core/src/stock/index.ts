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
  stockOutcomeLabel,
  toStockOutcome,
} from './stock.codes.js';
export type { StockSettings } from './stock.commands.js';
export {
  RedisEvictionPolicyError,
  StockInputError,
  StockJournalParseError,
  StockRestoringError,
  StockStaleKeysError,
} from './stock.errors.js';
export {
  NO_CONTROL_CHARACTERS_PATTERN,
  type OrderRef,
  orderIdInput,
  orderItemsInput,
  quantityInput,
  readOrderId,
  readQuantity,
  readSkuId,
  skuIdInput,
} from './stock.input.js';
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
export { type SkuPage, scanCursorPattern } from './stock.scan.js';
export {
  loadStockScripts,
  luaDirectory,
  registerStockScripts,
  type StockCommandName,
  type StockScript,
  type StockScriptReply,
} from './stock.scripts.js';
export {
  commandLabel,
  observeScriptsWith,
  type ScriptHistogram,
  type ScriptObserver,
  type ScriptTiming,
  STOCK_SCRIPT_SECONDS,
} from './stock.timing.js';
export type * from './stock.types.js';
export {
  type BulkItemsCheck,
  type BulkScriptItem,
  bulkItemErrors,
  checkBulkItems,
  DECIMAL_ORDER_ID,
  deltaError,
  hasForbiddenText,
  hasLengthWithin,
  intError,
  isBoundedText,
  repeatedSkuReason,
  repeatedSkus,
  STOCK_LIMITS,
  skuIdError,
} from './stock.validation.js';
