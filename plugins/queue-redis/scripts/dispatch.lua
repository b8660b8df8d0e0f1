--[[
  Leader: move claimed ids to the tail of a worker's queue. An id with a cancel mark is
  dropped instead (removed from the claimed list, never queued), so a task cancelled
  while claimed never reaches a worker. The claimed list is rewritten in one pass, however
  many ids move.

  Input:
    KEYS[1] scheduler:claimed
    KEYS[2] worker:{id}:queue
    KEYS[3] queue:workers (SET of worker ids with lists, for reporting lengths without KEYS)
    KEYS[4] workers (SET of registered worker ids): a worker not in it gets nothing
    ARGV[1] cancel mark key prefix ("<prefix>task:cancel:")
    ARGV[2] worker id
    ARGV[3..] task ids

  Output: { dispatched ids, cancelled ids, refused ids }
  Refused: the worker left the registry (graceful stop, or removed as dead); nothing moves
  and the ids stay in the claimed list for the leader to put back.
]]
if redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 0 then
  local refused = {}
  for i = 3, #ARGV do refused[#refused + 1] = ARGV[i] end
  return { {}, {}, refused }
end
--- @include "list-remove"
local claimedEntries = {}
for i = 3, #ARGV do
  claimedEntries['1:' .. ARGV[i]] = true
  claimedEntries['0:' .. ARGV[i]] = true
end
removeFromList(KEYS[1], claimedEntries, 2 * (#ARGV - 2))
local dispatched, cancelled = {}, {}
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then
    cancelled[#cancelled + 1] = id
  else
    redis.call('LPUSH', KEYS[2], id)
    dispatched[#dispatched + 1] = id
  end
end
if #dispatched > 0 then redis.call('SADD', KEYS[3], ARGV[2]) end
return { dispatched, cancelled, {} }
