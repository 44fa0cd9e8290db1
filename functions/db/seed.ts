import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { hashPassword } from '../auth/public';

/**
 * Demo data, idempotent (fixed ids, ON CONFLICT DO NOTHING): an admin, a 2,200-seat symphony with a seat map,
 * a general-admission festival with ticket types, a past closed event, and a few more for search and paging.
 */

export const SEED_ADMIN_EMAIL = 'admin@tiketi.local';

export const SEED_EVENT_IDS = {
  symphony: '5e1f0000-0000-4000-8000-000000000001',
  festival: '5e1f0000-0000-4000-8000-000000000002',
  jazz: '5e1f0000-0000-4000-8000-000000000003',
  musical: '5e1f0000-0000-4000-8000-000000000004',
  kpop: '5e1f0000-0000-4000-8000-000000000005',
  opera: '5e1f0000-0000-4000-8000-000000000006',
  comedy: '5e1f0000-0000-4000-8000-000000000007',
  draft: '5e1f0000-0000-4000-8000-000000000008',
} as const;

interface SeedEvent {
  id: string;
  title: string;
  venue: string;
  description: string;
  startsAt: string;
  salesOpenAt: string;
  salesCloseAt: string;
  status: 'draft' | 'on_sale' | 'closed' | 'cancelled';
  waitingRoom?: { threshold: number; admissionRate: number; sessionMinutes: number; preQueueOpensAt: null };
  seatMap?: {
    tiers: Record<string, number>;
    sections: { name: string; tier: string; rows: number; perRow: number }[];
  };
  ticketTypes?: { name: string; price: number; capacity: number; sold?: number }[];
}

const day = 24 * 60 * 60 * 1000;
/** Dates relative to "now" keep the demo meaningful whenever it is seeded; the past event is fixed in 2025. */
function demoEvents(now = Date.now()): SeedEvent[] {
  const at = (days: number, hour = 19) => {
    const d = new Date(now + days * day);
    d.setUTCHours(hour - 9, 0, 0, 0); // KST
    return d.toISOString();
  };
  return [
    {
      id: SEED_EVENT_IDS.symphony,
      title: 'Seoul Philharmonic Symphony Night',
      venue: 'Seoul Arts Center Concert Hall',
      description: 'Mahler Symphony No. 5 and Beethoven Piano Concerto No. 3. 서울시립교향악단의 밤.',
      startsAt: at(30),
      salesOpenAt: at(-7, 10),
      salesCloseAt: at(30, 17),
      status: 'on_sale',
      waitingRoom: { threshold: 2000, admissionRate: 200, sessionMinutes: 10, preQueueOpensAt: null },
      seatMap: {
        tiers: { VIP: 180_000, R: 120_000, S: 80_000 },
        sections: [
          { name: 'VIP', tier: 'VIP', rows: 5, perRow: 40 },
          { name: 'R', tier: 'R', rows: 20, perRow: 50 },
          { name: 'S', tier: 'S', rows: 20, perRow: 50 },
        ],
      },
    },
    {
      id: SEED_EVENT_IDS.festival,
      title: 'Han River Indie Festival',
      venue: 'Nanji Hangang Park',
      description: 'Two days of Korean indie bands by the river. General admission.',
      startsAt: at(45, 14),
      salesOpenAt: at(-3, 10),
      salesCloseAt: at(45, 12),
      status: 'on_sale',
      ticketTypes: [
        { name: '1-Day Pass', price: 99_000, capacity: 5_000, sold: 1_200 },
        { name: '2-Day Pass', price: 169_000, capacity: 3_000, sold: 800 },
        { name: 'VIP Pass', price: 250_000, capacity: 200, sold: 50 },
      ],
    },
    {
      id: SEED_EVENT_IDS.jazz,
      title: 'Busan Jazz Weekend 2025',
      venue: 'BEXCO Auditorium',
      description: 'Last year’s jazz weekend by the sea. Sales have closed.',
      startsAt: '2025-10-18T10:00:00.000Z',
      salesOpenAt: '2025-08-01T01:00:00.000Z',
      salesCloseAt: '2025-10-18T08:00:00.000Z',
      status: 'closed',
      ticketTypes: [{ name: 'Standard', price: 77_000, capacity: 1_500, sold: 1_500 }],
    },
    {
      id: SEED_EVENT_IDS.musical,
      title: '뮤지컬 레미제라블',
      venue: 'Blue Square Shinhan Card Hall',
      description: 'Les Misérables, the Korean production.',
      startsAt: at(60),
      salesOpenAt: at(-1, 14),
      salesCloseAt: at(60, 17),
      status: 'on_sale',
      ticketTypes: [
        { name: 'VIP석', price: 170_000, capacity: 300 },
        { name: 'R석', price: 140_000, capacity: 600 },
      ],
    },
    {
      id: SEED_EVENT_IDS.kpop,
      title: 'K-POP Stadium Live',
      venue: 'Jamsil Olympic Stadium',
      description: 'The summer stadium show.',
      startsAt: at(90, 18),
      salesOpenAt: at(14, 20),
      salesCloseAt: at(90, 16),
      status: 'on_sale',
      ticketTypes: [{ name: 'Standing', price: 154_000, capacity: 20_000 }],
    },
    {
      id: SEED_EVENT_IDS.opera,
      title: 'La Traviata — Seoul Opera Festival',
      venue: 'Seoul Arts Center Opera House',
      description: 'Verdi in the Opera House.',
      startsAt: at(20),
      salesOpenAt: at(-10, 10),
      salesCloseAt: at(20, 17),
      status: 'cancelled',
      ticketTypes: [{ name: 'R석', price: 150_000, capacity: 800 }],
    },
    {
      id: SEED_EVENT_IDS.comedy,
      title: 'Stand-up Comedy Night Incheon',
      venue: 'Incheon Art Platform',
      description: 'An evening of stand-up.',
      startsAt: at(10, 20),
      salesOpenAt: at(-20, 10),
      salesCloseAt: at(10, 18),
      status: 'on_sale',
      ticketTypes: [{ name: 'General', price: 35_000, capacity: 150 }],
    },
    {
      id: SEED_EVENT_IDS.draft,
      title: 'Unannounced Winter Gala (draft)',
      venue: 'Lotte Concert Hall',
      description: 'Not public yet.',
      startsAt: at(120),
      salesOpenAt: at(100, 10),
      salesCloseAt: at(120, 17),
      status: 'draft',
      ticketTypes: [{ name: 'R석', price: 120_000, capacity: 500 }],
    },
  ];
}

