--[[
  Worker: remove finished ids from its processing list; the freed capacity may let the
  leader dispatch more, so it is woken.

  Input:
    KEYS[1] worker:{id}:processing
    ARGV[1] notify channel
    ARGV[2..] task ids

  Output: number of ids removed
]]
local removed = 0
for i = 2, #ARGV do
  removed = removed + redis.call('LREM', KEYS[1], 0, ARGV[i])
end
if removed > 0 then redis.call('PUBLISH', ARGV[1], 'ack') end
return removed
