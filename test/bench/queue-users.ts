import { createPrivateKey } from 'node:crypto';
import { Agent } from 'node:http';
import { signJwt } from '../../functions/shared/jwt';
import type { QueueLeft, QueueTicket } from '../../shared/queue';
import { exchange } from './http-exchange';
import {
  type ChildMessage,
  CONFIRM,
  emptyRecords,
  JOIN,
  LEFT,
  type ParentMessage,
  REJOIN,
  STEPS,
  type Step,
  type UsersConfig,
} from './queue-protocol';

/**
 * A child process of bench:queue playing waiting-room users through the local stack's REST API, so the
 * process under test does only its own work. Phase 1 (`join`): every user joins once, as fast as the stack
 * answers (bounded by `concurrency` in flight). From then on each waiting user heartbeats with `GET /status`
 * every `pollMs` (jittered); a few leave while waiting (`POST /leave`), a sample joins again (the same ticket
 * must come back). Phase 2 (`release`): those admitted at once go shopping and leave. A ticketed user's turn
 * is told by the parent (`admitted`, read from Redis: the stand-in for the `queue-entry-allowed` push a
 * browser gets on its socket); the user then checks it with `GET /status`, shops for U(0, shopMs) and leaves,
 * freeing the slot. A user never leaves an admitted slot before the parent has seen it, so the parent sees
 * every admission.
 */

const send = (m: ChildMessage) => process.send?.(m);

/** Where a user is. */
const S = { idle: 0, joining: 1, waiting: 2, admitted: 3, shopping: 4, done: 5 } as const;
const JOIN_ATTEMPTS = 6;
const WHEEL_MS = 100;

interface Answer<T> {
  status: number;
  body: T & { error?: { code: string } };
}

