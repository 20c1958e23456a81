#!lua
--[[ decide-order: answer a cross-shard order's reserve once its parts answered (docs/sharding.md).
KEYS[1] coordinator record (P{s<H>}:reservation:<orderId>)  KEYS[2] deadlines zset  KEYS[3] journal
KEYS[last] restored-data marker (P{s<H>}:restored): when absent, error RESTORING, nothing written.
ARGV[1] now (epoch ms)  ARGV[2] finished-record TTL (s)  ARGV[3] decision: commit (every part is
  held), fail (a part was short or refused) or recover (the recovery sweep: fail a PENDING order
  whose recovery deadline passed)  ARGV[4] expiresAt (commit)  ARGV[5] eventId  ARGV[6] causationId
ARGV[7] actor  ARGV[8] orderId  ARGV[9] code (fail: -1, -2, -14 or -8)  ARGV[10] failed items JSON ('')
ARGV[11] settle-by (epoch ms; fail and recover): when the parts are checked again if the caller
  does not report them released  ARGV[12] commit: the items as the parts hold them, with their
  allocations per location (JSON; '' = the recorded items)  ARGV[13] commit of a partial order:
  its shortItems (JSON; '' = none)
Returns {code, entryJson}: commit 1 OK; fail its code; recover -8 INVALID_ORDER (reason RECOVERY),
  or -11 NOT_DUE (not due yet: nothing written); 0 REPLAY (+ the first reserve outcome: decided
  before, e.g. by the recovery sweep), -3 RESERVATION_NOT_FOUND (no coordinator here).
Writes: status RESERVED (expiresAt; the deadline becomes the reservation's expiry) or FAILED (the
  deadline moved to the settle-by time, the finished TTL), reserve (the outcome) and one journal
  entry (action reserve: the order's outcome event, with every item). ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local key, deadlinesKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, finishedTtl, decision, orderId = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[8]

local record = rcall('HMGET', key, 'kind', 'status', 'reserve', 'items', 'orderIdType', 'correlationId',
  'recoverAt')
if record[1] ~= 'coordinator' then return {-3, ''} end
if record[3] then return {0, record[3]} end
if decision ~= 'commit' and decision ~= 'fail' and decision ~= 'recover' then
  return redis.error_reply('INVALID_DECISION ' .. decision) end
if decision == 'recover' and tonumber(record[7]) > now then return {-11, ''} end

local entry = {v = 1, action = 'reserve', at = now, eventId = ARGV[5], causationId = ARGV[6],
  correlationId = record[6], actor = ARGV[7], orderId = orderId, orderIdType = record[5],
  items = cjson.decode(record[4])}
local json
if decision == 'commit' then
  local expiresAt = tonumber(ARGV[4])
  entry.code, entry.expiresAt = 1, expiresAt
  if ARGV[12] and ARGV[12] ~= '' then entry.items = cjson.decode(ARGV[12]) end
  if ARGV[13] and ARGV[13] ~= '' then entry.shortItems = cjson.decode(ARGV[13]) end
  json = cjson.encode(entry)
  rcall('HSET', key, 'status', 'RESERVED', 'expiresAt', expiresAt, 'reserve', json, 'items',
    cjson.encode(entry.items))
  rcall('ZADD', deadlinesKey, expiresAt, orderId)
else
  entry.code = decision == 'recover' and -8 or tonumber(ARGV[9])
  if decision == 'recover' then entry.reason = 'RECOVERY' end
  if ARGV[10] ~= '' then entry.failedItems = cjson.decode(ARGV[10]) end
  json = cjson.encode(entry)
  rcall('HSET', key, 'status', 'FAILED', 'reserve', json)
  rcall('ZADD', deadlinesKey, tonumber(ARGV[11]), orderId)
  rcall('EXPIRE', key, finishedTtl)
end
rcall('XADD', journalKey, '*', 'e', json)
return {entry.code, json}
