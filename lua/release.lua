#!lua
--[[ release: return what was reserved for the order to available (docs/stock-model.md).
KEYS[1] reservation hash (Preservation:<orderId>)   KEYS[2] deadlines zset (Pdeadlines)
KEYS[3] journal stream (Pjournal)   KEYS[4..] SKU hashes of the reservation's items, in record order
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] finished-record TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] orderId  ARGV[8] orderIdType  ARGV[9] reason
  (CANCELLED or MANUAL)  ARGV[10..] the skuIds of KEYS[4..] (checked against the record)
Returns {code, entryJson}: 1 OK, 0 REPLAY (+ the first entry), -3 RESERVATION_NOT_FOUND (none: a
  NONE tombstone is written; FAILED; tombstone), -4 RESERVATION_EXPIRED, -9 ALREADY_CONFIRMED,
  -13 STALE_KEYS (KEYS do not match the record: nothing written, re-read and retry).
Writes: SKU hashes (reserved, version, updatedAt) and deadlines when RESERVED (even past its
  deadline: the cancel wins); the reservation hash (status, release) with the finished TTL; one
  journal entry. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "held"
local reservationKey, deadlinesKey = KEYS[1], KEYS[2]
local now, orderId = tonumber(ARGV[1]), ARGV[7]

local record = rcall('HMGET', reservationKey, 'status', 'release', 'items', 'orderIdType')
if record[2] then return {0, record[2]} end
local status = record[1]
local entry = {v = 1, action = 'release', at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = ARGV[5], actor = ARGV[6], orderId = orderId, orderIdType = record[4] or ARGV[8],
  reason = ARGV[9]}
local codeOf = {NONE = -3, FAILED = -3, EXPIRED = -4, RELEASED = -5, CONFIRMED = -9}
local code, newStatus = codeOf[status] or -3, status or 'NONE'

if status == 'RESERVED' then
  local items, skus, answer = heldAsCalled(record[3])
  if answer then return answer end
  code, newStatus = 1, 'RELEASED'
  entry.items, entry.skus = items, settleHeld(items, skus, 4, false, now)
  rcall('ZREM', deadlinesKey, orderId)
end

entry.code = code
return finishRecord(entry, newStatus, 'release', 'orderIdType', entry.orderIdType)
