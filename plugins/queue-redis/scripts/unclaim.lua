--[[
  Leader: put claimed entries back at the head of their ready queue, keeping their
  order. The head is the right end, so the entries are pushed right in reverse order.
  No wake-up is published: the leader put these back because nobody could take them, and
  waking it would only make it claim them again at once (a hot loop while a type is at
  its max_concurrent). An ack, which frees capacity, wakes it instead.

  Input:
    KEYS[1] queue:high
    KEYS[2] queue:normal
    KEYS[3] scheduler:claimed
    ARGV[1..] pairs: priority, task id (in queue order, first = next to run)

  Output: number of entries put back
]]
--- @include "list-remove"
local entries = {}
for i = 1, #ARGV - 1, 2 do entries[ARGV[i] .. ':' .. ARGV[i + 1]] = true end
removeFromList(KEYS[3], entries, #ARGV / 2)
local count = 0
for i = #ARGV - 1, 1, -2 do
  local priority, id = ARGV[i], ARGV[i + 1]
  if priority == '1' then redis.call('RPUSH', KEYS[1], id) else redis.call('RPUSH', KEYS[2], id) end
  count = count + 1
end
return count
