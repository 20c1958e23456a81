#!lua
--[[ extend: move a RESERVED order's deadline to a new time (docs/locations.md, "Extend").
KEYS[1] reservation hash (Preservation:<orderId>; a cross-shard order's coordinator alike)
KEYS[2] deadlines zset (Pdeadlines)   KEYS[3] journal stream (Pjournal)
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] new expiresAt (epoch ms, > now)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] orderId
Returns {code, entryJson}: 1 OK, -3 RESERVATION_NOT_FOUND (none, FAILED, a tombstone, or a cross-shard
  order still being reserved), -4 RESERVATION_EXPIRED (EXPIRED, or RESERVED past its deadline: the
  sweep expires it), -5 RESERVATION_RELEASED, -9 ALREADY_CONFIRMED. Not idempotent by itself: a
  repeat extends again (to the same time when it carries the same ARGV).
Writes: on OK only: the record's expiresAt, the deadline, one journal entry (action extend). ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local reservationKey, deadlinesKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, expiresAt, orderId = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[7]
if not expiresAt or expiresAt <= now then return redis.error_reply('INVALID_EXPIRES_AT') end

local record = rcall('HMGET', reservationKey, 'status', 'expiresAt', 'orderIdType', 'items')
local status = record[1]
local codeOf = {NONE = -3, FAILED = -3, PENDING = -3, EXPIRED = -4, RELEASED = -5, CONFIRMED = -9}
local code = codeOf[status] or -3
if status == 'RESERVED' then code = tonumber(record[2]) <= now and -4 or 1 end
local entry = {v = 1, action = 'extend', code = code, at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = ARGV[5], actor = ARGV[6], orderId = orderId, orderIdType = record[3] or 'string'}
if code ~= 1 then return {code, cjson.encode(entry)} end
entry.expiresAt, entry.previousExpiresAt, entry.items = expiresAt, tonumber(record[2]), cjson.decode(record[4])
local json = cjson.encode(entry)
rcall('HSET', reservationKey, 'expiresAt', expiresAt)
rcall('ZADD', deadlinesKey, expiresAt, orderId)
rcall('XADD', journalKey, '*', 'e', json)
return {1, json}
