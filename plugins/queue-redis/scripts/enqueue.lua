--[[
  Append task ids to the tail of their priority queue (producers LPUSH, consumers pop
  from the right, so each list is FIFO), then wake the leader.

  Input:
    KEYS[1] queue:high
    KEYS[2] queue:normal
    ARGV[1] notify channel
    ARGV[2..] pairs: priority (1 = HIGH, 0 = NORMAL), task id

  Output: number of ids enqueued
]]
local high, normal = {}, {}
for i = 2, #ARGV, 2 do
  if ARGV[i] == '1' then high[#high + 1] = ARGV[i + 1] else normal[#normal + 1] = ARGV[i + 1] end
end

-- unpack() is bounded by the Lua stack, so push in slices.
local function pushAll(key, ids)
  for first = 1, #ids, 1000 do
    redis.call('LPUSH', key, unpack(ids, first, math.min(first + 999, #ids)))
  end
end
pushAll(KEYS[1], high)
pushAll(KEYS[2], normal)

local total = #high + #normal
if total > 0 then redis.call('PUBLISH', ARGV[1], 'enqueue') end
return total
