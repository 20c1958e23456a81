-- The frame of a single-SKU admin write (add, decrease, set, transfer), spliced after "locations".
-- Their KEYS[1..3] and ARGV[1..7], [9], [10] mean the same in each: SKU hash, idempotency string,
-- journal; now, idempotency TTL, eventId, causationId, correlationId, actor, skuId; reason
-- ('' = none), the caller's idempotency key ('' = none).

-- The first answer of this idempotency key, to answer again (code 0 REPLAY), or nil.
local function replayOf()
  local prior = rcall('GET', KEYS[2])
  if prior then return {0, prior} end
end

-- The journal entry's fields every admin write carries.
local function adminEntry(action, code)
  local entry = {v = 1, action = action, code = code, at = tonumber(ARGV[1]), eventId = ARGV[3],
    causationId = ARGV[4], correlationId = ARGV[5], actor = ARGV[6], skuId = ARGV[7]}
  if ARGV[9] ~= '' then entry.reason = ARGV[9] end
  if ARGV[10] ~= '' then entry.idempotencyKey = ARGV[10] end
  return entry
end

-- Records the outcome, the caller having moved `sku` on OK: the new state on OK, the unchanged
-- state on a failure of a SKU that `existed` (none for an unknown one); then the idempotency key
-- (with its TTL) and one journal entry. Returns the script's answer {code, entryJson}.
local function finishAdmin(entry, sku, existed)
  if entry.code == 1 then entry.skus = {writeSku(KEYS[1], sku, ARGV[7], tonumber(ARGV[1]))}
  elseif existed then entry.skus = {skuRecord(sku, ARGV[7])} end
  local json = cjson.encode(entry)
  rcall('SET', KEYS[2], json, 'EX', ARGV[2])
  rcall('XADD', KEYS[3], '*', 'e', json)
  return {entry.code, json}
end
