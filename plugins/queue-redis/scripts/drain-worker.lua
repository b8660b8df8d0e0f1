--[[
  Recovery: empty a dead or departed worker's processing list and queue in one step and
  return what they held: the processing ids (taken first, oldest first), then the queued
  ids in FIFO order. The caller re-enqueues the ones still worth running.

  Input:
    KEYS[1] worker:{id}:queue
    KEYS[2] worker:{id}:processing
    KEYS[3] queue:workers
    ARGV[1] worker id

  Output: task ids
]]
local out = {}
local function appendReversed(list)
  for i = #list, 1, -1 do out[#out + 1] = list[i] end
end
appendReversed(redis.call('LRANGE', KEYS[2], 0, -1))
appendReversed(redis.call('LRANGE', KEYS[1], 0, -1))
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return out
