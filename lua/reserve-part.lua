#!lua
--[[ reserve-part: hold one shard's items of a cross-shard order, all or none (docs/sharding.md).
KEYS[1] part record (P{s<k>}:part:<orderId>)   KEYS[2] journal stream (P{s<k>}:journal)
KEYS[3] location registry (P{s<k>}:locations)   KEYS[4..] SKU hashes of this shard's items
KEYS[last] restored-data marker (P{s<k>}:restored): when absent, error RESTORING, nothing written.
ARGV[1] now (epoch ms)  ARGV[2] eventId  ARGV[3] causationId  ARGV[4] correlationId  ARGV[5] actor
ARGV[6] orderId  ARGV[7] orderIdType  ARGV[8] options: S (no split), P (partial)  ARGV[9..] skuId, quantity,
  locationId ('' = by priority) triples (distinct SKUs, KEYS order); sourced as reserve does.
Returns {code, json}: 1 OK (held now; the journal entry; partial: with shortItems and missing, the
  items that got nothing, as [skuId, qty, available, locationId?]; when nothing at all is held here,
  no part is written and json is just {items: [], shortItems, missing}), 0 REPLAY (the part is held
  already; {items}),
  -1 INSUFFICIENT_STOCK, -2 SKU_NOT_FOUND or -14 LOCATION_NOT_FOUND (json: the failed items, each
  [skuId, qty, available, locationId?]; nothing written), -8 INVALID_ORDER (another record is here:
  a tombstone, a settled part, or a single-shard order with this id); error reply on malformed ARGV.
Writes: on OK only: the SKU hashes, the part record (kind part, status RESERVED, items with their
  allocations, orderIdType, correlationId; no TTL while held) and one journal entry (action reserve,
  part true): the stock movements, and no outcome event (the coordinator answers). ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "sourcing"
local partKey, journalKey = KEYS[1], KEYS[2]
local now, orderId, itemCount = tonumber(ARGV[1]), ARGV[6], #KEYS - 4
local split, partial = not ARGV[8]:find('S', 1, true), ARGV[8]:find('P', 1, true) ~= nil

local record = rcall('HMGET', partKey, 'kind', 'status', 'items')
if record[1] == 'part' and record[2] == 'RESERVED' then return {0, '{"items":' .. record[3] .. '}'} end
if record[2] then return {-8, ''} end
if itemCount < 1 or itemCount > 100 or #ARGV ~= 8 + 3 * itemCount then
  return redis.error_reply('INVALID_ORDER arity') end

-- Source and check every item before writing anything (all or none; partial: what there is).
local code, failed, plans = planOrder(readRegistry(KEYS[3]), itemCount, 4, 9, split, partial)
if code == nil then return failed end -- a malformed item: the error reply
if code ~= 1 then return {code, cjson.encode(failed)} end

local entry = {v = 1, action = 'reserve', part = true, code = 1, at = now, eventId = ARGV[2],
  causationId = ARGV[3], correlationId = ARGV[4], actor = ARGV[5], orderId = orderId,
  orderIdType = ARGV[7], items = {}, skus = {}}
local short, missing = {}, {}
for i = 1, itemCount do
  local p = plans[i]
  if p.held < p.qty then short[#short + 1] = {p.skuId, p.qty, p.held} end
  if p.held == 0 then missing[#missing + 1] = p.miss
  else entry.items[#entry.items + 1], entry.skus[#entry.skus + 1] = holdItem(KEYS[3 + i], p.sku, p.skuId, p, now) end
end
if #short > 0 then entry.shortItems, entry.missing = short, missing end
if #entry.items == 0 then return {1, cjson.encode({items = {}, shortItems = short, missing = missing})} end
local json = cjson.encode(entry)
rcall('HSET', partKey, 'kind', 'part', 'status', 'RESERVED', 'items', cjson.encode(entry.items),
  'orderIdType', ARGV[7], 'correlationId', ARGV[4])
rcall('XADD', journalKey, '*', 'e', json)
return {1, json}
