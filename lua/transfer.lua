#!lua
--[[ transfer: move units of a SKU from one location to another, atomically (docs/locations.md).
KEYS[1] SKU hash (P{<skuId>}:stock)   KEYS[2] idempotency string (Pidem:<key>)   KEYS[3] journal (Pjournal)
KEYS[4] location registry (Plocations)
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] idempotency TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] skuId  ARGV[8] quantity (1..10^9)  ARGV[9] reason
  ('' = none)  ARGV[10] the caller's idempotency key ('' = none)  ARGV[11] from, ARGV[12] to (locationIds)
Returns {code, entryJson}: 1 OK, 0 REPLAY (+ the first entry), -1 INSUFFICIENT_STOCK (the source's
  available < quantity), -2 SKU_NOT_FOUND, -14 LOCATION_NOT_FOUND (the destination is inactive or
  unknown); error reply on a malformed quantity or from = to.
Writes: the SKU hash on OK (two locations; the SKU's total unchanged); the idempotency key with its
  TTL and one journal entry (both locations in skus[1].locations), unless REPLAY. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "admin"
local qty, from, to = tonumber(ARGV[8]), ARGV[11], ARGV[12]

local replay = replayOf()
if replay then return replay end
if not qty or qty < 1 or qty > 1e9 or qty % 1 ~= 0 then return redis.error_reply('INVALID_QUANTITY') end
if from == to or from == '' or to == '' then return redis.error_reply('INVALID_TRANSFER') end

local sku = readSku(KEYS[1])
local code = 1
if not sku then code = -2
elseif not readRegistry(KEYS[4])[to] then code = -14
elseif availableAt(locationOf(sku, from)) < qty then code = -1 end

local entry = adminEntry('transfer', code)
entry.fromLocationId = from
entry.toLocationId = to
entry.quantity = qty
if code == 1 then
  move(sku, from, -qty, 0)
  move(sku, to, qty, 0)
end
return finishAdmin(entry, sku, sku ~= nil)
