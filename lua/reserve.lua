#!lua
--[[ reserve: reserve every item of an order, or none (docs/stock-model.md, docs/locations.md).
KEYS[1] reservation hash (Preservation:<orderId>)   KEYS[2] deadlines zset (Pdeadlines)
KEYS[3] journal stream (Pjournal)   KEYS[4] location registry (Plocations)
KEYS[5..] SKU hashes P{<skuId>}:stock, one per item
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] expiresAt (epoch ms)  ARGV[3] finished-record TTL (s)  ARGV[4] eventId
ARGV[5] causationId  ARGV[6] correlationId  ARGV[7] actor  ARGV[8] orderId  ARGV[9] orderIdType
ARGV[10] options: letters S (no split: one location per item), P (partial: hold what there is)
ARGV[11..] skuId, quantity, locationId ('' = by priority) triples (distinct SKUs, KEYS order)
Returns {code, entryJson}: 1 OK, 0 REPLAY (+ the first entry), -1 INSUFFICIENT_STOCK, -2 SKU_NOT_FOUND,
  -8 INVALID_ORDER (the order has a tombstone), -14 LOCATION_NOT_FOUND; error reply on malformed ARGV.
Writes: SKU hashes and deadlines on OK; the reservation hash (TTL unless RESERVED); one journal entry
  unless REPLAY. A partial hold lists the items it held (with what it held) and shortItems. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "sourcing"
local reservationKey, deadlinesKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, expiresAt, finishedTtl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local orderId, orderIdType, correlationId = ARGV[8], ARGV[9], ARGV[6]
local itemCount, split, partial = #KEYS - 5, not ARGV[10]:find('S', 1, true), ARGV[10]:find('P', 1, true) ~= nil

local record = rcall('HMGET', reservationKey, 'status', 'reserve')
if record[2] then return {0, record[2]} end
if itemCount < 1 or itemCount > 100 or #ARGV ~= 10 + 3 * itemCount then
  return redis.error_reply('INVALID_ORDER arity') end

-- Source and check every item before writing anything (all or nothing; partial: what there is).
local code, failed, plans = planOrder(readRegistry(KEYS[4]), itemCount, 5, 11, split, partial)
if code == nil then return failed end -- a malformed item: the error reply
local items, short, held = {}, {}, 0
for i, p in ipairs(plans) do
  items[i] = {p.skuId, p.qty}
  if not p.fail then
    held = held + p.held
    if p.held < p.qty then short[#short + 1] = {p.skuId, p.qty, p.held} end
  end
end
if code == 1 and held == 0 then -- partial, and nothing anywhere: a failure like any other
  code = -1
  for _, p in ipairs(plans) do failed[#failed + 1] = p.miss end
end
if record[1] then code = -8 end -- a tombstone: the order was cancelled or confirmed before this

local entry = {v = 1, action = 'reserve', code = code, at = now, eventId = ARGV[4], causationId = ARGV[5],
  correlationId = correlationId, actor = ARGV[7], orderId = orderId, orderIdType = orderIdType, items = items}
if code == 1 then
  entry.expiresAt, entry.skus, entry.items = expiresAt, {}, {}
  for i = 1, itemCount do
    local p = plans[i]
    if p.held > 0 then
      local item, rec = holdItem(KEYS[4 + i], p.sku, p.skuId, p, now)
      entry.items[#entry.items + 1], entry.skus[#entry.skus + 1] = item, rec
    end
  end
  if #short > 0 then entry.shortItems = short end
  rcall('ZADD', deadlinesKey, expiresAt, orderId)
elseif code ~= -8 then entry.failedItems = failed end
local json = cjson.encode(entry)
if code == -8 then rcall('HSET', reservationKey, 'reserve', json)
else rcall('HSET', reservationKey, 'status', code == 1 and 'RESERVED' or 'FAILED', 'items',
  cjson.encode(entry.items), 'expiresAt', code == 1 and expiresAt or '', 'orderIdType', orderIdType,
  'correlationId', correlationId, 'reserve', json) end
if code ~= 1 then rcall('EXPIRE', reservationKey, finishedTtl) end
rcall('XADD', journalKey, '*', 'e', json)
return {code, json}
