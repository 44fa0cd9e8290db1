import type { Redis } from 'ioredis';
import { roomKeyList } from '../../shared/admission/keys';
import type { Place, PlaceResult, RoomSnapshot, RoomStore, TickResult } from '../ports';

/**
 * The waiting room in Redis (key layout in functions/shared/admission/keys.ts). Every transition is one Lua
 * script, atomic on the room's slot, so a join racing a tick or a leave sees the room either before or after,
 * never half-way. Costs: join, status and leave are O(log n) in the number waiting (ZSET lookups, ZCOUNT for the
 * people ahead); a tick is O(k log n) for k admitted plus the sessions it expires; nothing scans the queue.
 *
 * The ticket counter only grows; a position is `ticket − serving`, where `serving` is the highest ticket the loop
 * has passed (admitted or skipped). Pre-queue arrivals get a random score instead of a ticket; the first join or
 * tick after on-sale reserves the next ZCARD(pre) tickets for them at once (so later arrivals number after
 * them), and the draw hands those tickets out in score order.
 */

const PRELUDE = `
local K_SEQ, K_QUEUE, K_SEEN, K_PRE, K_ACTIVE, K_ADMITS, K_STATE = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local function snapshot()
  local s = redis.call('HMGET', K_STATE, 'active', 'soldOut', 'serving', 'rate')
  return {s[1] or '0', s[2] or '0', s[3] or '0', redis.call('ZCARD', K_QUEUE) + redis.call('ZCARD', K_PRE), s[4] or '0'}
end
local function drawNext()
  return tonumber(redis.call('HGET', K_STATE, 'drawNext') or '0')
end
-- Once the pre-queue is closed: the next ZCARD(pre) tickets belong to its arrivals, in their drawn order.
local function reserveDraw()
  local nxt = drawNext()
  if nxt > 0 then return nxt end
  local k = redis.call('ZCARD', K_PRE)
  if k == 0 then return 0 end
  nxt = redis.call('INCRBY', K_SEQ, k) - k + 1
  redis.call('HSET', K_STATE, 'drawNext', nxt)
  return nxt
end
local function takeLease(now, leaseMs)
  local l = tonumber(redis.call('HGET', K_STATE, 'lease') or '0')
  if l < now then
    redis.call('HSET', K_STATE, 'lease', now + leaseMs)
    return 1
  end
  return 0
end
-- {kind, a, b, c}: admitted (session end), waiting (ticket, ahead), pre (rank, ticket or 0, ahead), none.
local function place(user, now)
  local session = redis.call('ZSCORE', K_ACTIVE, user)
  if session and tonumber(session) > now then return {'admitted', session, 0, 0} end
  local t = redis.call('ZSCORE', K_QUEUE, user)
  if t then
    local ahead = redis.call('ZCOUNT', K_QUEUE, '-inf', '(' .. t)
    local nxt = drawNext()
    if nxt == 0 or tonumber(t) >= nxt then ahead = ahead + redis.call('ZCARD', K_PRE) end
    return {'waiting', t, ahead, 0}
  end
  local r = redis.call('ZRANK', K_PRE, user)
  if r then
    local nxt = drawNext()
    if nxt > 0 then
      return {'pre', r, nxt + r, redis.call('ZCOUNT', K_QUEUE, '-inf', '(' .. nxt) + r}
    end
    return {'pre', r, 0, redis.call('ZCARD', K_QUEUE) + r}
  end
  return {'none', 0, 0, 0}
end
`;

/** ARGV: user, now, threshold, sessionMs, mode ('pre' | 'queue'), preScore, leaseMs. */
const JOIN = `${PRELUDE}
local user, now = ARGV[1], tonumber(ARGV[2])
local threshold, sessionMs, mode, leaseMs = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[7])
local p = place(user, now)
if p[1] == 'none' then
  if mode == 'pre' then
    redis.call('ZADD', K_PRE, 'NX', ARGV[6], user)
    redis.call('ZADD', K_SEEN, now, user)
    redis.call('HSET', K_STATE, 'active', '1')
  else
    reserveDraw()
    local st = redis.call('HMGET', K_STATE, 'active', 'soldOut')
    local live = redis.call('ZCOUNT', K_ACTIVE, '(' .. ARGV[2], '+inf')
    if st[1] ~= '1' and st[2] ~= '1' and live < threshold
       and redis.call('ZCARD', K_QUEUE) == 0 and redis.call('ZCARD', K_PRE) == 0 then
      -- A quiet room lets the user straight in; reaching the threshold turns the room on.
      redis.call('ZADD', K_ACTIVE, now + sessionMs, user)
      if live + 1 >= threshold then redis.call('HSET', K_STATE, 'active', '1') end
    else
      local t = redis.call('INCR', K_SEQ)
      redis.call('ZADD', K_QUEUE, t, user)
      redis.call('ZADD', K_SEEN, now, user)
      redis.call('HSET', K_STATE, 'active', '1')
    end
  end
  p = place(user, now)
elseif p[1] ~= 'admitted' then
  redis.call('ZADD', K_SEEN, now, user)
end
local startLoop = 0
if redis.call('HGET', K_STATE, 'active') == '1' then startLoop = takeLease(now, leaseMs) end
local out = {p[1], p[2], p[3], p[4], startLoop}
for _, v in ipairs(snapshot()) do out[#out + 1] = v end
return out`;

