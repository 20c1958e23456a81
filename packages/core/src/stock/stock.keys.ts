/**
 * Redis key builders for the live stock store (docs/stock-model.md, "Keys").
 * Every key a Lua script touches is built here and passed in KEYS; scripts never build keys.
 */
export interface StockKeys {
  readonly prefix: string;
  /** `P{<skuId>}:stock`: the SKU hash; `{<skuId>}` is a hash tag (one SKU, one cluster slot). */
  stock(skuId: string): string;
  /** `Preservation:<orderId>`: the order's reservation record. */
  reservation(orderId: string): string;
  /** `Pidem:<key>`: the stored outcome of an admin write with that idempotency key. */
  idempotency(key: string): string;
  /** `Pdeadlines`: sorted set of RESERVED orders by deadline (epoch ms). */
  readonly deadlines: string;
  /** `Pjournal`: the journal stream, one entry per effective command. */
  readonly journal: string;
  /** `Prestored`: marker that Redis holds restored, current data. */
  readonly restored: string;
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
    idempotency: (key) => `${prefix}idem:${key}`,
    deadlines: `${prefix}deadlines`,
    journal: `${prefix}journal`,
    restored: `${prefix}restored`,
  };
}
