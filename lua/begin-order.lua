#!lua
--[[ begin-order: open a cross-shard order's coordinator on its home shard (docs/sharding.md).
KEYS[1] coordinator record (P{s<H>}:reservation:<orderId>)  KEYS[2] deadlines zset (P{s<H>}:deadlines)
KEYS[3] journal stream (P{s<H>}:journal)  KEYS[last] restored-data marker (P{s<H>}:restored): when
  absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] recovery deadline (epoch ms)  ARGV[3] eventId of the outcome
ARGV[4] causationId  ARGV[5] correlationId  ARGV[6] actor  ARGV[7] orderId  ARGV[8] orderIdType
ARGV[9] every item, JSON [[skuId, qty], …]   ARGV[10] the part shards, JSON [shard, …]
Returns {code, json}: 1 OK (json {items, parts}: opened now, or PENDING already: go on with the
  stored items and parts), 0 REPLAY (+ the order's reserve outcome: it was decided), -8
  INVALID_ORDER (+ the outcome entry: another record is here, a tombstone or a single-shard order
  with this id; its reserve outcome is written and journaled once, as reserve.lua does).
Writes: when opened: the coordinator (kind coordinator, status PENDING, items, parts, orderIdType,
  correlationId, recoverAt), its recovery deadline in the deadline set, and one journal entry
  (action reserve, stage begin, eventId <eventId>:begin, no outcome event), so MariaDB and a
  restore know it is PENDING. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local key, deadlinesKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, recoverAt, orderId = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[7]

local record = rcall('HMGET', key, 'kind', 'status', 'reserve', 'items', 'parts')
if record[1] == 'coordinator' then
  if record[3] then return {0, record[3]} end
  return {1, '{"items":' .. record[4] .. ',"parts":' .. record[5] .. '}'}
end
if record[2] then -- a tombstone or a single-shard order: refused, and answered once, as reserve.lua does
  if record[3] then return {0, record[3]} end
  local refused = cjson.encode({v = 1, action = 'reserve', code = -8, at = now, eventId = ARGV[3],
    causationId = ARGV[4], correlationId = ARGV[5], actor = ARGV[6], orderId = orderId,
    orderIdType = ARGV[8], items = cjson.decode(ARGV[9])})
  rcall('HSET', key, 'reserve', refused)
  rcall('XADD', journalKey, '*', 'e', refused)
  return {-8, refused}
end
local items, parts = cjson.decode(ARGV[9]), cjson.decode(ARGV[10])
if #items < 2 or #parts < 2 or not recoverAt then
  return redis.error_reply('INVALID_ORDER a cross-shard order has items on two shards or more') end

rcall('HSET', key, 'kind', 'coordinator', 'status', 'PENDING', 'items', ARGV[9], 'parts', ARGV[10],
  'orderIdType', ARGV[8], 'correlationId', ARGV[5], 'recoverAt', recoverAt)
rcall('ZADD', deadlinesKey, recoverAt, orderId)
local entry = {v = 1, action = 'reserve', stage = 'begin', code = 1, at = now, eventId = ARGV[3] .. ':begin',
  causationId = ARGV[4], correlationId = ARGV[5], actor = ARGV[6], orderId = orderId,
  orderIdType = ARGV[8], items = items}
rcall('XADD', journalKey, '*', 'e', cjson.encode(entry))
return {1, '{"items":' .. ARGV[9] .. ',"parts":' .. ARGV[10] .. '}'}