/** ARGV: user, now, leaseMs. The waiting user's heartbeat; a running room without a loop gets one. */
const STATUS = `${PRELUDE}
local user, now, leaseMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local p = place(user, now)
if p[1] == 'waiting' or p[1] == 'pre' then redis.call('ZADD', K_SEEN, 'XX', now, user) end
local startLoop = 0
if redis.call('HGET', K_STATE, 'active') == '1' then startLoop = takeLease(now, leaseMs) end
local out = {p[1], p[2], p[3], p[4], startLoop}
for _, v in ipairs(snapshot()) do out[#out + 1] = v end
return out`;

/** ARGV: user. */
const LEAVE = `${PRELUDE}
local n = redis.call('ZREM', K_QUEUE, ARGV[1]) + redis.call('ZREM', K_PRE, ARGV[1]) + redis.call('ZREM', K_ACTIVE, ARGV[1])
redis.call('ZREM', K_SEEN, ARGV[1])
return n`;

const ROOM = `${PRELUDE}
return snapshot()`;

/** ARGV: now, max. Moves up to max pre-queue arrivals into the queue with their reserved tickets. */
const DRAW = `${PRELUDE}
local nxt = reserveDraw()
if nxt == 0 then return 0 end
local popped = redis.call('ZPOPMIN', K_PRE, tonumber(ARGV[2]))
for i = 1, #popped, 2 do
  redis.call('ZADD', K_QUEUE, nxt, popped[i])
  redis.call('ZADD', K_SEEN, 'NX', ARGV[1], popped[i])
  nxt = nxt + 1
end
local left = redis.call('ZCARD', K_PRE)
if left == 0 then redis.call('HDEL', K_STATE, 'drawNext') else redis.call('HSET', K_STATE, 'drawNext', nxt) end
return left`;

/**
 * ARGV: now, threshold, rate, sessionMs, graceMs, soldOut (0/1), saleOpen (0/1), leaseMs, maxPops.
 * Expires ended sessions; admits in exact ticket order as many as free capacity and the rate budget allow,
 * passing over users silent past the grace period; records the admissions for the measured rate; turns the
 * room off once nobody waits and load is under the threshold; keeps or drops the loop's lease.
 */
const TICK = `${PRELUDE}
local now, threshold, rate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local sessionMs, graceMs, soldOut, saleOpen = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
local leaseMs, maxPops = tonumber(ARGV[8]), tonumber(ARGV[9])
local expired = redis.call('ZRANGEBYSCORE', K_ACTIVE, '-inf', ARGV[1], 'LIMIT', 0, 1000)
if #expired > 0 then redis.call('ZREM', K_ACTIVE, unpack(expired)) end
redis.call('HSET', K_STATE, 'soldOut', soldOut)
local st = redis.call('HMGET', K_STATE, 'serving', 'lastTick', 'budget')
local serving = tonumber(st[1] or '0')
local last = tonumber(st[2] or '0')
if last == 0 or last > now then last = now - 1000 end
-- The rate budget accrues with time; a late tick may catch up on up to 5 s, no more, so a stalled loop cannot
-- release a burst.
local elapsed = (now - last) / 1000
local budget = tonumber(st[3] or '0') + rate * elapsed
local cap = math.max(rate * math.min(5, math.max(2, elapsed)), 1)
if budget > cap then budget = cap end
local admitted = {}
local skipped = 0
if soldOut ~= '1' and saleOpen == '1' then
  local n = math.min(threshold - redis.call('ZCARD', K_ACTIVE), math.floor(budget))
  local pops = 0
  while #admitted / 2 < n and pops < maxPops do
    local top = redis.call('ZPOPMIN', K_QUEUE)
    if #top == 0 then break end
    pops = pops + 1
    local user, t = top[1], tonumber(top[2])
    if t > serving then serving = t end
    local seen = tonumber(redis.call('ZSCORE', K_SEEN, user) or '0')
    redis.call('ZREM', K_SEEN, user)
    if seen >= now - graceMs then
      redis.call('ZADD', K_ACTIVE, now + sessionMs, user)
      admitted[#admitted + 1] = user
      admitted[#admitted + 1] = now + sessionMs
    else
      skipped = skipped + 1
    end
  end
  budget = budget - #admitted / 2
end
if redis.call('ZCARD', K_QUEUE) == 0 then budget = 0 end
redis.call('HSET', K_STATE, 'serving', serving, 'lastTick', now, 'budget', budget)
local count = #admitted / 2
if count > 0 then redis.call('ZADD', K_ADMITS, now, ARGV[1] .. ':' .. count) end
redis.call('ZREMRANGEBYSCORE', K_ADMITS, '-inf', '(' .. (now - 60000))
local rows = redis.call('ZRANGE', K_ADMITS, 0, -1, 'WITHSCORES')
local sum, first = 0, now
for i = 1, #rows, 2 do
  sum = sum + tonumber(string.match(rows[i], ':(%d+)$'))
  local s = tonumber(rows[i + 1])
  if s < first then first = s end
end
local measured = 0
if sum > 0 then measured = sum * 1000 / math.max(1000, now - first + 1000) end
redis.call('HSET', K_STATE, 'rate', string.format('%.3f', measured))
local waiting = redis.call('ZCARD', K_QUEUE)
local pre = redis.call('ZCARD', K_PRE)
local active = redis.call('HGET', K_STATE, 'active') or '0'
if active == '1' and waiting == 0 and pre == 0 and redis.call('ZCARD', K_ACTIVE) < threshold then
  redis.call('HSET', K_STATE, 'active', '0')
  active = '0'
end
local cont = 0
if active == '1' or waiting > 0 or pre > 0 then
  cont = 1
  redis.call('HSET', K_STATE, 'lease', now + leaseMs)
else
  redis.call('HDEL', K_STATE, 'lease')
end
local out = {admitted, expired, skipped, cont, st[2] or '0'}
for _, v in ipairs(snapshot()) do out[#out + 1] = v end
return out`;

