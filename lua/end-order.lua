#!lua
--[[ end-order: confirm, release or expire a cross-shard order's coordinator (docs/sharding.md).
KEYS[1] coordinator record (P{s<H>}:reservation:<orderId>)  KEYS[2] deadlines zset  KEYS[3] journal
KEYS[last] restored-data marker (P{s<H>}:restored): when absent, error RESTORING, nothing written.
ARGV[1] now (epoch ms)  ARGV[2] finished-record TTL (s)  ARGV[3] action: confirm, release or expire
ARGV[4] eventId  ARGV[5] causationId  ARGV[6] correlationId  ARGV[7] actor  ARGV[8] orderId
ARGV[9] orderIdType  ARGV[10] reason ('' = none)  ARGV[11] settle-by (epoch ms): when the parts are
  checked again if the caller does not report them settled
Returns {code, entryJson}: 1 OK; 0 REPLAY (+ this action's first outcome); for an order that is not
  RESERVED the codes of confirm.lua, release.lua and expire.lua (-3, -4, -5, -9); -4 for a confirm
  past the deadline (the order expires); -11 NOT_DUE (expire before the deadline); -13 STALE_KEYS
  (still PENDING: its reserve is being decided; nothing written, retry); -3 without a coordinator.
Writes: the status (CONFIRMED, RELEASED or EXPIRED) and the action's outcome, the deadline moved to
  the settle-by time (the caller removes it once every part followed; otherwise the sweep settles
  the parts then), the finished TTL, one journal entry (the outcome event; the parts journal the
  stock movements).
  An expire of an order that is not RESERVED only removes its stale deadline. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local key, deadlinesKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, finishedTtl, action, orderId = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[8]
if action ~= 'confirm' and action ~= 'release' and action ~= 'expire' then
  return redis.error_reply('INVALID_ACTION ' .. action) end

local record = rcall('HMGET', key, 'kind', 'status', action, 'items', 'expiresAt', 'orderIdType',
  'correlationId')
if record[1] ~= 'coordinator' then return {-3, ''} end
if record[3] then return {0, record[3]} end
local status = record[2]
if status == 'PENDING' then return {-13, ''} end
local codeOf = {FAILED = -3, EXPIRED = -4, RELEASED = -5, CONFIRMED = -9}
if action == 'expire' and status ~= 'RESERVED' then
  rcall('ZREM', deadlinesKey, orderId)
  return {codeOf[status] or -3, ''}
end
local due = status == 'RESERVED' and tonumber(record[5]) <= now
if action == 'expire' and not due then return {-11, ''} end

local entry = {v = 1, action = action, at = now, eventId = ARGV[4], causationId = ARGV[5],
  correlationId = action == 'expire' and record[7] or ARGV[6], actor = ARGV[7], orderId = orderId,
  orderIdType = record[6] or ARGV[9]}
if ARGV[10] ~= '' then entry.reason = ARGV[10] end
local code, newStatus = codeOf[status] or -3, status
if status == 'RESERVED' then
  entry.items = cjson.decode(record[4])
  if action == 'confirm' and due then code, newStatus, entry.reason = -4, 'EXPIRED', 'EXPIRED'
  elseif action == 'confirm' then code, newStatus = 1, 'CONFIRMED'
  else code, newStatus = 1, action == 'release' and 'RELEASED' or 'EXPIRED' end
  if action == 'expire' then entry.reason = 'EXPIRED' end
  rcall('ZADD', deadlinesKey, tonumber(ARGV[11]), orderId)
end
entry.code = code
local json = cjson.encode(entry)
rcall('HSET', key, 'status', newStatus, action, json)
rcall('EXPIRE', key, finishedTtl)
rcall('XADD', journalKey, '*', 'e', json)
return {code, json}
