--[[
  Forget a worker entirely: its hash, its registry entry and its membership of every
  type set. Its hash may have expired already, so the type sets are found through the
  set of every announced type rather than through the hash.

  Input:
    KEYS[1] worker:{id}
    KEYS[2] workers
    KEYS[3] workers:types
    ARGV[1] worker id
    ARGV[2] worker type set prefix

  Output: 1 when the worker was known, else 0
]]
local known = redis.call('SREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
for _, t in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  redis.call('SREM', ARGV[2] .. t, ARGV[1])
end
return known
