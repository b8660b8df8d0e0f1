--[[
  Leader: read the workers' loads (ids queued for each plus ids it has taken and not acked),
  then pop up to min(`limit`, their total room) ids from the heads of the ready queues, HIGH
  before NORMAL, into the claimed list, a worker's room being max(0, max load - load): the
  leader's loads and claim in one step, so a leader that dies before dispatching loses nothing.

  Input:
    KEYS[1] queue:high
    KEYS[2] queue:normal
    KEYS[3] scheduler:claimed (LIST of "<priority>:<task id>", in claim order)
    KEYS[4] scheduler:leader (the leader lock)
    KEYS[5..] per worker: worker:{id}:queue, worker:{id}:processing
    ARGV[1] limit
    ARGV[2] fence: the lock value the caller holds, or '' for no check
    ARGV[3..] per worker, in KEYS order: its max load

  Output: { loads (one per worker, in order), flat claimed entries: priority, task id, ... }
  Error FENCED when a fence is given and the lock does not hold it: nothing moves.
]]
if ARGV[2] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[2] then
  return redis.error_reply('FENCED the leader lock is not held by ' .. ARGV[2])
end
local loads = {}
local room = 0
for i = 3, #ARGV do
  local queueKey = KEYS[5 + (i - 3) * 2]
  local load = redis.call('LLEN', queueKey) + redis.call('LLEN', KEYS[6 + (i - 3) * 2])
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
