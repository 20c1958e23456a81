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
