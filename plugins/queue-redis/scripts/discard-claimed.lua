--[[
  Leader: forget claimed ids that will not run (no longer PENDING, unknown).
  The priority is not known here, so both encodings are removed.

  Input:
    KEYS[1] scheduler:claimed
    ARGV[1..] task ids

  Output: number of list entries removed
]]
local removed = 0
for _, id in ipairs(ARGV) do
  removed = removed + redis.call('LREM', KEYS[1], 0, '1:' .. id) + redis.call('LREM', KEYS[1], 0, '0:' .. id)
end
return removed
