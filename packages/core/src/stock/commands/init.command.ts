import type { CommandContext, StockResult } from '../stock.types.js';
import { assertContext, intError, STOCK_LIMITS, skuIdError } from '../stock.validation.js';
import { contextArgs, rejected, type StockCommand, skuShard } from './command.js';

/** init: create a SKU with its first total (product.sku.created). Script: lua/init.lua. */

export interface InitInput extends CommandContext {
  skuId: string;
  /** 0…10^12. */
  initialQuantity: number;
  reason?: string;
}

export type InitOutcome = StockResult<'EXISTS'>;

export const init: StockCommand<InitInput, InitOutcome> = {
  action: 'init',
  shardOf: (layout, input) => skuShard(layout, input.skuId),
  plan(pc, input) {
    assertContext(input);
    const skuError = skuIdError(input.skuId, 'skuId');
    if (skuError) return rejected('INVALID_SKU_ID', [skuError]);
    const qtyError = intError(input.initialQuantity, 'initialQuantity', 0, STOCK_LIMITS.maxTotal);
    if (qtyError) return rejected('INVALID_QUANTITY', [qtyError]);
    const eventId = input.eventId ?? pc.newId();
    return {
      action: 'init',
      keys: [pc.keys.stock(input.skuId), pc.keys.journal, pc.keys.restored],
      args: [
        pc.now,
        '',
        ...contextArgs(input, eventId),
        input.skuId,
        input.initialQuantity,
        input.reason ?? '',
      ],
    };
  },
};
