--[[
  Register (or re-register) a worker: replace its hash, set its TTL, add it to the
  registry set and to one set per supported task type, and leave the type sets it no
  longer supports.

  Input:
    KEYS[1] worker:{id} (HASH)
    KEYS[2] workers (SET of worker ids)
    KEYS[3] workers:types (SET of every announced task type)
    ARGV[1] worker id
    ARGV[2] ttl, ms
    ARGV[3] worker type set prefix ("<prefix>worker:type:")
    ARGV[4] supported types, comma-joined (task types never contain a comma)
    ARGV[5..] hash field, value pairs

  Output: 1
]]
local id, prefix = ARGV[1], ARGV[3]
local wanted = {}
for t in string.gmatch(ARGV[4], '[^,]+') do wanted[t] = true end

local previous = redis.call('HGET', KEYS[1], 'supported_types')
if previous then
  for t in string.gmatch(previous, '[^,]+') do
    if not wanted[t] then redis.call('SREM', prefix .. t, id) end
  end
end

redis.call('DEL', KEYS[1])
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], id)
for t in pairs(wanted) do
  redis.call('SADD', prefix .. t, id)
  redis.call('SADD', KEYS[3], t)
end
return 1
