--[[
  Compare-and-expire: extend the lock only while the candidate still holds it. A plain
  SET XX would let a leader that lost the lock steal it back from its successor.

  Input:
    KEYS[1] scheduler:leader
    ARGV[1] candidate id
    ARGV[2] ttl, ms

  Output: 1 when renewed, 0 when leadership is lost
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