type Raw = (string | number)[];

function snapshotOf(raw: Raw, from: number): RoomSnapshot {
  return {
    active: String(raw[from]) === '1',
    soldOut: String(raw[from + 1]) === '1',
    servingCounter: Number(raw[from + 2]),
    waiting: Number(raw[from + 3]),
    admissionRate: Number(raw[from + 4]),
  };
}

function placeOf(raw: Raw): Place {
  const [kind, a, b, c] = raw;
  switch (kind) {
    case 'admitted':
      return { kind, sessionEndsAt: Number(a) };
    case 'waiting':
      return { kind, ticket: Number(a), aheadOfYou: Number(b) };
    case 'pre':
      return { kind, rank: Number(a), ticket: Number(b) > 0 ? Number(b) : null, aheadOfYou: Number(c) };
    default:
      return { kind: 'none' };
  }
}

/** How long a loop's lease lasts without a tick renewing it: after that, the next join or status starts one. */
const LOOP_LEASE_MS = 30_000;
/** Silent users one tick may pass over besides those it admits (bounds a tick's work). */
const MAX_POPS = 10_000;

export function redisRoomStore(redis: () => Promise<Pick<Redis, 'eval'>>): RoomStore {
  const run = async (script: string, eventId: string, ...args: (string | number)[]) =>
    (await redis()).eval(script, 7, ...roomKeyList(eventId), ...args.map(String));

  const placeResult = (raw: Raw): PlaceResult => ({
    place: placeOf(raw),
    startLoop: Number(raw[4]) === 1,
    room: snapshotOf(raw, 5),
  });

  return {
    async join(input) {
      const raw = (await run(
        JOIN,
        input.eventId,
        input.userId,
        input.now,
        input.threshold,
        input.sessionMs,
        input.preQueue ? 'pre' : 'queue',
        input.preScore,
        LOOP_LEASE_MS,
      )) as Raw;
      return placeResult(raw);
    },
    async status({ eventId, userId, now }) {
      return placeResult((await run(STATUS, eventId, userId, now, LOOP_LEASE_MS)) as Raw);
    },
    async leave(eventId, userId) {
      return Number(await run(LEAVE, eventId, userId)) > 0;
    },
    async room(eventId) {
      return snapshotOf((await run(ROOM, eventId)) as Raw, 0);
    },
    async draw(eventId, now, max) {
      return Number(await run(DRAW, eventId, now, max));
    },
    async tick(input): Promise<TickResult> {
      const raw = (await run(
        TICK,
        input.eventId,
        input.now,
        input.threshold,
        input.admissionRate,
        input.sessionMs,
        input.graceMs,
        input.soldOut ? 1 : 0,
        input.saleOpen ? 1 : 0,
        LOOP_LEASE_MS,
        MAX_POPS,
      )) as [string[], string[], number, number, string, ...Raw];
      const [pairs, expired, skipped, cont, previous] = raw;
      const admitted: TickResult['admitted'] = [];
      for (let i = 0; i < pairs.length; i += 2) {
        admitted.push({ userId: pairs[i]!, sessionEndsAt: Number(pairs[i + 1]) });
      }
      return {
        admitted,
        expired,
        skipped: Number(skipped),
        continue: Number(cont) === 1,
        previousTickAt: Number(previous) > 0 ? Number(previous) : null,
        room: snapshotOf(raw as unknown as Raw, 5),
      };
    },
  };
}
