#!lua
--[[ expire: release a reservation whose deadline has passed (docs/stock-model.md).
KEYS[1] reservation hash (Preservation:<orderId>)   KEYS[2] deadlines zset (Pdeadlines)
KEYS[3] journal stream (Pjournal)   KEYS[4..] SKU hashes of the reservation's items, in record order
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] finished-record TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] unused ('': the correlationId of the reserve is used)  ARGV[6] actor  ARGV[7] orderId
ARGV[8] unused ('')  ARGV[9] unused ('')  ARGV[10..] the skuIds of KEYS[4..] (checked against the record)
Returns {code, entryJson}: 1 OK (expired now), 0 REPLAY (+ the first entry), -11 NOT_DUE; for a record
  that is not RESERVED (finished meanwhile, or absent): -3, -4, -5 or -9 as its status says, and the
  stale deadline is removed; -13 STALE_KEYS (KEYS do not match the record: nothing written, retry).
Writes: only on OK: SKU hashes (reserved, version, updatedAt), deadlines, the reservation hash
  (status EXPIRED, expire) with the finished TTL, one journal entry. Other answers journal nothing. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "held"
local reservationKey, deadlinesKey = KEYS[1], KEYS[2]
local now, orderId = tonumber(ARGV[1]), ARGV[7]

local record = rcall('HMGET', reservationKey, 'status', 'expire', 'items', 'expiresAt', 'orderIdType',
  'correlationId')
if record[2] then return {0, record[2]} end
local status = record[1]
local entry = {v = 1, action = 'expire', at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = record[6] or orderId, actor = ARGV[6], orderId = orderId, orderIdType = record[5],
  reason = 'EXPIRED'}
if status ~= 'RESERVED' then
  local codeOf = {NONE = -3, FAILED = -3, EXPIRED = -4, RELEASED = -5, CONFIRMED = -9}
  rcall('ZREM', deadlinesKey, orderId)
  entry.code = codeOf[status] or -3
  return {entry.code, cjson.encode(entry)}
end
entry.expiresAt = tonumber(record[4])
if entry.expiresAt > now then entry.code = -11; return {-11, cjson.encode(entry)} end

local items, skus, answer = heldAsCalled(record[3])
if answer then return answer end
entry.code, entry.items, entry.skus = 1, items, settleHeld(items, skus, 4, false, now)
rcall('ZREM', deadlinesKey, orderId)
return finishRecord(entry, 'EXPIRED', 'expire')