export interface SeedOptions {
  databaseUrl: string;
  /** Where a generated admin password is kept (mode 0600) so repeated starts print the same login. */
  dataDir?: string;
  log?: (msg: string) => void;
}

export interface SeedResult {
  adminEmail: string;
  adminPassword: string;
  events: number;
  seats: number;
}

function adminPassword(dataDir: string): { password: string; fromFile: boolean } {
  if (process.env.SEED_ADMIN_PASSWORD) return { password: process.env.SEED_ADMIN_PASSWORD, fromFile: false };
  const file = join(dataDir, 'admin-password');
  if (existsSync(file)) return { password: readFileSync(file, 'utf8').trim(), fromFile: true };
  const password = randomBytes(12).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, fromFile: false };
}

export async function seed({
  databaseUrl,
  dataDir = '.local',
  log = () => {},
}: SeedOptions): Promise<SeedResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { password } = adminPassword(dataDir);
    const hash = await hashPassword(password);
    // The admin's password follows the configured/stored one, so the printed login always works.
    await client.query(
      `INSERT INTO users (email, password_hash, name, role) VALUES ($1, $2, $3, 'admin')
       ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'admin'`,
      [SEED_ADMIN_EMAIL, hash, 'TIKETI Admin'],
    );
    let seats = 0;
    const events = demoEvents();
    for (const e of events) {
      const inserted = await client.query(
        `INSERT INTO events (id, title, description, venue_name, starts_at, sales_open_at, sales_close_at, status, waiting_room)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [
          e.id,
          e.title,
          e.description,
          e.venue,
          e.startsAt,
          e.salesOpenAt,
          e.salesCloseAt,
          e.status,
          e.waitingRoom ? JSON.stringify(e.waitingRoom) : null,
        ],
      );
      if (inserted.rowCount === 0) continue; // already seeded: leave live data alone
      for (const [i, t] of (e.ticketTypes ?? []).entries()) {
        await client.query(
          'INSERT INTO ticket_types (event_id, name, price, capacity, sold, sort) VALUES ($1, $2, $3, $4, $5, $6)',
          [e.id, t.name, t.price, t.capacity, t.sold ?? 0, i],
        );
      }
      if (e.seatMap) seats += await seedSeatMap(client, e.id, e.seatMap);
      log(`seeded ${e.title}`);
    }
    await client.query('COMMIT');
    return { adminEmail: SEED_ADMIN_EMAIL, adminPassword: password, events: events.length, seats };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    await client.end();
  }
}

/** Sections stacked vertically, rows left to right; x/y in seat units for the renderer. */
async function seedSeatMap(client: pg.Client, eventId: string, map: NonNullable<SeedEvent['seatMap']>) {
  for (const [tier, price] of Object.entries(map.tiers)) {
    await client.query('INSERT INTO price_tiers (event_id, tier, price) VALUES ($1, $2, $3)', [
      eventId,
      tier,
      price,
    ]);
  }
  let y0 = 0;
  let count = 0;
  for (const [sort, s] of map.sections.entries()) {
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO seat_sections (event_id, name, sort) VALUES ($1, $2, $3) RETURNING id',
      [eventId, s.name, sort],
    );
    const sectionId = rows[0]!.id;
    // One set-based INSERT per section: generate_series does the row × seat product inside PostgreSQL.
    await client.query(
      `INSERT INTO seats (event_id, section_id, row_label, seat_number, label, x, y, tier)
       SELECT $1, $2, r::text, n, $3 || '-' || r || '-' || n, n, $4 + r, $5
       FROM generate_series(1, $6::int) AS r, generate_series(1, $7::int) AS n`,
      [eventId, sectionId, s.name, y0, s.tier, s.rows, s.perRow],
    );
    y0 += s.rows + 2;
    count += s.rows * s.perRow;
  }
  return count;
}
