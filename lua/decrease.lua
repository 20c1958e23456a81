#!lua
--[[ decrease: stock out; total -= quantity at a location if its available covers it.
KEYS[1] SKU hash (P{<skuId>}:stock)   KEYS[2] idempotency string (Pidem:<key>)   KEYS[3] journal (Pjournal)
KEYS[4] location registry (Plocations)
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] idempotency TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] skuId  ARGV[8] quantity (1..10^9)  ARGV[9] reason
  ('' = none)  ARGV[10] the caller's idempotency key ('' = none)  ARGV[11] locationId ('' = default)
Returns {code, entryJson}: 1 OK, 0 REPLAY (+ the first entry), -1 INSUFFICIENT_STOCK (the location's
  available < quantity: a stock-out never takes reserved units, safety stock or a backorder),
  -2 SKU_NOT_FOUND, -14 LOCATION_NOT_FOUND; error reply on a malformed quantity.
Writes: the SKU hash on OK; the idempotency key with its TTL and one journal entry, unless REPLAY.
  On a failure the entry's skus is the unchanged state. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "admin"
local qty, at = tonumber(ARGV[8]), ARGV[11] == '' and DEFAULT_LOCATION or ARGV[11]

local replay = replayOf()
if replay then return replay end
if not qty or qty < 1 or qty > 1e9 or qty % 1 ~= 0 then return redis.error_reply('INVALID_QUANTITY') end

local sku = readSku(KEYS[1])
local code = 1
if not sku then code = -2
elseif not readRegistry(KEYS[4])[at] then code = -14
elseif availableAt(locationOf(sku, at)) < qty then code = -1 end

local entry = adminEntry('decrease', code)
if ARGV[11] ~= '' then entry.locationId = at end
if code == 1 then
  move(sku, at, -qty, 0)
end
return finishAdmin(entry, sku, sku ~= nil)
