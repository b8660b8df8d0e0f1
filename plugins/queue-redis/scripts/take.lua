--[[
  Worker: move up to `max` ids from the head of its queue into its processing list, where
  they stay until acked (or until recovery drains a dead worker).

  Input:
    KEYS[1] worker:{id}:queue
    KEYS[2] worker:{id}:processing
    ARGV[1] max

  Output: the ids taken, oldest first
]]
local taken = {}
for _ = 1, tonumber(ARGV[1]) do
  local id = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not id then break end
  taken[#taken + 1] = id
end
return taken