/** A FIFO without Array#shift's O(n). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(item: T) {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

function run(config: UsersConfig) {
  const n = config.userIds.length;
  const key = { kid: config.jwt.kid, privateKey: createPrivateKey(config.jwt.privateKeyPem) };
  // Minted before the clock starts (an RS256 signature is ~0.35 ms: 200,000 of them would otherwise be
  // measured as the users' CPU), valid for the whole run.
  const tokens = config.userIds.map((sub) =>
    signJwt({ sub, role: 'user', email: `${sub}@bench.test` }, key, {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ttlSeconds: config.jwt.ttlSeconds,
    }),
  );
  // Idle sockets are dropped well before the server's 65 s keep-alive timeout.
  const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency, timeout: 20_000 });
  const r = emptyRecords(n);
  const state = new Uint8Array(n);
  const busy = new Uint8Array(n);
  const nextAt = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const latencies = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
  const errors: Record<string, number> = {};
  const fault = (k: string) => {
    errors[k] = (errors[k] ?? 0) + 1;
  };

  // Each process picks its own leavers and rejoin sample (disjoint by construction).
  const leaver = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (Math.random() < config.leaveFraction) leaver[i] = 1;
  const rejoiner = new Uint8Array(n);
  for (let picked = 0, guard = 0; picked < Math.min(config.rejoinSample, n) && guard < n * 20; guard++) {
    const i = Math.floor(Math.random() * n);
    if (!rejoiner[i] && !leaver[i]) {
      rejoiner[i] = 1;
      picked++;
    }
  }
  for (let i = 0; i < n; i++) r.leaver[i] = leaver[i]!;

  async function call<T>(step: Step, i: number, method: 'GET' | 'POST', path: string) {
    const sentAt = Date.now();
    const started = performance.now();
    const res = await exchange(agent, `${config.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[i]}`,
        ...(method === 'POST' ? { 'content-length': '0' } : {}),
      },
    });
    latencies[step].push(performance.now() - started);
    const body = (res.text ? JSON.parse(res.text) : {}) as Answer<T>['body'];
    if (res.status >= 400) fault(`${step}:${res.status}:${body.error?.code ?? 'none'}`);
    return { status: res.status, body, sentAt, recvAt: Date.now() };
  }
  const joinPath = `/api/v1/queue/join/${config.eventId}`;
  const statusPath = `/api/v1/queue/status/${config.eventId}`;
  const leavePath = `/api/v1/queue/leave/${config.eventId}`;

  // --- the request pump: admission work first, then heartbeats, then joins ---------------------------------
  let inFlight = 0;
  const urgent = new Fifo<() => Promise<void>>();
  const normal = new Fifo<() => Promise<void>>();
  let nextJoin = n; // set to 0 by `join`
  let joined = 0;
  let joinedSent = false;
  let done = 0;
  const pump = () => {
    while (inFlight < config.concurrency) {
      let task = urgent.shift() ?? normal.shift();
      if (!task && nextJoin < n) {
        const i = nextJoin++;
        task = () => joinUser(i);
      }
      if (!task) return;
      inFlight++;
      task()
        .catch((error: unknown) => fault(`exception:${(error as { code?: string }).code ?? String(error)}`))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };
  const enqueue = (queue: Fifo<() => Promise<void>>, task: () => Promise<void>) => {
    queue.push(task);
    pump();
  };

  const finish = (i: number) => {
    if (state[i] === S.done) return;
    state[i] = S.done;
    done++;
    if (done === n) report();
  };

  // --- heartbeats: a timing wheel of 100 ms buckets --------------------------------------------------------
  const wheel = new Map<number, number[]>();
  let wheelAt = Math.floor(Date.now() / WHEEL_MS);
  const schedule = (i: number, at: number) => {
    nextAt[i] = at;
    const slot = Math.max(Math.floor(at / WHEEL_MS), wheelAt + 1);
    const bucket = wheel.get(slot);
    if (bucket) bucket.push(i);
    else wheel.set(slot, [i]);
  };
  const beatAfter = (i: number, from: number) =>
    schedule(i, from + config.pollMs * (0.8 + Math.random() * 0.2));
  const wheelTimer = setInterval(() => {
    const now = Date.now();
    const until = Math.floor(now / WHEEL_MS);
    for (; wheelAt <= until; wheelAt++) {
      const bucket = wheel.get(wheelAt);
      if (!bucket) continue;
      wheel.delete(wheelAt);
      for (const i of bucket) {
        if (state[i] !== S.waiting || busy[i] || nextAt[i]! > now + WHEEL_MS) continue;
        nextAt[i] = Number.POSITIVE_INFINITY;
        busy[i] = 1;
        enqueue(normal, () => act(i).finally(() => (busy[i] = 0)));
      }
    }
  }, WHEEL_MS / 2);

  /** A waiting answer: the heartbeat took, the ticket must be the join's. */
  const sawWaiting = (i: number, ticket: number | null, sentAt: number) => {
    if (ticket !== r.ticket[i]) r.ticketMismatch[i]!++;
    const gap = sentAt - r.lastWaitSentAt[i]!;
    if (gap > r.maxBeatGapMs[i]!) r.maxBeatGapMs[i] = gap;
    r.lastWaitSentAt[i] = sentAt;
  };
  /** An answer said admitted: remember the session; the slot is left only once the parent has seen it. */
  const sawAdmitted = (i: number, body: QueueTicket) => {
    if (r.answerSessionEnd[i]! < 0) r.answerSessionEnd[i] = Date.parse(body.admissionExpiresAt ?? '') || 0;
    if (state[i] === S.waiting) state[i] = S.admitted;
    if (r.relayedSessionEnd[i]! >= 0) shop(i);
  };

  async function joinUser(i: number) {
    state[i] = S.joining;
    for (let attempt = 1; ; attempt++) {
      let res: Awaited<ReturnType<typeof call<QueueTicket>>> | undefined;
      try {
        res = await call<QueueTicket>('join', i, 'POST', joinPath);
      } catch (error) {
        fault(`join:exception:${(error as { code?: string }).code ?? 'unknown'}`);
      }
      if (res?.status === 200) {
        const t = res.body;
        r.joinSentAt[i] = res.sentAt;
        r.joinRecvAt[i] = res.recvAt;
        r.joinToken[i] = t.admissionToken ? 1 : 0;
        r.ticket[i] = t.ticket ?? -1;
        if (t.status === 'admitted') {
          r.joinKind[i] = JOIN.admitted;
          state[i] = S.admitted;
          r.answerSessionEnd[i] = Date.parse(t.admissionExpiresAt ?? '') || 0;
        } else if (t.status === 'waiting') {
          r.joinKind[i] = JOIN.waiting;
          r.lastWaitSentAt[i] = res.sentAt;
          state[i] = S.waiting;
          if (r.relayedSessionEnd[i]! >= 0) shop(i);
          else if (rejoiner[i]) schedule(i, res.recvAt + 200 + Math.random() * 1_800);
          else if (leaver[i]) schedule(i, res.recvAt + Math.random() * config.pollMs);
          else beatAfter(i, res.recvAt - config.pollMs * 0.5 * Math.random());
        } else {
          r.joinKind[i] = JOIN.soldOut;
          finish(i);
        }
        break;
      }
      const retry = !res || res.status >= 500 || res.status === 429;
      if (!retry || attempt >= JOIN_ATTEMPTS) {
        finish(i);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
    joined++;
    if (joined === n && !joinedSent) {
      joinedSent = true;
      send({ type: 'joined' });
    }
  }

  /** A waiting user's due action: a rejoin (sampled), a leave (leavers), else a heartbeat. */
  async function act(i: number) {
    if (rejoiner[i] && r.rejoin[i] === REJOIN.notSampled) return rejoin(i);
    const res = await call<QueueTicket>('status', i, 'GET', statusPath).catch(() => undefined);
    if (state[i] !== S.waiting) return; // the turn came meanwhile (relayed)
    if (!res || res.status >= 500 || res.status === 429)
      return beatAfter(i, Date.now() - config.pollMs * 0.9);
    r.beats[i]!++;
    if (res.status === 404) {
      r.lostAt[i] = res.recvAt;
      return finish(i);
    }
    const t = res.body;
    if (t.status === 'admitted') return sawAdmitted(i, t);
    sawWaiting(i, t.ticket, res.sentAt);
    if (leaver[i] && r.leftKind[i] === LEFT.no) {
      leaver[i] = 0; // decides once
      if (t.position > config.leaveMargin) {
        // No tick can reach this place before the leave lands (one tick passes at most 2 × rate tickets).
        r.leftKind[i] = LEFT.whileWaiting;
        state[i] = S.shopping; // neither a heartbeat nor a relayed turn touches it any more
        const left = await call<QueueLeft>('leave', i, 'POST', leavePath).catch(() => undefined);
        if (left) {
          r.leftSentAt[i] = left.sentAt;
          r.leftRecvAt[i] = left.recvAt;
          r.leftOk[i] = left.status === 200 && left.body.left ? 1 : 0;
        }
        return finish(i);
      }
    }
    beatAfter(i, res.sentAt);
  }

  /** The sampled user joins again while waiting: the same ticket must come back, and status must agree. */
  async function rejoin(i: number) {
    const again = await call<QueueTicket>('rejoin', i, 'POST', joinPath).catch(() => undefined);
    if (again?.status !== 200) {
      r.rejoin[i] = REJOIN.failed;
    } else if (again.body.status === 'admitted') {
      r.rejoin[i] = REJOIN.admittedFirst;
      sawAdmitted(i, again.body);
    } else if (again.body.ticket !== r.ticket[i]) {
      r.rejoin[i] = REJOIN.differentTicket;
    } else {
      sawWaiting(i, again.body.ticket, again.sentAt);
      const check = await call<QueueTicket>('status', i, 'GET', statusPath).catch(() => undefined);
      if (check?.status !== 200) r.rejoin[i] = REJOIN.failed;
      else if (check.body.status === 'admitted') {
        r.rejoin[i] = REJOIN.sameTicket; // admitted in between: nothing to disagree about
        sawAdmitted(i, check.body);
      } else if (check.body.ticket === r.ticket[i]) {
        r.rejoin[i] = REJOIN.sameTicket;
        sawWaiting(i, check.body.ticket, check.sentAt);
      } else r.rejoin[i] = REJOIN.statusDisagrees;
    }
    if (state[i] === S.waiting) beatAfter(i, Date.now());
  }

  /** The turn came (relayed by the parent): check it with status, shop, leave. */
  function shop(i: number) {
    if (state[i] === S.shopping || state[i] === S.done) return;
    state[i] = S.shopping;
    const immediate = r.joinKind[i] === JOIN.admitted;
    const leave = async () => {
      const left = await call<QueueLeft>('leave', i, 'POST', leavePath).catch(() => undefined);
      if (left) {
        r.leftSentAt[i] = left.sentAt;
        r.leftRecvAt[i] = left.recvAt;
        r.leftOk[i] = left.status === 200 && left.body.left ? 1 : 0;
      }
      r.leftKind[i] = LEFT.afterAdmission;
      finish(i);
    };
    const later = () => setTimeout(() => enqueue(urgent, leave), Math.random() * config.shopMs);
    if (immediate) return later();
    enqueue(urgent, async () => {
      const res = await call<QueueTicket>('turn', i, 'GET', statusPath).catch(() => undefined);
      if (res?.status === 200 && res.body.status === 'admitted') {
        const end = Date.parse(res.body.admissionExpiresAt ?? '');
        r.confirm[i] =
          res.body.admissionToken && end === r.relayedSessionEnd[i] ? CONFIRM.admitted : CONFIRM.otherSession;
        if (r.answerSessionEnd[i]! < 0) r.answerSessionEnd[i] = end;
      } else r.confirm[i] = CONFIRM.notAdmitted;
      later();
    });
  }

  let released = false;
  let reported = false;
  function report() {
    if (reported || !released) return;
    reported = true;
    clearInterval(wheelTimer);
    clearInterval(ticker);
    agent.destroy();
    send({ type: 'progress', joined, done, backlog: urgent.length + normal.length });
    send({ type: 'report', records: r, latencies, errors });
    // Stays until the parent, having read every process's CPU time, ends it.
  }

  const ticker = setInterval(
    () => send({ type: 'progress', joined, done, backlog: urgent.length + normal.length }),
    1_000,
  );

  process.on('message', (m: ParentMessage) => {
    switch (m.type) {
      case 'join':
        nextJoin = 0;
        pump();
        break;
      case 'release':
        released = true;
        for (let i = 0; i < n; i++) if (r.joinKind[i] === JOIN.admitted && state[i] === S.admitted) shop(i);
        if (done === n) report();
        break;
      case 'admitted':
        for (const [i, end] of m.users) {
          // The parent reports every (user, session) it sees once; a second session is its own finding.
          if (r.relayedSessionEnd[i]! >= 0) continue;
          r.relayedSessionEnd[i] = end;
          if (r.joinKind[i] === JOIN.admitted) continue; // shops at release
          if (state[i] === S.waiting || state[i] === S.admitted) shop(i);
        }
        break;
      case 'finish':
        released = true;
        report();
        break;
    }
  });
  send({ type: 'ready' });
}

process.once('message', (m: ParentMessage) => {
  if (m.type !== 'start') return;
  try {
    run(m.config);
  } catch (error) {
    send({ type: 'failed', error: String((error as Error)?.stack ?? error) });
    process.exit(1);
  }
});
