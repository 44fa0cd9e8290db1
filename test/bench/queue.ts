import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { roomKeys } from '../../functions/shared/admission/keys';
import { startLocalStack } from '../../infra/local/stack';
import { createSeatedEvent } from '../support/fixtures';
import {
  type ChildMessage,
  COLUMNS,
  CONFIRM,
  emptyRecords,
  JOIN,
  LEFT,
  type ParentMessage,
  REJOIN,
  type Records,
  STEPS,
  type Step,
} from './queue-protocol';
import { cpuSnapshot, cpuSpent, machineInfo, percentile, printTable, summarize } from './stats';

/**
 * `npm run bench:queue [-- --users N --threshold T --rate R --concurrency C --processes P]`
 *
 * Item 8 of the waiting-room issue: N users join one event's waiting room through the local stack's REST API
 * (API Gateway emulator → queue function → Redis Lua scripts; the admission loop is the admission state
 * machine ticking every QUEUE_TICK_SECONDS in the local Step Functions executor). Phase 1: everyone joins as
 * fast as the stack answers, C requests in flight from P child processes (queue-users.ts); the first T are
 * admitted at once (a quiet room) and keep their slots until every join has answered, so nobody else is
 * admitted meanwhile and the room then holds N − T waiting users: the moment Redis's memory per waiting user
 * is read. Phase 2: those first T shop and leave, the loop admits in ticket order as capacity frees (at most
 * R per second, at most T at once), each admitted user checks its turn with `GET /status`, shops U(0,
 * --shop-seconds) and leaves, until the queue has drained. Reported: joins per second and join latency,
 * status/leave latency, Redis memory per waiting user, admission throughput (mean over the drain, best 5 s,
 * the tick cadence), time to drain, CPU seconds by part.
 *
 * Heartbeats. A waiting user silent for longer than QUEUE_GRACE_SECONDS is passed over. The browser
 * heartbeats every 12–18 s against a 60 s grace; 200,000 users doing that would send ~13,000 status calls a
 * second, several times what the whole local stack (one Node process for gateway and handlers, on 2 cores)
 * serves, and the heartbeats would be what is measured. So the bench keeps the browser's safety ratio and
 * stretches the period to a bounded request rate: every waiting user heartbeats every P = max(15 s, N /
 * --heartbeat-rate) (jittered 0.8–1.0 P; the first at 0.3–1.0 P after joining), and the bench sets
 * QUEUE_GRACE_SECONDS = max(60, 3 P) before the stack starts (handlers read it at their first call). A
 * heartbeat then has to be 2 P late before a place lapses; the report gives the longest gap seen. Both are
 * overridable (--poll-seconds, --grace-seconds).
 *
 * How the verification is exact. Ground truth is Redis itself, read-only, from this process: the room's
 * `active` ZSET holds every admitted user with score = end of its session = the admitting tick's `now` +
 * sessionMinutes (one `now` per tick script, or per join for those admitted at once). An observer reads the
 * members newer than the newest score it has seen every 100 ms (ZRANGEBYSCORE, cheap: only the latest tick),
 * and the whole ZSET (at most T members) every second, which catches anything a clock step or a same-ms join
 * could hide from the incremental read. A user leaves an admitted slot only after the observer has relayed
 * its turn (the relay stands in for the `queue-entry-allowed` socket push), so no admission can come and go
 * unseen, and every admission's tick time is known exactly. Leavers leave only while their place is more than
 * 2 min(T, 5 R) + 100 tickets from the front (one tick admits at most min(T, 5 R): a late tick catches up
 * on at most five seconds of its rate budget), so no admission can race a leave either. From those records and every user's
 * answers (tickets, send and receive times):
 *   - admitted order = ticket order: sorted by ticket, the admitting tick times never decrease. Users of one
 *     tick share its time (one atomic script pops them in ticket order); with the next check, each tick has
 *     admitted exactly the next run of tickets of those still waiting;
 *   - no one admitted twice: every user has at most one session in `active` over the whole run;
 *   - no one skipped who stayed: every ticketed user who did not leave was admitted. One who was not and
 *     later got 404 NOT_IN_QUEUE was passed over at some tick τ ≤ min(the first later ticket's admission, the
 *     404); that is legitimate only if τ − grace > its last heartbeat (whose server time is ≥ the send time),
 *     so the bench calls it a client-side lapse only when min(…) − grace > the last heartbeat's send time, a
 *     FAIL otherwise;
 *   - rejoin keeps position: --rejoin-sample waiting users join again, get the same ticket, and status
 *     agrees;
 *   - besides: tickets are 1..N−T without duplicates, exactly T admitted at once, every status answer of a
 *     waiting user carries its join ticket, the status answer after a relayed turn says admitted with the
 *     very session Redis holds, no leaver admitted after its leave, and at the end the queue is empty with
 *     the serving counter at the last ticket.
 * Any failed check prints FAIL and exits 1. Loopback only, bounded by --max-seconds.
 */

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '200000' },
    threshold: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '256' },
    processes: { type: 'string', default: '2' },
    'rejoin-sample': { type: 'string', default: '1000' },
    'max-seconds': { type: 'string', default: '1800' },
    'session-minutes': { type: 'string', default: '10' },
    'shop-seconds': { type: 'string', default: '2' },
    leave: { type: 'string', default: '0.02' },
    'heartbeat-rate': { type: 'string', default: '500' },
    'poll-seconds': { type: 'string' },
    'grace-seconds': { type: 'string' },
    out: { type: 'string' },
  },
});
const USERS = Number(args.users);
const THRESHOLD = Number(args.threshold);
const RATE = Number(args.rate);
const CONCURRENCY = Number(args.concurrency);
const PROCESSES = Math.max(1, Math.min(Number(args.processes), USERS));
const MAX_MS = Number(args['max-seconds']) * 1000;
const SESSION_MS = Number(args['session-minutes']) * 60_000;
const POLL_S = args['poll-seconds']
  ? Number(args['poll-seconds'])
  : Math.max(15, Math.ceil(USERS / Number(args['heartbeat-rate'])));
