-- removeFromList(key, doomed, count): removes every entry of the LIST `key` that is a key of
-- `doomed` (a table used as a set of `count` members), keeps the order of the rest, and
-- returns how many entries went. One pass over the list, O(n + k), where one LREM per member
-- costs O(n·k): a worker acking a hundred tasks at once, or a leader dispatching a round of
-- hundreds, would otherwise make every call quadratic. For one or two members LREM is as cheap.
local function removeFromList(key, doomed, count)
  if count == 0 then return 0 end
  if count <= 2 then
    local removed = 0
    for member in pairs(doomed) do removed = removed + redis.call('LREM', key, 0, member) end
    return removed
  end
  local all = redis.call('LRANGE', key, 0, -1)
  local keep = {}
  for _, entry in ipairs(all) do
    if not doomed[entry] then keep[#keep + 1] = entry end
  end
  local removed = #all - #keep
  if removed == 0 then return 0 end
  redis.call('DEL', key)
  for i = 1, #keep, 4000 do redis.call('RPUSH', key, unpack(keep, i, math.min(i + 3999, #keep))) end
  return removed
end
