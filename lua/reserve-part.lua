#!lua
--[[ reserve-part: hold one shard's items of a cross-shard order, all or none (docs/sharding.md).
KEYS[1] part record (P{s<k>}:part:<orderId>)   KEYS[2] journal stream (P{s<k>}:journal)
KEYS[3..] SKU hashes of this shard's items   KEYS[last] restored-data marker (P{s<k>}:restored):
  when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] eventId  ARGV[3] causationId  ARGV[4] correlationId  ARGV[5] actor
ARGV[6] orderId  ARGV[7] orderIdType  ARGV[8..] skuId, quantity pairs (distinct SKUs, KEYS order)
Returns {code, json}: 1 OK (held now; the journal entry), 0 REPLAY (the part is held already; ''),
  -1 INSUFFICIENT_STOCK or -2 SKU_NOT_FOUND (json: the failed items, each [skuId, qty, available];
  nothing written), -8 INVALID_ORDER (another record is here: a tombstone, a settled part, or a
  single-shard order with this id); error reply on malformed ARGV.
Writes: on OK only: the SKU hashes (reserved, version, updatedAt), the part record (kind part, status
  RESERVED, items, orderIdType, correlationId; no TTL while held) and one journal entry (action
  reserve, part true): the stock movements, and no outcome event (the coordinator answers). ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local partKey, journalKey = KEYS[1], KEYS[2]
local now, orderId, itemCount = tonumber(ARGV[1]), ARGV[6], #KEYS - 3

local record = rcall('HMGET', partKey, 'kind', 'status')
if record[1] == 'part' and record[2] == 'RESERVED' then return {0, ''} end
if record[2] then return {-8, ''} end
if itemCount < 1 or itemCount > 100 or #ARGV ~= 7 + 2 * itemCount then
  return redis.error_reply('INVALID_ORDER arity') end

local code, items, failed, states, seen = 1, {}, {}, {}, {}
for i = 1, itemCount do -- read and check every item before writing anything
  local skuId, qty = ARGV[6 + 2 * i], tonumber(ARGV[7 + 2 * i])
  if not qty or qty < 1 or qty > 1e9 or qty % 1 ~= 0 or seen[skuId] then
    return redis.error_reply('INVALID_ORDER item ' .. i) end
  seen[skuId], items[i] = true, {skuId, qty}
  local s = rcall('HMGET', KEYS[2 + i], 'total', 'reserved', 'version')
  local available = s[1] and (tonumber(s[1]) - tonumber(s[2])) or cjson.null
  if not s[1] then code = -2 elseif available < qty and code ~= -2 then code = -1 end
  if not s[1] or available < qty then failed[#failed + 1] = {skuId, qty, available} end
  states[i] = s
end
if code ~= 1 then return {code, cjson.encode(failed)} end

local entry = {v = 1, action = 'reserve', part = true, code = 1, at = now, eventId = ARGV[2],
  causationId = ARGV[3], correlationId = ARGV[4], actor = ARGV[5], orderId = orderId,
  orderIdType = ARGV[7], items = items, skus = {}}
for i = 1, itemCount do
  local total, reserved = tonumber(states[i][1]), tonumber(states[i][2]) + items[i][2]
  local version = tonumber(states[i][3]) + 1
  rcall('HSET', KEYS[2 + i], 'reserved', reserved, 'version', version, 'updatedAt', now)
  entry.skus[i] = {skuId = items[i][1], dTotal = 0, dReserved = items[i][2], total = total,
    reserved = reserved, version = version}
end
local json = cjson.encode(entry)
rcall('HSET', partKey, 'kind', 'part', 'status', 'RESERVED', 'items', cjson.encode(items),
  'orderIdType', ARGV[7], 'correlationId', ARGV[4])
rcall('XADD', journalKey, '*', 'e', json)
return {1, json}
