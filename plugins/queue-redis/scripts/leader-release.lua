--[[
  Compare-and-delete: only the holder may release the lock (a plain DEL could remove a
  successor's lock). On release, followers waiting on the vacancy channel are woken so
  one takes over at once instead of after the TTL.

  Input:
    KEYS[1] scheduler:leader
    ARGV[1] candidate id
    ARGV[2] vacancy channel

  Output: 1 when released, 0 when the candidate did not hold the lock
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
  return 1
end
return 0
