import { createPrivateKey, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { signJwt } from '../../functions/shared/jwt';

/**
 * Events made for one test, so tests sharing the stack never fight over the seeded seats. Each call creates an
 * `on_sale` event with its own venue, price tiers, sections and seats (or ticket types), and returns the ids.
 */

export interface SeatedEventOptions {
  seats?: number;
  /** Seats per row (the map is a grid of rows). */
  perRow?: number;
  maxSeatsPerUser?: number;
  holdSeconds?: number;
  title?: string;
  waitingRoom?: Record<string, unknown> | null;
}

export interface SeatedEvent {
  eventId: string;
  /** Seat ids in map order (section, row, number). */
  seatIds: string[];
  tiers: { tier: string; price: number }[];
}

const TIERS = [
  { tier: 'VIP', price: 150_000 },
  { tier: 'R', price: 110_000 },
  { tier: 'S', price: 80_000 },
];

async function insertEvent(
  db: pg.Pool,
  o: { title: string; maxSeatsPerUser: number; holdSeconds: number; waitingRoom: unknown },
) {
  const venue = await db.query<{ id: string }>(
    `INSERT INTO venues (name, address) VALUES ('Test Hall', 'Seoul') RETURNING id`,
  );
  const event = await db.query<{ id: string }>(
    `INSERT INTO events (title, venue_id, venue_name, starts_at, sales_open_at, sales_close_at, status,
                         max_seats_per_user, hold_seconds, waiting_room)
     VALUES ($1, $2, 'Test Hall', now() + interval '30 days', now() - interval '1 day', now() + interval '29 days',
             'on_sale', $3, $4, $5)
     RETURNING id`,
    [
      o.title,
      venue.rows[0]!.id,
      o.maxSeatsPerUser,
      o.holdSeconds,
      o.waitingRoom ? JSON.stringify(o.waitingRoom) : null,
    ],
  );
  return event.rows[0]!.id;
}

/** A seated event: `seats` seats in rows of `perRow`, the first third VIP, then R, then S. */
export async function createSeatedEvent(db: pg.Pool, options: SeatedEventOptions = {}): Promise<SeatedEvent> {
  const count = options.seats ?? 30;
  const perRow = options.perRow ?? 10;
  const eventId = await insertEvent(db, {
    title: options.title ?? `Test concert ${randomUUID().slice(0, 8)}`,
    maxSeatsPerUser: options.maxSeatsPerUser ?? 4,
    holdSeconds: options.holdSeconds ?? 300,
    waitingRoom: options.waitingRoom ?? null,
  });
  for (const t of TIERS) {
    await db.query('INSERT INTO price_tiers (event_id, tier, price) VALUES ($1, $2, $3)', [
      eventId,
      t.tier,
      t.price,
    ]);
  }
  const section = await db.query<{ id: string }>(
    `INSERT INTO seat_sections (event_id, name, sort) VALUES ($1, 'A', 0) RETURNING id`,
    [eventId],
  );
  // Row labels padded to the widest row number (at least 3 digits), so text order is row order and no two rows
  // collide however many there are.
  const width = Math.max(3, String(Math.ceil(count / perRow)).length);
  // One statement for any size: generate_series builds the grid server-side.
  const seats = await db.query<{ id: string }>(
    `INSERT INTO seats (event_id, section_id, row_label, seat_number, label, x, y, tier)
     SELECT $1, $2, 'R' || lpad((((n - 1) / $4) + 1)::text, $5, '0'), ((n - 1) % $4) + 1,
            'A R' || lpad((((n - 1) / $4) + 1)::text, $5, '0') || '-' || (((n - 1) % $4) + 1),
            ((n - 1) % $4) * 10, ((n - 1) / $4) * 10,
            CASE WHEN n <= $3 / 3 THEN 'VIP' WHEN n <= 2 * $3 / 3 THEN 'R' ELSE 'S' END
       FROM generate_series(1, $3::int) AS n
     RETURNING id`,
    [eventId, section.rows[0]!.id, count, perRow, width],
  );
  const ordered = await db.query<{ id: string }>(
    'SELECT id FROM seats WHERE event_id = $1 ORDER BY row_label, seat_number',
    [eventId],
  );
  if (seats.rowCount !== count) throw new Error(`created ${seats.rowCount} of ${count} seats`);
  return { eventId, seatIds: ordered.rows.map((r) => r.id), tiers: TIERS };
}

export interface GaEvent {
  eventId: string;
  ticketTypes: { id: string; name: string; price: number; capacity: number }[];
}

/** A general-admission event with the given ticket types (default: one of 100 at 55,000 KRW). */
export async function createGaEvent(
  db: pg.Pool,
  types: { name: string; price: number; capacity: number }[] = [
    { name: 'Standing', price: 55_000, capacity: 100 },
  ],
  options: Pick<SeatedEventOptions, 'maxSeatsPerUser' | 'holdSeconds' | 'title'> = {},
): Promise<GaEvent> {
  const eventId = await insertEvent(db, {
    title: options.title ?? `Test festival ${randomUUID().slice(0, 8)}`,
    maxSeatsPerUser: options.maxSeatsPerUser ?? 4,
    holdSeconds: options.holdSeconds ?? 300,
    waitingRoom: null,
  });
  const ticketTypes = [];
  for (const [sort, t] of types.entries()) {
    const row = await db.query<{ id: string }>(
      'INSERT INTO ticket_types (event_id, name, price, capacity, sort) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [eventId, t.name, t.price, t.capacity, sort],
    );
    ticketTypes.push({ id: row.rows[0]!.id, ...t });
  }
  return { eventId, ticketTypes };
}

export interface TestUser {
  id: string;
  email: string;
  /** An access token minted with the local stack's signing key (valid 15 minutes). */
  token: string;
}

/**
 * `count` users inserted directly (no password hashing: they never log in) with access tokens minted with the
 * stack's signing key, for tests that need many buyers at once. `env` is `inject('stack').env`.
 */
export async function createUsers(
  db: pg.Pool,
  env: Record<string, string | undefined>,
  count: number,
  prefix = 'buyer',
): Promise<TestUser[]> {
  const tag = randomUUID().slice(0, 8);
  const { rows } = await db.query<{ id: string; email: string }>(
    `INSERT INTO users (email, password_hash, name)
     SELECT $1 || '-' || $2 || '-' || n || '@example.test', 'not-a-hash', 'Test Buyer ' || n
       FROM generate_series(1, $3::int) AS n
     RETURNING id, email`,
    [prefix, tag, count],
  );
  const key = { kid: env.JWT_KEY_ID!, privateKey: createPrivateKey(env.JWT_PRIVATE_KEY!) };
  const claims = { issuer: env.JWT_ISSUER!, audience: env.JWT_AUDIENCE ?? 'tiketi-api' };
  return rows.map((u) => ({
    ...u,
    token: signJwt({ sub: u.id, role: 'user', email: u.email }, key, claims),
  }));
}

/**
 * Takes test events out of public view (status `draft`) once a file is done with them, so suites that count
 * public events (events.test.ts) see only the seed whatever order files run in. Rows stay for inspection.
 */
export async function retireEvents(db: pg.Pool, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length)
    await db.query(`UPDATE events SET status = 'draft' WHERE id = ANY($1::uuid[])`, [eventIds]);
}