const GRACE_S = args['grace-seconds'] ? Number(args['grace-seconds']) : Math.max(60, 3 * POLL_S);
/** One tick admits at most min(threshold, 5 × rate) (a late tick catches up on at most five seconds' worth). */
const MAX_PER_TICK = Math.min(THRESHOLD, Math.ceil(5 * RATE));
/** A leaver leaves only this far from the front: two ticks' worth plus gaps cannot reach it meanwhile. */
const LEAVE_MARGIN = 2 * MAX_PER_TICK + 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The redis-server listening on `port` (for its CPU time), found in /proc. */
function redisPid(port: number): number {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'redis-server') continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(`:${port}`) || cmd.includes(`--port ${port}`)) return Number(pid);
    } catch {}
  }
  return 0;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Best admissions per second over any `windowMs` (ticks as [time, admitted]). */
function peakRate(ticks: readonly [number, number][], windowMs: number): number {
  let best = 0;
  let sum = 0;
  for (let i = 0, j = 0; i < ticks.length; i++) {
    sum += ticks[i]![1];
    while (ticks[i]![0] - ticks[j]![0] >= windowMs) sum -= ticks[j++]![1];
    best = Math.max(best, sum);
  }
  return Math.round(best / (windowMs / 1000));
}

async function main() {
  const dataDir = resolve('.local', `bench-queue-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (POLL_S * 2 > GRACE_S) throw new Error('--poll-seconds must be at most half of --grace-seconds');
  if (GRACE_S > 3_600) throw new Error('QUEUE_GRACE_SECONDS is at most 3600: raise --heartbeat-rate');
  console.log(
    `Waiting-room benchmark: ${USERS} users, threshold ${THRESHOLD}, rate ${RATE}/s, ${CONCURRENCY} requests in ` +
      `flight from ${PROCESSES} processes; heartbeat every ${POLL_S} s, grace ${GRACE_S} s`,
  );
  // Handlers read these at their first call.
  process.env.QUEUE_GRACE_SECONDS = String(GRACE_S);
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    ephemeralPorts: true,
    webMode: 'none',
    quiet: true,
    migrateAndSeed: true,
    sweepIntervalMs: 0,
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 });
  db.on('error', () => {});
  const redis = new Redis(stack.redisUrl);
  const children: ChildProcess[] = [];
  let observing = false;
  try {
    const { eventId } = await createSeatedEvent(db, {
      seats: 100,
      title: 'Waiting-room benchmark',
      waitingRoom: {
        threshold: THRESHOLD,
        admissionRate: RATE,
        sessionMinutes: Number(args['session-minutes']),
        preQueueOpensAt: null,
      },
    });
    const keys = roomKeys(eventId);
    const users = await db.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, name)
       SELECT 'fan-' || n || '-' || $2 || '@bench.test', '!', 'Fan ' || n FROM generate_series(1, $1) AS n
       RETURNING id`,
      [USERS, process.pid],
    );
    const userIds = users.rows.map((r) => r.id);
    const indexOf = new Map(userIds.map((id, i) => [id, i]));
    const per = Math.ceil(USERS / PROCESSES);
    console.log(`  event and ${USERS} users created; minting tokens…`);

    // --- the user processes --------------------------------------------------------------------------------
    const latencies = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
    const errors: Record<string, number> = {};
    const reports: (Records | null)[] = Array.from({ length: PROCESSES }, () => null);
    const progress = Array.from({ length: PROCESSES }, () => ({ joined: 0, done: 0, backlog: 0 }));
    const waitFor = (type: ChildMessage['type']) =>
      Promise.all(
        children.map(
          (c) =>
            new Promise<void>((ok) => {
              const on = (m: ChildMessage) => {
                if (m.type === type) {
                  c.off('message', on);
                  ok();
                }
              };
              c.on('message', on);
            }),
        ),
      );
    const failure = new Promise<never>((_, reject) => {
      for (let p = 0; p < PROCESSES; p++) {
        const child = fork(join('test', 'bench', 'queue-users.ts'), [], {
          execArgv: ['--import', 'tsx'],
          serialization: 'advanced',
        });
        children.push(child);
        child.on('message', (m: ChildMessage) => {
          if (m.type === 'progress') progress[p] = m;
          else if (m.type === 'failed') reject(new Error(`user process failed: ${m.error}`));
          else if (m.type === 'report') {
            reports[p] = m.records;
            for (const s of STEPS) for (const v of m.latencies[s]) latencies[s].push(v);
            for (const [k, v] of Object.entries(m.errors)) errors[k] = (errors[k] ?? 0) + v;
          }
        });
        child.once('exit', (code) => {
          if (code && !reports[p]) reject(new Error(`user process exited with ${code}`));
        });
      }
    });
    failure.catch(() => {});
    const tell = (p: number, m: ParentMessage) => children[p]!.send(m);
    const ready = waitFor('ready');
    for (let p = 0; p < PROCESSES; p++) {
      tell(p, {
        type: 'start',
        config: {
          url: stack.url,
          eventId,
          userIds: userIds.slice(p * per, (p + 1) * per),
          concurrency: Math.max(1, Math.round(CONCURRENCY / PROCESSES)),
          pollMs: POLL_S * 1000,
          sessionMs: SESSION_MS,
          leaveFraction: Number(args.leave),
          rejoinSample: Math.round(Number(args['rejoin-sample']) / PROCESSES),
          shopMs: Number(args['shop-seconds']) * 1000,
          leaveMargin: LEAVE_MARGIN,
          jwt: {
            privateKeyPem: stack.env.JWT_PRIVATE_KEY!,
            kid: stack.env.JWT_KEY_ID!,
            issuer: stack.env.JWT_ISSUER!,
            audience: stack.env.JWT_AUDIENCE ?? 'tiketi-api',
            ttlSeconds: Math.ceil(MAX_MS / 1000) + 3_600,
          },
        },
      });
    }
    await Promise.race([ready, failure]);

    // --- the observer: every admission, exactly, from the `active` ZSET ------------------------------------
    const watcher = new Redis(stack.redisUrl);
    /** Global user index → session ends seen (more than one = admitted twice). */
    const sessions = new Map<number, number[]>();
    const observedAt = new Map<number, number>();
    let strangers = 0;
    let newest = 0;
    const observe = async (full: boolean) => {
      const raw = full
        ? await watcher.zrange(keys.active, 0, -1, 'WITHSCORES')
        : await watcher.zrangebyscore(keys.active, `(${newest}`, '+inf', 'WITHSCORES');
      const now = Date.now();
      const relay: [number, number][][] = children.map(() => []);
      for (let k = 0; k < raw.length; k += 2) {
        const idx = indexOf.get(raw[k]!);
        const end = Number(raw[k + 1]);
        if (idx === undefined) {
          strangers++;
          continue;
        }
        if (end > newest) newest = end;
        const seen = sessions.get(idx);
        if (seen?.includes(end)) continue;
        if (seen) seen.push(end);
        else {
          sessions.set(idx, [end]);
          observedAt.set(idx, now);
        }
        const p = Math.floor(idx / per);
        relay[p]!.push([idx - p * per, end]);
      }
      relay.forEach((users, p) => {
        if (users.length) tell(p, { type: 'admitted', users });
      });
    };
    observing = true;
    const observer = (async () => {
      let lastFull = 0;
      while (observing) {
        const full = Date.now() - lastFull >= 1_000;
        if (full) lastFull = Date.now();
        await observe(full).catch((error: unknown) => console.error('observer:', error));
        await sleep(100);
      }
    })();

    const memoryBefore = await usedMemory(redis);
    const cpuPids = () => ({
      stack: [process.pid],
      users: children.map((c) => c.pid ?? 0),
      redis: [redisPid(stack.ports.redis)],
    });
    const started = Date.now();
    const deadline = started + MAX_MS;
    const printer = setInterval(() => {
      const joined = progress.reduce((a, p) => a + p.joined, 0);
      const done = progress.reduce((a, p) => a + p.done, 0);
      const backlog = progress.reduce((a, p) => a + p.backlog, 0);
      console.log(
        `  ${Math.round((Date.now() - started) / 1000)} s: ${joined}/${USERS} joined, ${sessions.size} admitted, ` +
          `${done} done, client backlog ${backlog}`,
      );
    }, 5_000);
    const timeout = () =>
      new Promise<'timeout'>((ok) =>
        setTimeout(() => ok('timeout'), Math.max(0, deadline - Date.now())).unref(),
      );

    // --- phase 1: joins ------------------------------------------------------------------------------------
    console.log('  phase 1: joining…');
    const cpu0 = cpuSnapshot(cpuPids());
    const joined = waitFor('joined');
    for (let p = 0; p < PROCESSES; p++) tell(p, { type: 'join' });
    let timedOut = (await Promise.race([joined, failure, timeout()])) === 'timeout';
    const joinsEnd = Date.now();
    const cpu1 = cpuSnapshot(cpuPids());
    const memory = {
      usedBefore: memoryBefore,
      usedAfterJoins: await usedMemory(redis),
      waiting: await redis.zcard(keys.queue),
      queueKeyBytes: Number(await redis.call('MEMORY', 'USAGE', keys.queue, 'SAMPLES', '0')),
      seenKeyBytes: Number(await redis.call('MEMORY', 'USAGE', keys.seen, 'SAMPLES', '0')),
      admittedNow: await redis.zcard(keys.active),
    };
    console.log(`  phase 1 done in ${((joinsEnd - started) / 1000).toFixed(1)} s; phase 2: admitting…`);

    // --- phase 2: admission --------------------------------------------------------------------------------
    await observe(true); // every admission so far is on record before anyone leaves a slot
    const releasedAt = Date.now();
    const reported = waitFor('report');
    for (let p = 0; p < PROCESSES; p++) tell(p, { type: timedOut ? 'finish' : 'release' });
    if (!timedOut) timedOut = (await Promise.race([reported, failure, timeout()])) === 'timeout';
    if (timedOut) {
      console.log(`  not finished within --max-seconds ${MAX_MS / 1000}: collecting what there is`);
      for (let p = 0; p < PROCESSES; p++) if (!reports[p]) tell(p, { type: 'finish' });
      await Promise.race([reported, sleep(30_000)]);
    }
    const finishedAt = Date.now();
    const cpu2 = cpuSnapshot(cpuPids());
    clearInterval(printer);
    // Two more ticks: a late (double) admission would show in the last sweep.
    await sleep(2_500);
    observing = false;
    await observer;
    await observe(true);
    watcher.disconnect();
    const endState = {
      serving: Number((await redis.hget(keys.state, 'serving')) ?? 0),
      roomActive: (await redis.hget(keys.state, 'active')) === '1',
      /** The admission loop's lease: gone once the loop saw a quiet room and ended. */
      loopRunning: (await redis.hget(keys.state, 'lease')) !== null,
      seq: Number((await redis.get(keys.seq)) ?? 0),
      queue: await redis.zcard(keys.queue),
      seen: await redis.zcard(keys.seen),
      pre: await redis.zcard(keys.pre),
      active: await redis.zcard(keys.active),
    };

    // --- the records ---------------------------------------------------------------------------------------
    const rec = emptyRecords(USERS);
    reports.forEach((r, p) => {
      if (!r) return;
      for (const c of COLUMNS) rec[c].set(r[c], p * per);
    });
    const missingReports = reports.filter((r) => !r).length;
    const all = Array.from({ length: USERS }, (_, i) => i);
    const immediate = all.filter((i) => rec.joinKind[i] === JOIN.admitted);
    const ticketed = all.filter((i) => rec.joinKind[i] === JOIN.waiting);
    const admitAt = (i: number) => {
      const s = sessions.get(i);
      return s ? s[0]! - SESSION_MS : -1;
    };

    // Tickets: 1..M, each once.
    const tickets = ticketed.map((i) => rec.ticket[i]!).sort((a, b) => a - b);
    let duplicateTickets = 0;
    for (let k = 1; k < tickets.length; k++) if (tickets[k] === tickets[k - 1]) duplicateTickets++;
    const ticketsOutOfRange = tickets.filter((t) => t < 1 || t > endState.seq).length;

    // Order: by ticket, admission tick times never decrease. Counted: neighbours (in ticket order, among the
    // admitted) whose lower ticket came in at a later tick; one user let in out of turn makes one or two.
    const byTicket = [...ticketed].sort((a, b) => rec.ticket[a]! - rec.ticket[b]!);
    let outOfOrder = 0;
    let previousA = -1;
    for (const i of byTicket) {
      const a = admitAt(i);
      if (a < 0) continue;
      if (a < previousA) outOfOrder++;
      previousA = a;
    }
    // The earliest admission of any later ticket, for each place (suffix minimum).
    const laterAdmission = new Float64Array(byTicket.length).fill(Number.POSITIVE_INFINITY);
    for (let k = byTicket.length - 2; k >= 0; k--) {
      const a = admitAt(byTicket[k + 1]!);
      laterAdmission[k] = Math.min(laterAdmission[k + 1]!, a >= 0 ? a : Number.POSITIVE_INFINITY);
    }

    let skippedWhileHeartbeating = 0;
    let lapsed = 0;
    let unresolved = 0;
    let admittedAfterLeaving = 0;
    let admittedWhileLeaving = 0;
    let admittedBeforeLeaving = 0;
    let leaveNotFound = 0;
    let slotNotFreed = 0;
    let turnNotConfirmed = 0;
    let answerDisagrees = 0;
    byTicket.forEach((i, k) => {
      const a = admitAt(i);
      const ans = rec.answerSessionEnd[i]!;
      if (a >= 0 && ans >= 0 && ans !== a + SESSION_MS) answerDisagrees++;
      if (rec.leftKind[i] === LEFT.whileWaiting) {
        if (rec.leftOk[i] !== 1) leaveNotFound++;
        if (a >= 0) {
          if (rec.leftRecvAt[i]! >= 0 && a > rec.leftRecvAt[i]!) admittedAfterLeaving++;
          else if (a >= rec.leftSentAt[i]!) admittedWhileLeaving++;
          else admittedBeforeLeaving++;
        }
        return;
      }
      if (a >= 0) {
        if (rec.confirm[i] !== CONFIRM.admitted) turnNotConfirmed++;
        if (rec.leftOk[i] !== 1) slotNotFreed++;
        return;
      }
      if (rec.lostAt[i]! >= 0) {
        const passedBy = Math.min(laterAdmission[k]!, rec.lostAt[i]!);
        if (passedBy - GRACE_S * 1000 > rec.lastWaitSentAt[i]!) lapsed++;
        else skippedWhileHeartbeating++;
      } else unresolved++;
    });
    for (const i of immediate) {
      const s = sessions.get(i);
      if (s && rec.answerSessionEnd[i]! !== s[0]) answerDisagrees++;
      if (rec.leftOk[i] !== 1) slotNotFreed++;
    }
    const admittedTwice = [...sessions.values()].filter((s) => s.length > 1).length;
    const neverSeenImmediate = immediate.filter((i) => !sessions.has(i)).length;
    const rejoins = Object.fromEntries(
      Object.entries(REJOIN).map(([k, v]) => [k, all.filter((i) => rec.rejoin[i] === v).length]),
    ) as Record<keyof typeof REJOIN, number>;
    const ticketMismatch = all.reduce((s, i) => s + rec.ticketMismatch[i]!, 0);
    const expectedImmediate = Math.min(THRESHOLD, USERS);
    const maxTicket = tickets.at(-1) ?? 0;

    const checks: Record<string, number> = {
      joinsUnanswered: all.filter((i) => rec.joinKind[i] === JOIN.none).length,
      joinsSoldOut: all.filter((i) => rec.joinKind[i] === JOIN.soldOut).length,
      admittedAtOnceNotThreshold: Math.abs(immediate.length - expectedImmediate),
      admittedAtOnceWithoutToken: immediate.filter((i) => rec.joinToken[i] !== 1).length,
      admittedAtOnceNotInRedis: neverSeenImmediate,
      ticketedWithToken: ticketed.filter((i) => rec.joinToken[i] !== 0).length,
      duplicateTickets,
      ticketsOutOfRange,
      statusTicketDiffersFromJoin: ticketMismatch,
      neighboursAdmittedOutOfTicketOrder: outOfOrder,
      admittedTwice,
      stayersSkippedWhileHeartbeating: skippedWhileHeartbeating,
      stayersNeverAdmitted: unresolved,
      leaversAdmittedAfterLeaving: admittedAfterLeaving,
      leaversNotFoundWhenLeaving: leaveNotFound,
      rejoinDifferentTicket: rejoins.differentTicket,
      rejoinStatusDisagrees: rejoins.statusDisagrees,
      rejoinFailed: rejoins.failed,
      turnNotConfirmedByStatus: turnNotConfirmed,
      answerSessionDiffersFromRedis: answerDisagrees,
      admittedSlotNotFreedOnLeave: slotNotFreed,
      strangersInActive: strangers,
      queueNotEmptyAtEnd: endState.queue + endState.seen + endState.pre,
      servingCounterNotAtLastTicket: endState.serving === endState.seq ? 0 : 1,
      ticketsIssuedNotAnswered: Math.max(0, endState.seq - maxTicket),
      missingReports,
      timedOut: timedOut ? 1 : 0,
    };

    // --- the figures ---------------------------------------------------------------------------------------
    let firstJoinSent = Number.POSITIVE_INFINITY;
    let lastJoinAnswer = 0;
    for (const i of all) {
      if (rec.joinSentAt[i]! > 0) firstJoinSent = Math.min(firstJoinSent, rec.joinSentAt[i]!);
      lastJoinAnswer = Math.max(lastJoinAnswer, rec.joinRecvAt[i]!);
    }
    const joinSeconds = Math.max(0.001, (lastJoinAnswer - firstJoinSent) / 1000);
    const admitted = byTicket.filter((i) => admitAt(i) >= 0);
    const tickMap = new Map<number, number>();
    for (const i of admitted) tickMap.set(admitAt(i), (tickMap.get(admitAt(i)) ?? 0) + 1);
    const ticks = [...tickMap.entries()].sort((a, b) => a[0] - b[0]);
    const lastAdmission = ticks.at(-1)?.[0] ?? releasedAt;
    const drainMs = Math.max(1, lastAdmission - releasedAt);
    const tickGaps = ticks.slice(1).map(([t], k) => t - ticks[k]![0]);
    const sortedGaps = [...tickGaps].sort((x, y) => x - y);
    const noticeDelay = admitted.map((i) => observedAt.get(i)! - admitAt(i));
    const slotHeld = admitted
      .filter((i) => rec.leftRecvAt[i]! > 0)
      .map((i) => rec.leftRecvAt[i]! - admitAt(i));
    const waiting = Math.max(1, memory.waiting);
    const beats = all.reduce((s, i) => s + rec.beats[i]!, 0);
    const maxBeatGap = all.reduce((m, i) => Math.max(m, rec.maxBeatGapMs[i]!), 0);
    const cpuJoins = cpuSpent(cpu0, cpu1);
    const cpuAdmission = cpuSpent(cpu1, cpu2);
    const outcome = {
      admittedAtOnce: immediate.length,
      ticketed: ticketed.length,
      admittedFromQueue: admitted.length,
      leftWhileWaiting: ticketed.filter((i) => rec.leftKind[i] === LEFT.whileWaiting).length,
      leaversWhoStayed: ticketed.filter((i) => rec.leaver[i] === 1 && rec.leftKind[i] !== LEFT.whileWaiting)
        .length,
      leaversAdmittedBeforeLeaving: admittedBeforeLeaving,
      leaversAdmittedWhileLeaving: admittedWhileLeaving,
      placesLapsedClientSide: lapsed,
    };
    const admissionPerSecond = Math.round((admitted.length / drainMs) * 1000);
    const meanSlotMs = slotHeld.length ? slotHeld.reduce((a, b) => a + b, 0) / slotHeld.length : 0;
    const report = {
      benchmark: 'queue',
      date: new Date().toISOString(),
      machine: machineInfo(),
      params: {
        users: USERS,
        threshold: THRESHOLD,
        admissionRate: RATE,
        concurrency: CONCURRENCY,
        processes: PROCESSES,
        rejoinSample: Number(args['rejoin-sample']),
        sessionMinutes: Number(args['session-minutes']),
        shopSeconds: Number(args['shop-seconds']),
        leaveFraction: Number(args.leave),
        heartbeatSeconds: POLL_S,
        graceSeconds: GRACE_S,
        tickSeconds: Number(process.env.QUEUE_TICK_SECONDS ?? 1),
      },
      joins: {
        seconds: round(joinSeconds, 2),
        perSecond: Math.round(USERS / joinSeconds),
      },
      latencyMs: {
        ...Object.fromEntries(STEPS.map((s) => [s, summarize(latencies[s])])),
        /** Every `GET /status`: heartbeats, rejoin checks and turn checks. */
        statusAll: summarize(latencies.status.concat(latencies.turn)),
      } as Record<Step | 'statusAll', ReturnType<typeof summarize>>,
      errors,
      redisMemory: {
        ...memory,
        /** (used_memory after the joins − before) / users waiting. */
        bytesPerWaitingUser: Math.round((memory.usedAfterJoins - memory.usedBefore) / waiting),
        /** MEMORY USAGE of the `queue` and `seen` ZSETs / users waiting. */
        roomKeysBytesPerWaitingUser: Math.round((memory.queueKeyBytes + memory.seenKeyBytes) / waiting),
      },
      admission: {
        /** Admitted from the queue per second, from the release of the first slots to the last admission. */
        perSecond: admissionPerSecond,
        peakPerSecond5s: peakRate(ticks, 5_000),
        drainSeconds: round(drainMs / 1000),
        ticksThatAdmitted: ticks.length,
        maxAdmittedInOneTick: ticks.reduce((m, [, n]) => Math.max(m, n), 0),
        tickIntervalMs: summarize(tickGaps),
        /** From the admitting tick to the observer's read (the relay stands in for the socket push). */
        turnNoticeDelayMs: summarize(noticeDelay),
        /** From the admitting tick to the leave's answer: how long an admitted user holds a slot. */
        slotHeldMs: summarize(slotHeld),
        /** The loop bounds it too: at most min(threshold, 5 × rate) per tick, one tick per interval. */
        tickBoundPerSecond: tickGaps.length
          ? Math.round((MAX_PER_TICK / Math.max(1, percentile(sortedGaps, 50))) * 1000)
          : null,
        /** Departures bound the throughput: threshold / mean slot time. */
        departureBoundPerSecond: meanSlotMs ? Math.round((THRESHOLD / meanSlotMs) * 1000) : null,
      },
      heartbeats: { sent: beats, longestGapMs: maxBeatGap },
      rejoins,
      outcome,
      totalSeconds: round((finishedAt - started) / 1000),
      cpuSeconds: { joins: cpuJoins, admission: cpuAdmission },
      endState,
      checks,
      admissionTicks: ticks,
    };
    const out = args.out ?? join('test', 'bench', 'results', `queue-${USERS}.json`);
    mkdirSync(resolve(out, '..'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

    console.log('');
    printTable(
      ['call', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      (['join', 'status', 'turn', 'statusAll', 'leave', 'rejoin'] as const).map((s) => {
        const l = report.latencyMs[s];
        const name = { status: 'status (heartbeat)', turn: 'status (turn check)', statusAll: 'status (all)' };
        return [name[s as keyof typeof name] ?? s, l.count, l.p50, l.p95, l.p99, l.max];
      }),
    );
    console.log('');
    const cpuLine = (c: typeof cpuJoins) =>
      c ? `${c.machine} / ${c.stack} / ${c.users} / ${c.redis} / ${c.postgres} / ${c.other}` : '—';
    const a = report.admission;
    printTable(
      ['measure', 'value'],
      [
        ['users / admitted at once / ticketed', `${USERS} / ${immediate.length} / ${ticketed.length}`],
        ['joins: seconds / per second', `${report.joins.seconds} / ${report.joins.perSecond}`],
        [
          'Redis bytes per waiting user: used_memory delta / queue+seen keys',
          `${report.redisMemory.bytesPerWaitingUser} / ${report.redisMemory.roomKeysBytesPerWaitingUser} (${memory.waiting} waiting)`,
        ],
        [
          'admission per second: mean over the drain / best 5 s (configured rate)',
          `${a.perSecond} / ${a.peakPerSecond5s} (${RATE})`,
        ],
        ['time to drain the queue', `${a.drainSeconds} s`],
        [
          'tick interval p50 / p99 / max; most admitted in one tick',
          `${a.tickIntervalMs.p50} / ${a.tickIntervalMs.p99} / ${a.tickIntervalMs.max} ms; ${a.maxAdmittedInOneTick}`,
        ],
        [
          'slot held p50 / p99 (tick → leave); departure bound',
          `${a.slotHeldMs.p50} / ${a.slotHeldMs.p99} ms; ${a.departureBoundPerSecond ?? '—'}/s`,
        ],
        ['tick bound: most admitted in one tick per tick interval p50', `${a.tickBoundPerSecond ?? '—'}/s`],
        [
          'turn notice delay p50 / p99 (tick → observer)',
          `${a.turnNoticeDelayMs.p50} / ${a.turnNoticeDelayMs.p99} ms`,
        ],
        ['heartbeats sent / longest gap', `${beats} / ${round(maxBeatGap / 1000)} s (grace ${GRACE_S} s)`],
        [
          'left while waiting / leavers who stayed (near the front)',
          `${outcome.leftWhileWaiting} / ${outcome.leaversWhoStayed}`,
        ],
        [
          'rejoin sample: same ticket / admitted first / different / status disagrees / failed',
          `${rejoins.sameTicket} / ${rejoins.admittedFirst} / ${rejoins.differentTicket} / ${rejoins.statusDisagrees} / ${rejoins.failed}`,
        ],
        ['places lapsed client-side (heartbeat late past grace)', lapsed],
        ['CPU s, joins: machine / stack / users / redis / postgres / other', cpuLine(cpuJoins)],
        ['CPU s, admission: machine / stack / users / redis / postgres / other', cpuLine(cpuAdmission)],
        ['total seconds (joins + admission)', report.totalSeconds],
      ],
    );
    console.log('');
    printTable(
      ['check', 'count', ''],
      Object.entries(checks).map(([k, v]) => [k, v, v === 0 ? 'ok' : 'FAIL']),
    );
    const errorRows = Object.entries(errors).sort((x, y) => y[1] - x[1]);
    if (errorRows.length) {
      console.log('');
      printTable(['error (call:status:code)', 'count'], errorRows);
    }
    console.log(`\nResults written to ${out}`);
    // Not a check of the server: the bench's own heartbeats fell behind.
    if (lapsed) console.warn(`WARN: ${lapsed} places lapsed because the bench's heartbeats came late`);
    if (Object.values(checks).some((v) => v !== 0)) {
      console.error('FAIL: a waiting-room check does not hold');
      process.exitCode = 1;
    }
  } finally {
    observing = false;
    for (const c of children) if (c.exitCode === null) c.kill();
    redis.disconnect();
    await db.end();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
