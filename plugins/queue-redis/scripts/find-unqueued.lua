--[[
  Reconciliation (read only): of the given ids, the ones in no ready queue, not in the
  delayed set and not in the claimed list.

  Cost: LPOS scans a list in C, so this is O(ids x list length). That is a deliberate
  choice over keeping an index set in step with every list move: the reconciler runs every
  30 s on a bounded batch, and the lists stay short when the system keeps up.

  Input:
    KEYS[1] queue:high
    KEYS[2] queue:normal
    KEYS[3] queue:delayed
    KEYS[4] scheduler:claimed
    ARGV[1..] task ids

  Output: the ids found nowhere
]]
local missing = {}
for _, id in ipairs(ARGV) do
  local found =
    redis.call('LPOS', KEYS[1], id) or
    redis.call('LPOS', KEYS[2], id) or
    redis.call('ZSCORE', KEYS[3], '1:' .. id) or
    redis.call('ZSCORE', KEYS[3], '0:' .. id) or
    redis.call('LPOS', KEYS[4], '1:' .. id) or
    redis.call('LPOS', KEYS[4], '0:' .. id)
  if not found then missing[#missing + 1] = id end
end
return missing
