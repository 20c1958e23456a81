#!lua
--[[ reserve: reserve every item of an order, or none (docs/stock-model.md).
KEYS[1] reservation hash (Preservation:<orderId>)   KEYS[2] deadlines zset (Pdeadlines)
KEYS[3] journal stream (Pjournal)                   KEYS[4..] SKU hashes P{<skuId>}:stock, one per item
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] expiresAt (epoch ms)  ARGV[3] finished-record TTL (s)
ARGV[4] eventId  ARGV[5] causationId  ARGV[6] correlationId  ARGV[7] actor
ARGV[8] orderId  ARGV[9] orderIdType  ARGV[10..] skuId, quantity pairs (distinct SKUs, KEYS order)
Returns {code, entryJson}: 1 OK, 0 REPLAY (+ the first entry), -1 INSUFFICIENT_STOCK,
  -2 SKU_NOT_FOUND, -8 INVALID_ORDER (the order has a tombstone); error reply on malformed ARGV.
Writes: SKU hashes (reserved, version, updatedAt) and deadlines on OK; the reservation hash
  (TTL unless RESERVED); one journal entry unless REPLAY. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local reservationKey, deadlinesKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, expiresAt, finishedTtl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local orderId, orderIdType, correlationId = ARGV[8], ARGV[9], ARGV[6]
local itemCount = #KEYS - 4

local record = rcall('HMGET', reservationKey, 'status', 'reserve')
if record[2] then return {0, record[2]} end
if itemCount < 1 or itemCount > 100 or #ARGV ~= 9 + 2 * itemCount then
  return redis.error_reply('INVALID_ORDER arity') end

-- Read and check every item before writing anything (all or nothing).
local code, items, failed, states, seen = 1, {}, {}, {}, {}
for i = 1, itemCount do
  local skuId, qty = ARGV[8 + 2 * i], tonumber(ARGV[9 + 2 * i])
  if not qty or qty < 1 or qty > 1e9 or qty % 1 ~= 0 or seen[skuId] then
    return redis.error_reply('INVALID_ORDER item ' .. i) end
  seen[skuId], items[i] = true, {skuId, qty}
  local s = rcall('HMGET', KEYS[3 + i], 'total', 'reserved', 'version')
  local available = s[1] and (tonumber(s[1]) - tonumber(s[2])) or cjson.null
  if not s[1] then code = -2 elseif available < qty and code ~= -2 then code = -1 end
  if not s[1] or available < qty then failed[#failed + 1] = {skuId, qty, available} end
  states[i] = s
end
if record[1] then code = -8 end -- a tombstone: the order was cancelled or confirmed before this

local entry = {v = 1, action = 'reserve', code = code, at = now, eventId = ARGV[4], causationId = ARGV[5],
  correlationId = correlationId, actor = ARGV[7], orderId = orderId, orderIdType = orderIdType, items = items}
if code == 1 then
  entry.expiresAt, entry.skus = expiresAt, {}
  for i = 1, itemCount do
    local total, reserved = tonumber(states[i][1]), tonumber(states[i][2]) + items[i][2]
    local version = tonumber(states[i][3]) + 1
    rcall('HSET', KEYS[3 + i], 'reserved', reserved, 'version', version, 'updatedAt', now)
    entry.skus[i] = {skuId = items[i][1], dTotal = 0, dReserved = items[i][2], total = total,
      reserved = reserved, version = version}
  end
  rcall('ZADD', deadlinesKey, expiresAt, orderId)
elseif code ~= -8 then entry.failedItems = failed end
local json = cjson.encode(entry)
if code == -8 then rcall('HSET', reservationKey, 'reserve', json)
else rcall('HSET', reservationKey, 'status', code == 1 and 'RESERVED' or 'FAILED', 'items', cjson.encode(items),
  'expiresAt', code == 1 and expiresAt or '', 'orderIdType', orderIdType, 'correlationId', correlationId,
  'reserve', json) end
if code ~= 1 then rcall('EXPIRE', reservationKey, finishedTtl) end
rcall('XADD', journalKey, '*', 'e', json)
return {code, json}
