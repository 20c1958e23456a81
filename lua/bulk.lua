#!lua
--[[ bulk: adjust up to 1000 SKUs at once, all or none: absolute totals (as set) or deltas (as add/decrease),
  each at the SKU's `default` location (docs/locations.md).
KEYS[1] idempotency string (Pidem:<key>)  KEYS[2] journal (Pjournal)  KEYS[3..] SKU hashes P{<skuId>}:stock
  KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] idempotency TTL (s)  ARGV[3] eventId  ARGV[4] causationId  ARGV[5] correlationId
ARGV[6] actor  ARGV[7] reason ('' = none)  ARGV[8] the caller's idempotency key ('' = none)  ARGV[9] digest
  of the items (stored; a retry must carry the same)  ARGV[10..] skuId, mode ('t' total 0..10^12 | 'd' delta,
  non-zero, |delta| <= 10^9), amount triples (distinct SKUs, in KEYS order)
Returns {code, entryJson}: 1 OK (a total or positive delta creates an absent SKU), 0 REPLAY (+ the first
  entry); on failure the worst of -2 SKU_NOT_FOUND (negative delta, unknown SKU), -1 INSUFFICIENT_STOCK
  (available < |delta|), -7 BELOW_RESERVED (total < reserved), -12 TOTAL_LIMIT (total > 10^12); error on bad ARGV.
Writes: every SKU hash on OK, none on a failure; the idempotency key with its TTL and one journal entry
  unless REPLAY: skus on OK, else failedItems, each {skuId, amount, available, code, total, reserved}. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
--- @include "locations"
local idempotencyKey, journalKey = KEYS[1], KEYS[2]
local now, count = tonumber(ARGV[1]), #KEYS - 3
local prior = rcall('GET', idempotencyKey); if prior then return {0, prior} end
if count < 1 or count > 1000 or #ARGV ~= 9 + 3 * count then return redis.error_reply('INVALID_BULK arity') end

-- Read and check every item before writing anything (all or nothing).
local rank = {[1] = 0, [-12] = 1, [-7] = 2, [-1] = 3, [-2] = 4}
local code, skus, failed, seen = 1, {}, {}, {}
for i = 1, count do
  local skuId, mode, amount = ARGV[7 + 3 * i], ARGV[8 + 3 * i], tonumber(ARGV[9 + 3 * i])
  local ok = amount and amount % 1 == 0 and not seen[skuId] and ((mode == 't' and amount >= 0 and amount <= 1e12)
    or (mode == 'd' and amount ~= 0 and math.abs(amount) <= 1e9))
  if not ok then return redis.error_reply('INVALID_BULK item ' .. i) end
  seen[skuId] = true
  local sku = readSku(KEYS[2 + i])
  local existed, home = sku ~= nil, nil
  sku = sku or newSku()
  home = sku.locs[DEFAULT_LOCATION]
  local after = mode == 't' and amount or sku.total + amount
  local homeTotal = home.t + after - sku.total
  local fail
  if mode == 'd' and amount < 0 and not existed then fail = -2
  elseif mode == 'd' and amount < 0 and availableAt(home) < -amount then fail = -1
  elseif homeTotal < math.min(0, home.t) or home.r - homeTotal > home.bo then fail = -7
  elseif after > 1e12 then fail = -12 end
  if fail then
    if rank[fail] > rank[code] then code = fail end
    failed[#failed + 1] = {skuId, amount, existed and availableAt(home) or cjson.null, fail,
      existed and sku.total or cjson.null, existed and sku.reserved or cjson.null}
  else
    move(sku, DEFAULT_LOCATION, after - sku.total, 0)
    skus[i] = sku
  end
end

local entry = {v = 1, action = 'bulk', code = code, at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = ARGV[5], actor = ARGV[6], digest = ARGV[9]}
if ARGV[7] ~= '' then entry.reason = ARGV[7] end
if ARGV[8] ~= '' then entry.idempotencyKey = ARGV[8] end
if code == 1 then
  entry.skus = {}
  for i, sku in ipairs(skus) do entry.skus[i] = writeSku(KEYS[2 + i], sku, ARGV[7 + 3 * i], now) end
else entry.failedItems = failed end
local json = cjson.encode(entry)
rcall('SET', idempotencyKey, json, 'EX', ARGV[2])
rcall('XADD', journalKey, '*', 'e', json)
return {code, json}
