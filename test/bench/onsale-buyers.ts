import { createPrivateKey, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { signJwt } from '../../functions/shared/jwt';
import { type SeatMap, type SeatStatusView, seatIdAt } from '../../shared/booking';
import { exchange } from './http-exchange';
import {
  type BuyerConfig,
  type ChildMessage,
  emptyTally,
  type FailureRecord,
  type ParentMessage,
  type Step,
} from './onsale-protocol';
import { pool } from './stats';

/**
 * A child process of bench:onsale playing virtual buyers through the local stack's REST API, so the process under
 * test does only its own work. Each buyer: views the seat statuses, locks 1–4 available seats (retrying elsewhere
 * on 409), then either abandons the hold, or reserves and either abandons the reservation or pays with the
 * sandbox's approving test card and waits for the saga's verdict. In faults mode (bench:onsale --faults) every
 * request that fails on an outage is recorded and retried (same body, same Idempotency-Key): retrying is safe
 * on each step — a lock re-claims the buyer's own seats, a reservation replays by its key, a confirm with the
 * same paymentKey only reports the payment's status.
 */

const send = (m: ChildMessage) => process.send?.(m);
const APPROVE_CARD = '4242424242424242';
const LOCK_ATTEMPTS = 8;
const PATIENCE_MS = 120_000;

interface Answer<T> {
  status: number;
  body: T & { error?: { code: string; details?: { seatIds?: string[] } } };
}

async function run(config: BuyerConfig) {
  const key = { kid: config.jwt.kid, privateKey: createPrivateKey(config.jwt.privateKeyPem) };
  // Idle sockets are dropped well before the server's 65 s keep-alive timeout, so a request never races the
  // server closing the socket it was sent on.
  const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency, timeout: 20_000 });
  const { latencies, errors, outcomes } = emptyTally();
  const failures: FailureRecord[] = [];
  const approvedReservations: string[] = [];
  const faults = config.faults;

  /** One request; in faults mode retried through outages (5xx or no answer), each failure recorded. */
  async function request(
    step: FailureRecord['step'],
    url: string,
    init: Parameters<typeof exchange>[2] = {},
  ): Promise<Awaited<ReturnType<typeof exchange>>> {
    if (!faults) return exchange(agent, url, init);
    const giveUpAt = Date.now() + faults.retryForMs;
    for (;;) {
      const at = Date.now();
      let wait = 1_000;
      try {
        const res = await exchange(agent, url, { ...init, timeoutMs: faults.requestTimeoutMs });
        if (res.status < 500) return res;
        const retryAfter = Number(res.headers['retry-after']);
        if (retryAfter > 0) wait = retryAfter * 1000;
        let code = 'none';
        try {
          code = (JSON.parse(res.text) as { error?: { code?: string } }).error?.code ?? 'none';
        } catch {}
        failures.push({
          step,
          at,
          ms: Date.now() - at,
          status: res.status,
          code,
          retryAfter: retryAfter > 0,
        });
        if (Date.now() >= giveUpAt) return res;
      } catch (error) {
        const e = error as Error & { code?: string };
        failures.push({
          step,
          at,
          ms: Date.now() - at,
          status: 0,
          code: e.code ?? e.name,
          retryAfter: false,
        });
        if (Date.now() >= giveUpAt) throw error;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async function call<T>(
    step: Step,
    token: string,
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer<T>> {
    const started = performance.now();
    const res = await request(step, `${config.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
    const text = res.text;
    latencies[step].push(performance.now() - started);
    const body = (text ? JSON.parse(text) : {}) as Answer<T>['body'];
    if (res.status >= 400) {
      const k = `${step}:${res.status}:${body.error?.code ?? 'none'}`;
      errors[k] = (errors[k] ?? 0) + 1;
    }
    return { status: res.status, body };
  }

  // The layout once per process (a browser keeps it; statuses are what changes).
  const layout = JSON.parse(
    (await request('layout', `${config.url}/api/v1/seats/events/${config.eventId}`)).text,
  ) as SeatMap;
  const seatIds = Array.from({ length: layout.seats.count }, (_, i) => seatIdAt(layout, i));
  const indexOf = new Map(seatIds.map((id, i) => [id, i]));

  /**
   * Up to `want` neighbouring free seats from a random start (people pick seats together), skipping seats this
   * buyer was just refused. Scans the status string itself: 20,000 seats per look, many looks per buyer.
   */
  const pick = (status: string, refused: Set<number>, want: number): string[] => {
    const n = status.length;
    const out: string[] = [];
    const from = Math.floor(Math.random() * n);
    for (let step = 0, i = from; step < n && out.length < want; step++, i = (i + 1) % n) {
      const free = status.charCodeAt(i) === 97 /* 'a' */ && !refused.has(i);
      if (free) out.push(seatIds[i]!);
      else if (out.length) break; // keep the group contiguous
    }
    return out;
  };

  let done = 0;
  const ticker = setInterval(() => send({ type: 'progress', done }), 1_000);

  await pool(config.userIds, config.concurrency, async (userId) => {
    try {
      const token = signJwt({ sub: userId, role: 'user', email: `${userId}@bench.test` }, key, {
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
      });
      const want = 1 + Math.floor(Math.random() * 4);
      let status = '';
      const refused = new Set<number>();
      let locked: string[] = [];
      let lockAttempts = 0;
      let fresh = false;
      // Patient like a real fan: while seats are held by others they may come back (holds expire), so keep
      // looking; give up only when every seat is sold, after LOCK_ATTEMPTS refusals, or after PATIENCE_MS.
      const patience = Date.now() + PATIENCE_MS;
      while (!locked.length && lockAttempts < LOCK_ATTEMPTS && Date.now() < patience) {
        if (!fresh) {
          const view = await call<SeatStatusView>(
            'map',
            token,
            `/api/v1/seats/events/${config.eventId}?view=status`,
          );
          if (view.status !== 200) continue;
          status = view.body.status;
          refused.clear();
          fresh = true;
        }
        const seats = pick(status, refused, want);
        if (!seats.length) {
          if (!/[hr]/.test(status)) break; // sold out for good
          await new Promise((r) => setTimeout(r, 2_000 + Math.random() * 2_000));
          fresh = false;
          continue;
        }
        lockAttempts++;
        const lock = await call<{ hold: { seats: { id: string }[] } | null }>(
          'lock',
          token,
          '/api/v1/seats/lock',
          {
            method: 'POST',
            body: JSON.stringify({ eventId: config.eventId, seatIds: seats }),
          },
        );
        if (lock.status === 200) locked = seats;
        else if (lock.status === 409) {
          for (const id of lock.body.error?.details?.seatIds ?? seats) {
            const i = indexOf.get(id);
            if (i !== undefined) refused.add(i);
          }
          // Every other refusal, look at the map again rather than at what this buyer remembers.
          if (lockAttempts % 2 === 0) fresh = false;
        } else fresh = false;
      }
      if (!locked.length) {
        if (/[ahr]/.test(status)) outcomes.failed++;
        else outcomes.soldOut++;
        return;
      }
      if (Math.random() < config.abandonHold) {
        outcomes.abandonedHold++;
        return;
      }
      const reservation = await call<{ id: string }>('reserve', token, '/api/v1/reservations', {
        method: 'POST',
        headers: { 'idempotency-key': randomUUID() },
        body: JSON.stringify({ eventId: config.eventId, seatIds: locked }),
      });
      if (reservation.status !== 201) {
        outcomes.failed++;
        return;
      }
      if (Math.random() < config.abandonReservation) {
        outcomes.abandonedReservation++;
        return;
      }
      const prepared = await call<{ paymentId: string }>('prepare', token, '/api/v1/payments/prepare', {
        method: 'POST',
        body: JSON.stringify({ reservationId: reservation.body.id }),
      });
      if (prepared.status !== 201) {
        outcomes.failed++;
        return;
      }
      const paymentId = prepared.body.paymentId;
      const paidFrom = performance.now();
      const confirmed = await call<{ status: string }>('confirm', token, '/api/v1/payments/confirm', {
        method: 'POST',
        body: JSON.stringify({ paymentId, paymentKey: `sandbox_${APPROVE_CARD}_${randomUUID()}` }),
      });
      if (confirmed.status !== 202) {
        outcomes.failed++;
        return;
      }
      let final = confirmed.body.status;
      // Through faults a saga may wait for the stack to come back and resume.
      const deadline = Date.now() + (faults ? 240_000 : 60_000);
      while (!['approved', 'failed', 'refunded', 'cancelled'].includes(final) && Date.now() < deadline) {
        // Once a second, like the checkout page.
        await new Promise((r) => setTimeout(r, 1_000));
        const polled = await request('paid', `${config.url}/api/v1/payments/${paymentId}/status`, {
          headers: { authorization: `Bearer ${token}` },
        });
        final = (JSON.parse(polled.text) as { status: string }).status;
      }
      latencies.paid.push(performance.now() - paidFrom);
      if (final === 'approved') {
        outcomes.bought++;
        outcomes.seatsBought += locked.length;
        approvedReservations.push(reservation.body.id);
      } else {
        const k = `paid:${final}`;
        errors[k] = (errors[k] ?? 0) + 1;
        outcomes.failed++;
      }
    } catch (error) {
      const e = error as Error & { code?: string };
      const k = `exception:${e.code ?? e.name}`;
      errors[k] = (errors[k] ?? 0) + 1;
      outcomes.failed++;
    } finally {
      done++;
    }
  });
  clearInterval(ticker);
  agent.destroy();
  send({ type: 'progress', done });
  send({
    type: 'report',
    latencies,
    errors,
    outcomes,
    ...(faults ? { failures, approvedReservations } : {}),
  });
}

process.once('message', (m: ParentMessage) => {
  if (m.type !== 'start') return;
  run(m.config).then(
    () => setTimeout(() => process.exit(0), 100),
    (error: unknown) => {
      send({ type: 'failed', error: String((error as Error)?.stack ?? error) });
      process.exit(1);
    },
  );
});
