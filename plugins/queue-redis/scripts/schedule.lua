--[[
  Park task ids until their due time (delayed tasks and retries). The member carries the
  priority so promotion knows which ready queue to use. Scheduling an id again with the
  same priority moves its due time.

  Input:
    KEYS[1] queue:delayed (ZSET, score = due time in ms)
    ARGV[1] notify channel
    ARGV[2..] triples: due time ms, priority, task id

  Output: number of entries written
]]
local count = 0
for i = 2, #ARGV, 3 do
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1] .. ':' .. ARGV[i + 2])
  count = count + 1
end
-- A new entry may be due sooner than the leader's current sleep.
if count > 0 then redis.call('PUBLISH', ARGV[1], 'schedule') end
return count
