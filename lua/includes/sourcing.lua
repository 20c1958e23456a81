-- Sourcing (docs/locations.md, "Sourcing"): which locations an order item's units come from.
-- Needs the locations include.

-- The active locations this SKU has, by priority (lower first), ties by id.
local function sourcingOrder(sku, registry)
  local ids = {}
  for _, id in ipairs(sku.ids) do if registry[id] then ids[#ids + 1] = id end end
  table.sort(ids, function(a, b)
    local pa, pb = registry[a], registry[b]
    if pa ~= pb then return pa < pb end
    return a < b
  end)
  return ids
end

local function onHandAt(loc) return math.max(0, availableAt(loc)) end
-- Backorder units a location still allows.
local function backorderRoomAt(loc) return math.max(0, availableAt(loc) + loc.bo) - onHandAt(loc) end

-- Where up to qty units come from, {{id, units}, …} in sourcing order, and the units not found.
-- Pass 1 takes units on hand everywhere, pass 2 backorder room. Without split one location gives
-- all (the first that can; partial: the one that gives most).
local function source(sku, order, qty, split, partial)
  local taken, left = {}, qty
  if not split then
    local best, bestUnits = nil, 0
    for pass = 1, 2 do
      for _, id in ipairs(order) do
        local loc = sku.locs[id]
        local units = onHandAt(loc) + (pass == 2 and backorderRoomAt(loc) or 0)
        if units >= qty then return {{id, qty}}, 0 end
        if units > bestUnits then best, bestUnits = id, units end
      end
    end
    if partial and best then return {{best, bestUnits}}, qty - bestUnits end
    return {}, qty
  end
  for pass = 1, 2 do
    for _, id in ipairs(order) do
      local loc = sku.locs[id]
      local take = math.min(left, pass == 1 and onHandAt(loc) or backorderRoomAt(loc))
      if take > 0 then taken[id], left = (taken[id] or 0) + take, left - take end
    end
  end
  local allocation = {}
  for _, id in ipairs(order) do
    if taken[id] then allocation[#allocation + 1] = {id, taken[id]} end
  end
  return allocation, left
end

-- Plans one order item: {fail = code?, available, allocation, held}. `at` names a location ('' =
-- sourced by priority); an inactive or unknown one fails with -14, an absent SKU with -2, too few
-- units with -1 (unless partial).
local function planItem(sku, registry, qty, at, split, partial)
  if not sku then return {fail = -2, available = cjson.null} end
  local order
  if at == '' then order = sourcingOrder(sku, registry)
  elseif registry[at] then order = {at}; locationOf(sku, at)
  else return {fail = -14, available = cjson.null} end
  local available = 0
  for _, id in ipairs(order) do available = available + availableAt(sku.locs[id]) end
  local allocation, left = source(sku, order, qty, split, partial)
  if left > 0 and not partial then return {fail = -1, available = available} end
  return {available = available, allocation = allocation, held = qty - left}
end

-- Reads and plans every item of an order before anything is written: ARGV triples (skuId,
-- quantity, locationId) from ARGV[firstArg], SKU hashes from KEYS[firstKey]. Returns the worst code
-- (1 OK; -1, -14, -2 in rising rank), the failed items [skuId, qty, available, locationId?] and the
-- plans (planItem's, with sku, skuId, qty and miss, the item as a failed item); or nil and an
-- error reply for a malformed item (a quantity out of range, a SKU twice).
local function planOrder(registry, itemCount, firstKey, firstArg, split, partial)
  local rank = {[1] = 0, [-1] = 1, [-14] = 2, [-2] = 3}
  local code, failed, plans, seen = 1, {}, {}, {}
  for i = 1, itemCount do
    local arg = firstArg + 3 * (i - 1)
    local skuId, qty, at = ARGV[arg], tonumber(ARGV[arg + 1]), ARGV[arg + 2]
    if not qty or qty < 1 or qty > 1e9 or qty % 1 ~= 0 or seen[skuId] then
      return nil, redis.error_reply('INVALID_ORDER item ' .. i) end
    seen[skuId] = true
    local sku = readSku(KEYS[firstKey + i - 1])
    local plan = planItem(sku, registry, qty, at, split, partial)
    plan.miss = {skuId, qty, plan.available}
    if at ~= '' then plan.miss[4] = at end
    if plan.fail then
      if rank[plan.fail] > rank[code] then code = plan.fail end
      failed[#failed + 1] = plan.miss
    end
    plan.sku, plan.skuId, plan.qty, plans[i] = sku, skuId, qty, plan
  end
  return code, failed, plans
end

-- Holds a planned item: reserved += units at each allocated location. Returns the record's item:
-- {skuId, units} when all of it sits at `default`, else {skuId, units, allocation}.
local function holdItem(key, sku, skuId, plan, now)
  for _, a in ipairs(plan.allocation) do move(sku, a[1], 0, a[2]) end
  local item = {skuId, plan.held}
  local only = plan.allocation[1]
  if #plan.allocation ~= 1 or only[1] ~= DEFAULT_LOCATION then item[3] = plan.allocation end
  return item, writeSku(key, sku, skuId, now)
end
