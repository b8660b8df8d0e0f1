--[[
  Move delayed entries that are due to the tail of their ready queue, earliest first.

  Input:
    KEYS[1] queue:delayed
    KEYS[2] queue:high
    KEYS[3] queue:normal
    ARGV[1] now, ms
    ARGV[2] limit
    ARGV[3] notify channel

  Output: number of entries moved
]]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local priority, id = string.match(member, '^(%d):(.*)$')
  if priority == '1' then redis.call('LPUSH', KEYS[2], id) else redis.call('LPUSH', KEYS[3], id or member) end
  redis.call('ZREM', KEYS[1], member)
end
if #due > 0 then redis.call('PUBLISH', ARGV[3], 'promote') end
return #due
