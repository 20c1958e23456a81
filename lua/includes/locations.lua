-- Stock per location (docs/locations.md), spliced into every script that changes stock.
-- A SKU hash holds the SKU's sums (total, reserved, safety; absent safety = 0), version and
-- updatedAt; per location other than `default`: t:<id> and r:<id>; per any location: ss:<id>
-- (safety stock) and bo:<id> (backorder limit), absent = 0. The default location holds the SKU's
-- total and reserved minus the other locations', so a hash from before locations is all `default`.
local DEFAULT_LOCATION = 'default'

local function locationOf(sku, id)
  local loc = sku.locs[id]
  if not loc then
    loc = {t = 0, r = 0, ss = 0, bo = 0}
    sku.locs[id], sku.ids[#sku.ids + 1] = loc, id
  end
  return loc
end

-- A SKU as {total, reserved, version, safety, locs = {[id] = {t, r, ss, bo}}, ids}, nil if absent.
local function readSku(key)
  local flat = rcall('HGETALL', key)
  if #flat == 0 then return nil end
  local f = {}
  for i = 1, #flat, 2 do f[flat[i]] = flat[i + 1] end
  local sku = {total = tonumber(f.total), reserved = tonumber(f.reserved), version = tonumber(f.version),
    safety = tonumber(f.safety) or 0, locs = {}, ids = {}, changed = {}, changedIds = {}}
  sku.safetyBefore = sku.safety
  local home = locationOf(sku, DEFAULT_LOCATION)
  home.t, home.r = sku.total, sku.reserved
  for name, value in pairs(f) do
    local kind, id = string.match(name, '^(%l%l?):(.+)$')
    if kind and not (id == DEFAULT_LOCATION and (kind == 't' or kind == 'r')) then
      locationOf(sku, id)[kind] = tonumber(value)
      if kind == 't' then home.t = home.t - tonumber(value) end
      if kind == 'r' then home.r = home.r - tonumber(value) end
    end
  end
  table.sort(sku.ids)
  return sku
end

local function newSku()
  return {total = 0, reserved = 0, version = 0, safety = 0, safetyBefore = 0, locs = {[DEFAULT_LOCATION] = {t = 0, r = 0,
    ss = 0, bo = 0}}, ids = {DEFAULT_LOCATION}, changed = {}, changedIds = {}}
end

-- What can be sold at a location: total − reserved − safety stock (below 0 only by a backorder).
local function availableAt(loc) return loc.t - loc.r - loc.ss end

local function changeOf(sku, id)
  local c = sku.changed[id]
  if not c then
    c = {dT = 0, dR = 0}
    sku.changed[id], sku.changedIds[#sku.changedIds + 1] = c, id
  end
  return c
end

-- Moves a location's total and reserved (and the SKU's sums) by the deltas.
local function move(sku, id, dTotal, dReserved)
  local loc, c = locationOf(sku, id), changeOf(sku, id)
  loc.t, loc.r, c.dT, c.dR = loc.t + dTotal, loc.r + dReserved, c.dT + dTotal, c.dR + dReserved
  sku.total, sku.reserved = sku.total + dTotal, sku.reserved + dReserved
end

-- Sets a location's safety stock and backorder limit (nil keeps the value).
local function configure(sku, id, safetyStock, backorderLimit)
  local loc = locationOf(sku, id)
  local c = changeOf(sku, id)
  if safetyStock then
    c.dSs = (c.dSs or 0) + safetyStock - loc.ss
    sku.safety, loc.ss = sku.safety - loc.ss + safetyStock, safetyStock
  end
  if backorderLimit then loc.bo = backorderLimit end
  c.settings = true
end

-- The journal's record of a SKU: deltas and state after; `locations` (each changed location's
-- deltas and state after) once the SKU has a location other than `default` or a setting, so a SKU
-- that never left `default` journals as before locations existed.
local function skuRecord(sku, skuId)
  local rec = {skuId = skuId, dTotal = 0, dReserved = 0, total = sku.total, reserved = sku.reserved,
    version = sku.version}
  if sku.safety ~= 0 then rec.safety = sku.safety end
  if sku.safety ~= sku.safetyBefore then rec.dSafety = sku.safety - sku.safetyBefore end
  local locations, detailed = {}, #sku.ids > 1
  table.sort(sku.changedIds)
  for _, id in ipairs(sku.changedIds) do
    local loc, c = sku.locs[id], sku.changed[id]
    rec.dTotal, rec.dReserved = rec.dTotal + c.dT, rec.dReserved + c.dR
    detailed = detailed or id ~= DEFAULT_LOCATION or c.settings == true
    locations[#locations + 1] = {locationId = id, dTotal = c.dT, dReserved = c.dR, total = loc.t,
      reserved = loc.r, safetyStock = loc.ss, backorderLimit = loc.bo}
    if c.dSs and c.dSs ~= 0 then locations[#locations].dSafetyStock = c.dSs end
  end
  if detailed then rec.locations = locations end
  return rec
end

-- Writes what changed (one HSET, version + 1) and returns the journal's record of the SKU.
local function writeSku(key, sku, skuId, now)
  sku.version = sku.version + 1
  local fields = {'total', sku.total, 'reserved', sku.reserved, 'version', sku.version, 'updatedAt', now}
  for _, id in ipairs(sku.changedIds) do
    local loc = sku.locs[id]
    if id ~= DEFAULT_LOCATION then
      for _, v in ipairs({'t:' .. id, loc.t, 'r:' .. id, loc.r}) do fields[#fields + 1] = v end
    end
    if sku.changed[id].settings then
      for _, v in ipairs({'ss:' .. id, loc.ss, 'bo:' .. id, loc.bo, 'safety', sku.safety}) do
        fields[#fields + 1] = v end
    end
  end
  rcall('HSET', key, unpack(fields))
  return skuRecord(sku, skuId)
end

-- The active locations (id -> priority) of a shard's registry hash; only `default` before any
-- location was created.
local function readRegistry(key)
  local flat, registry = rcall('HGETALL', key), {}
  if #flat == 0 then registry[DEFAULT_LOCATION] = 0 end
  for i = 1, #flat, 2 do registry[flat[i]] = tonumber(flat[i + 1]) end
  return registry
end
