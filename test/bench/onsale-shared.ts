import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type pg from 'pg';
import {
  type BuyerConfig,
  type ChildMessage,
  type emptyTally,
  type FailureRecord,
  type Outcomes,
  STEPS,
} from './onsale-protocol';

/** What bench:onsale and bench:onsale --faults (faults.ts) share: buyers, their processes, the invariants. */

/** N buyer accounts (tokens are minted with the stack's signing key, so no password is needed). */
export async function createBuyers(db: pg.Pool, n: number): Promise<string[]> {
  const users = await db.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, name)
     SELECT 'buyer-' || n || '-' || $2 || '@bench.test', '!', 'Buyer ' || n FROM generate_series(1, $1) AS n
     RETURNING id`,
    [n, process.pid],
  );
  return users.rows.map((r) => r.id);
}

/** The token settings buyers sign with, from the stack's handler environment. */
export function jwtOf(env: Record<string, string>): BuyerConfig['jwt'] {
  return {
    privateKeyPem: env.JWT_PRIVATE_KEY!,
    kid: env.JWT_KEY_ID!,
    issuer: env.JWT_ISSUER!,
    audience: env.JWT_AUDIENCE ?? 'tiketi-api',
  };
}

/**
 * Forks `processes` buyer processes (onsale-buyers.ts) sharing `userIds` out, and resolves when every one has
 * reported; their latencies, errors, outcomes (and, in faults mode, failures and approved reservations) are
 * summed into `tally`. `children` and `doneBy` are filled as they start (CPU accounting, progress).
 */
export function forkBuyers(input: {
  processes: number;
  userIds: string[];
  config: Omit<BuyerConfig, 'userIds'>;
  tally: ReturnType<typeof emptyTally> & { failures?: FailureRecord[]; approvedReservations?: string[] };
  children: ChildProcess[];
  doneBy: Map<ChildProcess, number>;
}): Promise<void> {
  const { processes, userIds, tally, children, doneBy } = input;
  const per = Math.ceil(userIds.length / processes);
  const finished: Promise<void>[] = [];
  for (let p = 0; p < processes; p++) {
    const child = fork(join('test', 'bench', 'onsale-buyers.ts'), [], { execArgv: ['--import', 'tsx'] });
    children.push(child);
    doneBy.set(child, 0);
    finished.push(
      new Promise<void>((resolveDone, reject) => {
        child.on('message', (m: ChildMessage) => {
          if (m.type === 'progress') doneBy.set(child, m.done);
          else if (m.type === 'failed') reject(new Error(`buyer process failed: ${m.error}`));
          else if (m.type === 'report') {
            for (const s of STEPS) tally.latencies[s].push(...m.latencies[s]);
            for (const [k, v] of Object.entries(m.errors)) tally.errors[k] = (tally.errors[k] ?? 0) + v;
            for (const k of Object.keys(tally.outcomes) as (keyof Outcomes)[])
              tally.outcomes[k] += m.outcomes[k];
            if (m.failures) tally.failures?.push(...m.failures);
            if (m.approvedReservations) tally.approvedReservations?.push(...m.approvedReservations);
            resolveDone();
          }
        });
        child.once('exit', (code) => code && reject(new Error(`buyer process exited with ${code}`)));
      }),
    );
    child.send({
      type: 'start',
      config: { ...input.config, userIds: userIds.slice(p * per, (p + 1) * per) },
    });
  }
  return Promise.all(finished).then(() => {});
}

/** Seats of the event sold so far (the sale's progress, sampled every second). */
export async function countSold(db: pg.Pool, eventId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM seats WHERE event_id = $1 AND status = 'sold'",
    [eventId],
  );
  return Number(rows[0]!.n);
}

export interface Invariants {
  oversoldSeats: number;
  seatsSoldToTwoReservations: number;
  confirmedWithoutPayment: number;
  capturedWithoutConfirmedOrRefund: number;
}

export async function invariants(db: pg.Pool, eventId: string): Promise<Invariants> {
  const one = async (sql: string) => Number((await db.query<{ n: string }>(sql, [eventId])).rows[0]!.n);
  return {
    // A sold seat whose reservation is not confirmed, or a confirmed seat item whose seat is not sold to it.
    oversoldSeats:
      (await one(`SELECT count(*) AS n FROM seats s WHERE s.event_id = $1 AND s.status = 'sold'
                  AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.id = s.reservation_id AND r.status = 'confirmed')`)) +
      (await one(`SELECT count(*) AS n FROM reservation_items ri JOIN reservations r ON r.id = ri.reservation_id
                  WHERE r.event_id = $1 AND r.status = 'confirmed' AND ri.seat_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM seats s WHERE s.id = ri.seat_id AND s.status = 'sold'
                                    AND s.reservation_id = r.id)`)),
    seatsSoldToTwoReservations: await one(
      `SELECT count(*) AS n FROM (SELECT ri.seat_id FROM reservation_items ri JOIN reservations r ON r.id = ri.reservation_id
        WHERE r.event_id = $1 AND r.status = 'confirmed' AND ri.seat_id IS NOT NULL
        GROUP BY ri.seat_id HAVING count(*) > 1) x`,
    ),
    confirmedWithoutPayment: await one(
      `SELECT count(*) AS n FROM reservations r WHERE r.event_id = $1 AND r.status = 'confirmed'
        AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.reservation_id = r.id AND p.status = 'approved')`,
    ),
    capturedWithoutConfirmedOrRefund: await one(
      `SELECT count(*) AS n FROM payments p JOIN reservations r ON r.id = p.reservation_id
        WHERE r.event_id = $1 AND p.status = 'approved' AND r.status <> 'confirmed'`,
    ),
  };
}
