#!lua
--[[ settle-part: confirm, release or expire one shard's part of a cross-shard order (docs/sharding.md).
KEYS[1] part record (P{s<k>}:part:<orderId>)   KEYS[2] journal stream (P{s<k>}:journal)
KEYS[3..] SKU hashes of the part's items, in record order   KEYS[last] restored-data marker
  (P{s<k>}:restored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] finished-record TTL (s)  ARGV[3] action: confirm, release or expire
ARGV[4] eventId  ARGV[5] causationId  ARGV[6] correlationId  ARGV[7] actor  ARGV[8] orderId
ARGV[9] reason ('' = none)  ARGV[10..] the skuIds of KEYS[3..] (checked against the record)
Returns {code, json}: 1 OK (settled now; the journal entry), 0 REPLAY (settled before, or nothing was
  held here: then a NONE tombstone is written, so a late reserve-part is refused), -8 INVALID_ORDER
  (the record here is not a part), -13 STALE_KEYS (KEYS do not match the record: re-read, retry).
Writes: on OK: the SKU hashes (confirm: total and reserved down by the quantity; release, expire:
  reserved down), the part record (status CONFIRMED or RELEASED, finished TTL), one journal entry
  (the action, part true: stock movements, no outcome event). Without a record: the tombstone. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "held"
local partKey, journalKey = KEYS[1], KEYS[2]
local now, finishedTtl, action, orderId = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[8]
if action ~= 'confirm' and action ~= 'release' and action ~= 'expire' then
  return redis.error_reply('INVALID_ACTION ' .. action) end

local record = rcall('HMGET', partKey, 'kind', 'status', 'items', 'orderIdType')
if not record[2] then
  rcall('HSET', partKey, 'kind', 'part', 'status', 'NONE')
  rcall('EXPIRE', partKey, finishedTtl)
  return {0, ''}
end
if record[1] ~= 'part' then return {-8, ''} end
if record[2] ~= 'RESERVED' then return {0, ''} end
local items = cjson.decode(record[3])
if #items ~= #KEYS - 3 or #ARGV ~= 9 + #items then return {-13, ''} end
for i = 1, #items do if ARGV[9 + i] ~= items[i][1] then return {-13, ''} end end
local skus, missing = readHeld(items, 3) -- read every SKU before writing any
if not skus then return redis.error_reply('SKU hash missing for ' .. missing) end

local confirm = action == 'confirm'
local entry = {v = 1, action = action, part = true, code = 1, at = now, eventId = ARGV[4],
  causationId = ARGV[5], correlationId = ARGV[6], actor = ARGV[7], orderId = orderId,
  orderIdType = record[4], items = items}
if ARGV[9] ~= '' then entry.reason = ARGV[9] end
entry.skus = settleHeld(items, skus, 3, confirm, now)
local json = cjson.encode(entry)
rcall('HSET', partKey, 'status', confirm and 'CONFIRMED' or 'RELEASED')
rcall('EXPIRE', partKey, finishedTtl)
rcall('XADD', journalKey, '*', 'e', json)
return {1, json}
