/**
 * Redis key builders for the live stock store (docs/stock-model.md, "Keys").
 * Every key a Lua script touches is built here and passed in KEYS; scripts never build keys.
 */
export interface StockKeys {
  readonly prefix: string;
  /** `P{<skuId>}:stock`: the SKU hash; `{<skuId>}` is a hash tag (one SKU, one cluster slot). */
  stock(skuId: string): string;
  /** `Preservation:<orderId>`: the order's reservation record (or a cross-shard order's coordinator). */
  reservation(orderId: string): string;
  /** `Ppart:<orderId>`: this shard's part of a cross-shard order (docs/sharding.md). */
  part(orderId: string): string;
  /** `Pidem:<key>`: the stored outcome of an admin write with that idempotency key. */
  idempotency(key: string): string;
  /** `Pdeadlines`: sorted set of RESERVED orders by deadline (epoch ms). */
  readonly deadlines: string;
  /** `Pjournal`: the journal stream, one entry per effective command. */
  readonly journal: string;
  /** `Prestored`: marker that Redis holds restored, current data. */
  readonly restored: string;
  /** `Plocations`: the active locations (id → priority) the scripts source from (docs/locations.md). */
  readonly locations: string;
  /** SCAN MATCH pattern of every SKU hash of this key set. */
  readonly stockPattern: string;
  /** The skuId of a SKU hash key of this key set, or null for any other key. */
  skuIdOf(key: string): string | null;
}

/** Builds the key set for a prefix such as `inventory:`. */
export function createStockKeys(prefix: string): StockKeys {
  if (/[{}]/.test(prefix)) {
    // A brace in the prefix would become the hash tag and put every SKU in one slot.
    throw new Error(`stock key prefix must not contain '{' or '}': ${JSON.stringify(prefix)}`);
  }
  return {
    prefix,
    stock: (skuId) => `${prefix}{${skuId}}:stock`,
    reservation: (orderId) => `${prefix}reservation:${orderId}`,
    part: (orderId) => `${prefix}part:${orderId}`,
    idempotency: (key) => `${prefix}idem:${key}`,
    deadlines: `${prefix}deadlines`,
    journal: `${prefix}journal`,
    restored: `${prefix}restored`,
    locations: `${prefix}locations`,
    stockPattern: stockKeyPattern(prefix),
    skuIdOf: (key) => skuIdOfStockKey(prefix, key),
  };
}

/** Glob metacharacters of Redis' MATCH, escaped so the text matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\{}]/g, '\\$&');
}

/**
 * MATCH pattern of every SKU hash under a prefix: `P{*}:stock`. The prefix and the hash-tag braces
 * are escaped so they only ever match themselves; the braces must never be read as a hash tag
 * (which would pin a cluster-aware SCAN to one slot), and `*` is the only wildcard left.
 */
export function stockKeyPattern(prefix: string): string {
  return `${escapeGlob(prefix)}${escapeGlob('{')}*${escapeGlob('}')}:stock`;
}

/** The skuId of a key built by `keys.stock(skuId)`, or null for any other key. */
export function skuIdOfStockKey(prefix: string, key: string): string | null {
  const head = `${prefix}{`;
  const tail = '}:stock';
  if (key.length < head.length + tail.length) return null;
  return key.startsWith(head) && key.endsWith(tail) ? key.slice(head.length, key.length - tail.length) : null;
}
