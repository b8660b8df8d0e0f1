--[[
  Leader: read the workers' loads (ids queued for each plus ids it has taken and not acked),
  then pop up to min(`limit`, their total room) ids from the heads of the ready queues, HIGH
  before NORMAL, into the claimed list, a worker's room being max(0, max load - load): the
  leader's loads and claim in one step, so a leader that dies before dispatching loses nothing.

  Input:
    KEYS[1] queue:high
    KEYS[2] queue:normal
    KEYS[3] scheduler:claimed (LIST of "<priority>:<task id>", in claim order)
    KEYS[4..] per worker: worker:{id}:queue, worker:{id}:processing
    ARGV[1] limit
    ARGV[2..] per worker, in KEYS order: its max load

  Output: { loads (one per worker, in order), flat claimed entries: priority, task id, ... }
]]
local loads = {}
local room = 0
for i = 2, #ARGV do
  local queueKey = KEYS[4 + (i - 2) * 2]
  local load = redis.call('LLEN', queueKey) + redis.call('LLEN', KEYS[5 + (i - 2) * 2])
  loads[#loads + 1] = load
  local free = tonumber(ARGV[i]) - load
  if free > 0 then room = room + free end
end
local limit = math.min(tonumber(ARGV[1]), room)
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
return { loads, out }
