#!lua
--[[ confirm: deduct what was reserved for the order from total (docs/stock-model.md).
KEYS[1] reservation hash (Preservation:<orderId>)   KEYS[2] deadlines zset (Pdeadlines)
KEYS[3] journal stream (Pjournal)   KEYS[4..] SKU hashes of the reservation's items, in record order
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] finished-record TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] orderId  ARGV[8] orderIdType  ARGV[9] unused ('')
ARGV[10..] the skuIds of KEYS[4..] (checked against the record)
Returns {code, entryJson}: 1 OK, 0 REPLAY (+ the first entry), -3 RESERVATION_NOT_FOUND (none, FAILED
  or tombstone), -4 RESERVATION_EXPIRED (past the deadline: expired now, stock back), -5
  RESERVATION_RELEASED, -13 STALE_KEYS (KEYS do not match the record: nothing written, re-read, retry).
Writes: SKU hashes (total, reserved, version, updatedAt) and deadlines when RESERVED; the reservation
  hash (status, confirm; a NONE tombstone when absent) with the finished TTL; one journal entry. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "held"
local reservationKey, deadlinesKey = KEYS[1], KEYS[2]
local now, orderId = tonumber(ARGV[1]), ARGV[7]

local record = rcall('HMGET', reservationKey, 'status', 'confirm', 'items', 'expiresAt', 'orderIdType')
if record[2] then return {0, record[2]} end
local status = record[1]
local entry = {v = 1, action = 'confirm', at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = ARGV[5], actor = ARGV[6], orderId = orderId, orderIdType = record[5] or ARGV[8]}
local codeOf = {NONE = -3, FAILED = -3, EXPIRED = -4, RELEASED = -5, CONFIRMED = -9}
local code, newStatus = codeOf[status] or -3, status or 'NONE'

if status == 'RESERVED' then
  local items, skus, answer = heldAsCalled(record[3])
  if answer then return answer end
  local due = tonumber(record[4]) <= now
  code, newStatus = due and -4 or 1, due and 'EXPIRED' or 'CONFIRMED'
  if due then entry.reason = 'EXPIRED' end
  entry.items, entry.skus = items, settleHeld(items, skus, 4, not due, now)
  rcall('ZREM', deadlinesKey, orderId)
end

entry.code = code
return finishRecord(entry, newStatus, 'confirm', 'orderIdType', entry.orderIdType)
