--[[
  Leader: pop up to `limit` ids from the heads of the ready queues, HIGH before NORMAL,
  into the claimed list, so a leader that dies before dispatching loses nothing.

  Input:
    KEYS[1] queue:high
    KEYS[2] queue:normal
    KEYS[3] scheduler:claimed (LIST of "<priority>:<task id>", in claim order)
    ARGV[1] limit

  Output: flat array: priority, task id, priority, task id, ...
]]
local limit = tonumber(ARGV[1])
local out = {}
local function take(key, priority)
  while #out / 2 < limit do
    local id = redis.call('RPOP', key)
    if not id then return end
    redis.call('RPUSH', KEYS[3], priority .. ':' .. id)
    out[#out + 1] = priority
    out[#out + 1] = id
  end
end
take(KEYS[1], '1')
take(KEYS[2], '0')
return out
