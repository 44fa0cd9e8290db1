import { describe, expect, inject, it } from 'vitest';
import { SEED_EVENT_IDS } from '../../functions/db/seed';
import { api } from '../support/http';

inject('stack');

interface Page {
  items: {
    id: string;
    title: string;
    venue: string;
    status: string;
    startsAt: string;
    availability: { total: number; available: number };
  }[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}
const list = async (qs: string) => {
  const res = await api(`/api/v1/events${qs}`);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as Page;
};
const PUBLIC_SEEDED = Object.keys(SEED_EVENT_IDS).length - 1; // the draft is never public

describe('events: search, filters, pagination on the seeded data', () => {
  it('lists public events only, ordered by start time', async () => {
    const page = await list('?pageSize=100');
    expect(page.total).toBe(PUBLIC_SEEDED);
    expect(page.items.map((e) => e.id)).not.toContain(SEED_EVENT_IDS.draft);
    const starts = page.items.map((e) => e.startsAt);
    expect([...starts].sort()).toEqual(starts);
  });

  it('searches title and venue, case-insensitively, in Korean too', async () => {
    expect((await list('?q=symphony')).items.map((e) => e.id)).toEqual([SEED_EVENT_IDS.symphony]);
    expect((await list(`?q=${encodeURIComponent('레미제라블')}`)).items.map((e) => e.id)).toEqual([
      SEED_EVENT_IDS.musical,
    ]);
    const venue = await list(`?q=${encodeURIComponent('seoul arts center')}`);
    expect(venue.items.map((e) => e.id).sort()).toEqual(
      [SEED_EVENT_IDS.symphony, SEED_EVENT_IDS.opera].sort(),
    );
  });

  it('treats LIKE wildcards literally', async () => {
    expect((await list('?q=%25')).total).toBe(0);
    expect((await list('?q=_')).total).toBe(0);
  });

  it('filters by status', async () => {
    expect((await list('?status=closed')).items.map((e) => e.id)).toEqual([SEED_EVENT_IDS.jazz]);
    expect((await list('?status=cancelled')).items.map((e) => e.id)).toEqual([SEED_EVENT_IDS.opera]);
    expect((await list('?status=draft')).total).toBe(0);
  });

  it('filters by date range; a bare `to` date includes that whole day', async () => {
    expect((await list('?to=2025-12-31')).items.map((e) => e.id)).toEqual([SEED_EVENT_IDS.jazz]);
    expect((await list('?from=2025-10-18&to=2025-10-18')).items.map((e) => e.id)).toEqual([
      SEED_EVENT_IDS.jazz,
    ]);
    expect((await list('?from=2026-01-01&pageSize=100')).total).toBe(PUBLIC_SEEDED - 1);
    const bad = await api('/api/v1/events?from=2026-02-01&to=2026-01-01');
    expect(bad.status).toBe(400);
  });

  it('paginates stably with a total', async () => {
    const seen: string[] = [];
    const first = await list('?pageSize=3&page=1');
    expect(first.totalPages).toBe(Math.ceil(PUBLIC_SEEDED / 3));
    for (let p = 1; p <= first.totalPages; p++) {
      const page = await list(`?pageSize=3&page=${p}`);
      expect(page.total).toBe(PUBLIC_SEEDED);
      seen.push(...page.items.map((e) => e.id));
    }
    expect(new Set(seen).size).toBe(PUBLIC_SEEDED);
    expect((await list(`?pageSize=3&page=${first.totalPages + 1}`)).items).toEqual([]);
  });
});

describe('events: detail', () => {
  it('returns the seat-map event with price tiers and live availability', async () => {
    const res = await api(`/api/v1/events/${SEED_EVENT_IDS.symphony}`);
    expect(res.status).toBe(200);
    const e = res.json as {
      hasSeatMap: boolean;
      availability: { total: number };
      priceTiers: { tier: string; seats: number }[];
    };
    expect(e.hasSeatMap).toBe(true);
    expect(e.availability.total).toBeGreaterThanOrEqual(2000);
    expect(e.priceTiers.map((t) => t.tier)).toEqual(['VIP', 'R', 'S']);
    expect(e.priceTiers.reduce((n, t) => n + t.seats, 0)).toBe(e.availability.total);
  });

  it('returns ticket types with availability = capacity − sold − held', async () => {
    const res = await api(`/api/v1/events/${SEED_EVENT_IDS.festival}`);
    const e = res.json as {
      ticketTypes: { capacity: number; sold: number; held: number; available: number }[];
    };
    expect(e.ticketTypes).toHaveLength(3);
    for (const t of e.ticketTypes) expect(t.available).toBe(t.capacity - t.sold - t.held);
  });

  it('answers unknown and draft ids with 404 EVENT_NOT_FOUND, malformed ids with 400', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', SEED_EVENT_IDS.draft]) {
      const res = await api(`/api/v1/events/${id}`);
      expect(res.status).toBe(404);
      expect((res.json as { error: { code: string } }).error.code).toBe('EVENT_NOT_FOUND');
    }
    expect((await api('/api/v1/events/not-a-uuid')).status).toBe(400);
  });
});
