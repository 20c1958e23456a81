/** Public API of the stock core: the commands (commands/, lua/) through a typed runner, the journal, the Redis guard. */

export * from './commands/index.js';
export {
  checkRedisForStock,
  type GuardLogger,
  type RedisGuardDecision,
  type RedisGuardReport,
  type RedisSettings,
} from './redis.guard.js';
export { availableAtLocation, availableOf } from './stock.available.js';
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
export {
  RedisEvictionPolicyError,
  StockInputError,
  StockJournalParseError,
  StockRestoringError,
  StockStaleKeysError,
} from './stock.errors.js';
export {
  locationIdInput,
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
  recordItemsJson,
} from './stock.journal.js';
export { createStockKeys, type StockKeys } from './stock.keys.js';
export {
  findStockAt,
  type HeldAt,
  type LocationEntry,
  type LocationStock,
  locationsOfHash,
  publishLocations,
  readManySkuLocations,
  readRegistry,
  readSkuLocations,
} from './stock.locations.js';
export { createStockRunner, type StockRunner, type StockRunnerOptions } from './stock.runner.js';
export { type SkuPage, scanCursorPattern } from './stock.scan.js';
export {
  observeScriptsWith,
  type ScriptHistogram,
  type ScriptObserver,
  type ScriptTiming,
  STOCK_SCRIPT_SECONDS,
} from './stock.timing.js';
export type * from './stock.types.js';
export { DEFAULT_LOCATION } from './stock.types.js';
export {
  bulkItemErrors,
  hasForbiddenText,
  hasLengthWithin,
  isBoundedText,
  LOCATION_ID_PATTERN,
  repeatedSkuReason,
  repeatedSkus,
  STOCK_LIMITS,
} from './stock.validation.js';
