-- What a reservation holds (docs/locations.md, "What a reservation records"). A record item is
-- {skuId, units} (all at `default`) or {skuId, units, {{locationId, units}, …}}. Needs the
-- locations include.

-- The SKU hashes of the items (KEYS[first…], in record order), read before anything is written;
-- nil and the skuId when one is missing.
local function readHeld(items, first)
  local skus = {}
  for i, item in ipairs(items) do
    skus[i] = readSku(KEYS[first + i - 1])
    if not skus[i] then return nil, item[1] end
  end
  return skus
end

-- Gives back exactly the units each item holds at each location (reserved −= units); confirming
-- (deduct) takes them from total as well. Returns the journal's SKU records.
local function settleHeld(items, skus, first, deduct, now)
  local records = {}
  for i, item in ipairs(items) do
    for _, a in ipairs(item[3] or {{DEFAULT_LOCATION, item[2]}}) do
      move(skus[i], a[1], deduct and -a[2] or 0, -a[2])
    end
    records[i] = writeSku(KEYS[first + i - 1], skus[i], item[1], now)
  end
  return records
end

-- For confirm, release and expire: the record's items (its JSON) and their SKU hashes, every one
-- read before anything is written, when the call's KEYS[4…] and ARGV[10…] name the record's SKUs in
-- record order. Else nil, nil and the script's answer: {-13, ''} STALE_KEYS (the caller built the
-- call from an older record: nothing written, retry) or an error for a missing SKU hash.
local function heldAsCalled(itemsJson)
  local items = cjson.decode(itemsJson)
  if #items ~= #KEYS - 4 or #ARGV ~= 9 + #items then return nil, nil, {-13, ''} end
  for i = 1, #items do if ARGV[9 + i] ~= items[i][1] then return nil, nil, {-13, ''} end end
  local skus, missing = readHeld(items, 4)
  if not skus then return nil, nil, redis.error_reply('SKU hash missing for ' .. missing) end
  return items, skus
end

-- For confirm, release and expire: writes the record's answer (its status, the entry under `field`
-- to answer a replay, and any further fields), the finished-record TTL (ARGV[2]) and one journal
-- entry (KEYS[3]). Returns {code, entryJson}.
local function finishRecord(entry, newStatus, field, ...)
  local json = cjson.encode(entry)
  rcall('HSET', KEYS[1], 'status', newStatus, field, json, ...)
  rcall('EXPIRE', KEYS[1], tonumber(ARGV[2]))
  rcall('XADD', KEYS[3], '*', 'e', json)
  return {entry.code, json}
end
