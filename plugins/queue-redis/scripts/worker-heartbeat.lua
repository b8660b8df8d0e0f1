--[[
  Refresh a live worker: load, last heartbeat and TTL. An expired hash is not revived
  (its fields are gone); the worker is told to register again.

  Input:
    KEYS[1] worker:{id}
    ARGV[1] current load
    ARGV[2] heartbeat time, ms since the epoch
    ARGV[3] ttl, ms
    ARGV[4] update time, ms since the epoch

  Output: 1 when refreshed, 0 when the worker must register again
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'current_load', ARGV[1], 'last_heartbeat', ARGV[2], 'updated_at', ARGV[4], 'status', 'ONLINE')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
