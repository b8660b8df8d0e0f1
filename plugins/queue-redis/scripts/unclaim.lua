--[[
  Leader: put claimed entries back at the head of their ready queue, keeping their
  order. The head is the right end, so the entries are pushed right in reverse order.

  Input:
    KEYS[1] queue:high
    KEYS[2] queue:normal
    KEYS[3] scheduler:claimed
    ARGV[1] notify channel
    ARGV[2..] pairs: priority, task id (in queue order, first = next to run)

  Output: number of entries put back
]]
local count = 0
for i = #ARGV - 1, 2, -2 do
  local priority, id = ARGV[i], ARGV[i + 1]
  redis.call('LREM', KEYS[3], 0, priority .. ':' .. id)
  if priority == '1' then redis.call('RPUSH', KEYS[1], id) else redis.call('RPUSH', KEYS[2], id) end
  count = count + 1
end
if count > 0 then redis.call('PUBLISH', ARGV[1], 'unclaim') end
return count
