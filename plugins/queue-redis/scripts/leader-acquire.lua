--[[
  Take the leader lock when it is free; when the candidate already holds it, extend it.

  Input:
    KEYS[1] scheduler:leader
    ARGV[1] candidate id
    ARGV[2] ttl, ms

  Output: 1 when the candidate holds the lock afterwards, else 0
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
