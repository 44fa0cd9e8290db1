import { describe, expect, it } from 'vitest';
import type { EventDetail, EventList } from '../../../lib/contract';
import { applyTicketUpdate, patchListAvailability } from './live-availability';

const EVENT_ID = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';
const OTHER_ID = '5d2c6a1f-7e34-4b8a-8c9d-1e2f3a4b5c6d';
const VIP = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const STANDARD = '8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e';
const UNKNOWN = '9c3d4e5f-6a7b-4c8d-ae9f-1a2b3c4d5e6f';

const event: EventDetail = {
  id: EVENT_ID,
  title: 'Live night',
  venue: 'Hall',
  startsAt: '2026-03-14T10:30:00.000Z',
  salesOpenAt: '2026-02-01T01:00:00.000Z',
  salesCloseAt: '2026-03-14T09:00:00.000Z',
  status: 'on_sale',
  imageUrl: null,
  hasSeatMap: false,
  minPrice: 50_000,
  currency: 'KRW',
  availability: { total: 300, available: 250, held: 10, sold: 40 },
  description: '',
  maxSeatsPerUser: 4,
  cancellationDeadline: '2026-03-14T10:30:00.000Z',
  ticketTypes: [
    { id: VIP, name: 'VIP', price: 150_000, capacity: 100, available: 80, held: 5, sold: 15 },
    { id: STANDARD, name: 'Standard', price: 50_000, capacity: 200, available: 170, held: 5, sold: 25 },
  ],
  priceTiers: [],
  waitingRoom: null,
};

describe('applyTicketUpdate', () => {
  it('replaces the totals and the listed ticket types, leaving the rest', () => {
    const next = applyTicketUpdate(event, {
      eventId: EVENT_ID,
      availability: { total: 300, available: 247, held: 12, sold: 41 },
      ticketTypes: [{ id: VIP, available: 77, held: 7, sold: 16 }],
    });
    expect(next?.availability).toEqual({ total: 300, available: 247, held: 12, sold: 41 });
    expect(next?.ticketTypes[0]).toMatchObject({ id: VIP, capacity: 100, available: 77, held: 7, sold: 16 });
    expect(next?.ticketTypes[1]).toBe(event.ticketTypes[1]);
    expect(next?.title).toBe(event.title);
    expect(event.availability.available).toBe(250); // the cached object is not mutated
  });

  it('without totals, applies the ticket types’ differences to them', () => {
    const next = applyTicketUpdate(event, {
      eventId: EVENT_ID,
      ticketTypes: [
        { id: VIP, available: 78, held: 6, sold: 16 },
        { id: STANDARD, available: 170, held: 3, sold: 27 },
      ],
    });
    expect(next?.availability).toEqual({ total: 300, available: 248, held: 9, sold: 43 });
  });

  it('is idempotent (counts are absolute)', () => {
    const update = {
      eventId: EVENT_ID,
      ticketTypes: [{ id: STANDARD, available: 160, held: 10, sold: 30 }],
    };
    const once = applyTicketUpdate(event, update);
    expect(once && applyTicketUpdate(once, update)).toEqual(once);
  });

  it('is null when the update cannot be applied to this snapshot', () => {
    expect(applyTicketUpdate(event, { eventId: OTHER_ID, availability: event.availability })).toBeNull();
    expect(applyTicketUpdate(event, { eventId: EVENT_ID })).toBeNull();
    expect(
      applyTicketUpdate(event, {
        eventId: EVENT_ID,
        ticketTypes: [{ id: UNKNOWN, available: 1, held: 0, sold: 0 }],
      }),
    ).toBeNull();
  });
});

describe('patchListAvailability', () => {
  const list: EventList = { items: [event], page: 1, pageSize: 12, total: 1, totalPages: 1 };
  const availability = { total: 300, available: 1, held: 0, sold: 299 };

  it('updates the event on the page', () => {
    expect(patchListAvailability(list, EVENT_ID, availability).items[0]?.availability).toEqual(availability);
  });

  it('returns the same page when the event is not on it', () => {
    expect(patchListAvailability(list, OTHER_ID, availability)).toBe(list);
  });
});
