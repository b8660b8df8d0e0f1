--[[
  Reconciliation (read only): of tasks storage says are dispatched to a worker, the ones in
  neither the claimed list nor that worker's queue or processing list: their dispatch was
  lost (a failover or restart that dropped the latest writes).

  Input:
    KEYS[1] scheduler:claimed
    KEYS[2..] per worker: worker:{id}:queue, worker:{id}:processing
    ARGV[1..] pairs: the worker's position among KEYS' workers (1-based), task id

  Output: the task ids found nowhere
]]
local missing = {}
for i = 1, #ARGV, 2 do
  local w = tonumber(ARGV[i])
  local id = ARGV[i + 1]
  local found =
    redis.call('LPOS', KEYS[2 * w], id) or
    redis.call('LPOS', KEYS[2 * w + 1], id) or
    redis.call('LPOS', KEYS[1], '1:' .. id) or
    redis.call('LPOS', KEYS[1], '0:' .. id)
  if not found then missing[#missing + 1] = id end
end
return missing
