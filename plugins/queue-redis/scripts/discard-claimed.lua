--[[
  Leader: forget claimed ids that will not run (no longer PENDING, unknown).
  The priority is not known here, so both encodings are removed.

  Input:
    KEYS[1] scheduler:claimed
    ARGV[1..] task ids

  Output: number of list entries removed
]]
--- @include "list-remove"
local entries = {}
for _, id in ipairs(ARGV) do
  entries['1:' .. id] = true
  entries['0:' .. id] = true
end
return removeFromList(KEYS[1], entries, 2 * #ARGV)
