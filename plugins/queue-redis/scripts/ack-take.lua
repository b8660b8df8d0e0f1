--[[
  Worker: remove finished ids from its processing list, then move up to `max` ids from the
  head of its queue into the processing list, in one step: a worker refills in the same
  round trip that reports what it finished. Freed capacity may let the leader dispatch
  more, so it is woken when anything was removed.

  Input:
    KEYS[1] worker:{id}:queue
    KEYS[2] worker:{id}:processing
    ARGV[1] notify channel
    ARGV[2] max ids to take
    ARGV[3..] task ids to ack

  Output: the ids taken, oldest first
]]
--- @include "list-remove"
local acked = {}
for i = 3, #ARGV do acked[ARGV[i]] = true end
local removed = removeFromList(KEYS[2], acked, #ARGV - 2)
if removed > 0 then redis.call('PUBLISH', ARGV[1], 'ack') end
local taken = {}
for _ = 1, tonumber(ARGV[2]) do
  local id = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not id then break end
  taken[#taken + 1] = id
end
return taken
