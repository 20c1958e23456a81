#!lua
--[[ set: make a total absolute (the SKU's, or a location's with its settings), optionally only at an
expected version (docs/locations.md).
KEYS[1] SKU hash (P{<skuId>}:stock)   KEYS[2] idempotency string (Pidem:<key>)   KEYS[3] journal (Pjournal)
KEYS[4] location registry (Plocations)
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] idempotency TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] skuId  ARGV[8] total ('' = keep, only with a location)
ARGV[9] reason ('' = none)  ARGV[10] the caller's idempotency key ('' = none)  ARGV[11] expected
  version ('' = any; 0 = absent)  ARGV[12] locationId ('' = the SKU: `default` changes so that the
  SKU's total becomes ARGV[8])  ARGV[13] safetyStock, ARGV[14] backorderLimit ('' = keep)
Returns {code, entryJson}: 1 OK (an absent SKU is created), 0 REPLAY (+ the first entry),
  -6 VERSION_CONFLICT, -14 LOCATION_NOT_FOUND, -12 TOTAL_LIMIT (the SKU's total > 10^12),
  -7 BELOW_RESERVED (reserved > total + backorderLimit at the location); error reply on bad numbers.
Writes: the SKU hash on OK; the idempotency key with its TTL and one journal entry, unless REPLAY.
  On a failure the entry's skus is the unchanged state. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
--- @include "admin"
local newTotal, expected = tonumber(ARGV[8]), ARGV[11]
local at, safetyStock, backorderLimit = ARGV[12] == '' and DEFAULT_LOCATION or ARGV[12], tonumber(ARGV[13]),
  tonumber(ARGV[14])

local replay = replayOf()
if replay then return replay end
for _, n in ipairs({newTotal or 0, safetyStock or 0, backorderLimit or 0}) do
  if n < 0 or n % 1 ~= 0 then return redis.error_reply('INVALID_QUANTITY') end end
if not newTotal and ARGV[12] == '' then return redis.error_reply('INVALID_QUANTITY') end

local sku = readSku(KEYS[1])
local existed = sku ~= nil
sku = sku or newSku()
local loc = locationOf(sku, at)
-- The location's new total: the SKU-level form moves `default` by the SKU's difference.
local locTotal = newTotal and (ARGV[12] == '' and loc.t + newTotal - sku.total or newTotal) or loc.t
local code = 1
if expected ~= '' and tonumber(expected) ~= sku.version then code = -6
elseif not readRegistry(KEYS[4])[at] then code = -14
elseif sku.total - loc.t + locTotal > 1e12 then code = -12
-- A confirmed backorder leaves a total below 0 (units owed): only the SKU form can push it lower.
elseif locTotal < math.min(0, loc.t) or loc.r - locTotal > (backorderLimit or loc.bo) then code = -7 end

local entry = adminEntry('set', code)
if ARGV[12] ~= '' then entry.locationId = at end
if code == 1 then
  move(sku, at, locTotal - loc.t, 0)
  if safetyStock or backorderLimit then configure(sku, at, safetyStock, backorderLimit) end
end
return finishAdmin(entry, sku, existed)
