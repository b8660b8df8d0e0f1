--[[
  Takes up to ARGV[1] units from a fixed window of ARGV[2] units lasting ARGV[3] ms. The
  window starts with the first unit taken and ends when the key expires, so every process
  counts against the same window (the dispatch limits of task types, the API's request limit).

  Input:
    KEYS[1] ratelimit:{key}
    ARGV[1] wanted (>= 1)
    ARGV[2] max per window
    ARGV[3] window, ms

  Output: { granted, ms until the window ends }
]]
local wanted = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local granted = math.max(0, math.min(wanted, max - used))
if granted > 0 then
  redis.call('INCRBY', KEYS[1], granted)
  if used == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  -- A key without a TTL would block its window forever: give it one.
  if ttl == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
  ttl = tonumber(ARGV[3])
end
return { granted, ttl }
