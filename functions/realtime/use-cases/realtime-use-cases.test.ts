import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { type Caller, EMPTY_SESSION, type RealtimeDeps, type RealtimeSession } from '../ports';
import { handleClientMessage, parseFrame } from './client-message';

/** The realtime use cases with in-memory ports: no network. The integration suite covers the adapters. */

const PUBLIC_EVENT = randomUUID();
const OTHER_EVENT = randomUUID();
const DRAFT_EVENT = randomUUID();

function fakeDeps() {
  const sessions = new Map<string, RealtimeSession>();
  const rows = new Map<string, Set<string>>(); // connectionId → topics ('META' when registered)
  const eventLookups: string[] = [];
  const deps: RealtimeDeps = {
    sessions: {
      get: async (userId) => structuredClone(sessions.get(userId) ?? EMPTY_SESSION),
      update: async (userId, patch) => {
        sessions.set(userId, { ...(sessions.get(userId) ?? EMPTY_SESSION), ...patch });
      },
    },
    events: {
      isPublic: async (id) => {
        eventLookups.push(id);
        return id === PUBLIC_EVENT || id === OTHER_EVENT;
      },
    },
    subscriptions: {
      add: async ({ connectionId, userId }) => {
        rows.set(connectionId, new Set(['META', `user:${userId}`]));
      },
      subscribe: async (connectionId, _userId, topic) => {
        rows.set(connectionId, (rows.get(connectionId) ?? new Set()).add(topic));
      },
      unsubscribe: async (connectionId, topic) => {
        rows.get(connectionId)?.delete(topic);
      },
      touch: async (connectionId) => rows.get(connectionId)?.has('META') ?? false,
    },
    now: () => new Date('2026-11-21T12:00:00Z'),
  };
  return { deps, sessions, rows, eventLookups };
}

const caller = (userId: string = randomUUID(), connectionId: string = randomUUID()): Caller => ({
  connectionId,
  userId,
  connectedAt: Date.now(),
});

async function run(deps: RealtimeDeps, who: Caller, frame: unknown) {
  const parsed = parseFrame(JSON.stringify(frame));
  if (!parsed.ok) throw new Error(`frame refused: ${parsed.code}`);
  return handleClientMessage(deps, who, parsed.message);
}

describe('parseFrame', () => {
  it('refuses malformed JSON, unknown actions, invalid and unknown fields', () => {
    expect(parseFrame('{nope')).toMatchObject({ ok: false, code: 'MALFORMED_JSON' });
    expect(parseFrame(undefined)).toMatchObject({ ok: false, code: 'MALFORMED_JSON' });
    expect(parseFrame('{"action":"dance"}')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(parseFrame('[1,2]')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(parseFrame('{"action":"join-event","eventId":"x"}')).toMatchObject({ ok: false });
    expect(parseFrame(JSON.stringify({ action: 'ping', extra: 1 }))).toMatchObject({ ok: false });
    const tooMany = Array.from({ length: 51 }, () => randomUUID());
    expect(
      parseFrame(
        JSON.stringify({ action: 'seat-selection-changed', eventId: PUBLIC_EVENT, seatIds: tooMany }),
      ),
    ).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('refuses any frame that names a user', () => {
    for (const field of ['userId', 'user_id', 'sub']) {
      const frame = {
        action: 'seat-selection-changed',
        eventId: PUBLIC_EVENT,
        seatIds: [],
        [field]: randomUUID(),
      };
      expect(parseFrame(JSON.stringify(frame))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
  });

  it('accepts every declared action', () => {
    for (const frame of [
      { action: 'ping' },
      { action: 'resume' },
      { action: 'join-event', eventId: PUBLIC_EVENT },
      { action: 'leave-event', eventId: PUBLIC_EVENT },
      { action: 'join-seat-selection', eventId: PUBLIC_EVENT },
      { action: 'seat-selection-changed', eventId: PUBLIC_EVENT, seatIds: [randomUUID()] },
      { action: 'join-queue', eventId: PUBLIC_EVENT },
    ]) {
      expect(parseFrame(JSON.stringify(frame)).ok).toBe(true);
    }
  });
});

describe('joining and leaving events', () => {
  it('subscribes the connection to event:{id} and makes it the current event', async () => {
    const { deps, sessions, rows } = fakeDeps();
    const me = caller();
    expect(await run(deps, me, { action: 'join-event', eventId: PUBLIC_EVENT })).toBeUndefined();
    expect([...rows.get(me.connectionId)!]).toEqual([`event:${PUBLIC_EVENT}`]);
    expect(sessions.get(me.userId)?.currentEventId).toBe(PUBLIC_EVENT);
  });

  it('answers EVENT_NOT_FOUND for unknown and draft events and changes nothing', async () => {
    const { deps, sessions, rows } = fakeDeps();
    const me = caller();
    for (const eventId of [DRAFT_EVENT, randomUUID()]) {
      for (const action of ['join-event', 'join-seat-selection', 'join-queue']) {
        const err = await run(deps, me, { action, eventId }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('EVENT_NOT_FOUND');
      }
    }
    expect(rows.size).toBe(0);
    expect(sessions.size).toBe(0);
  });

  it('keeps the selection when re-joining the same event and drops it when moving to another', async () => {
    const { deps, sessions } = fakeDeps();
    const me = caller();
    const seatIds = [randomUUID(), randomUUID()];
    await run(deps, me, { action: 'join-seat-selection', eventId: PUBLIC_EVENT });
    await run(deps, me, { action: 'seat-selection-changed', eventId: PUBLIC_EVENT, seatIds });
    await run(deps, me, { action: 'join-event', eventId: PUBLIC_EVENT });
    expect(sessions.get(me.userId)?.selectedSeatIds).toEqual(seatIds);
    await run(deps, me, { action: 'join-event', eventId: OTHER_EVENT });
    expect(sessions.get(me.userId)).toMatchObject({ currentEventId: OTHER_EVENT, selectedSeatIds: [] });
  });

  it('leave-event unsubscribes and forgets the current event', async () => {
    const { deps, sessions, rows } = fakeDeps();
    const me = caller();
    await run(deps, me, { action: 'join-event', eventId: PUBLIC_EVENT });
    await run(deps, me, { action: 'leave-event', eventId: PUBLIC_EVENT });
    expect(rows.get(me.connectionId)?.size).toBe(0);
    expect(sessions.get(me.userId)).toMatchObject({ currentEventId: null, selectedSeatIds: [] });
  });
});

describe('seat selection', () => {
  it('stores the selection (deduplicated) in the caller’s session only, checking a new event once', async () => {
    const { deps, sessions, eventLookups, rows } = fakeDeps();
    const me = caller();
    const other = caller();
    const a = randomUUID();
    const b = randomUUID();
    await run(deps, me, { action: 'seat-selection-changed', eventId: PUBLIC_EVENT, seatIds: [a, b, a] });
    await run(deps, me, { action: 'seat-selection-changed', eventId: PUBLIC_EVENT, seatIds: [b] });
    expect(sessions.get(me.userId)).toMatchObject({ currentEventId: PUBLIC_EVENT, selectedSeatIds: [b] });
    expect(sessions.has(other.userId)).toBe(false);
    expect(eventLookups).toEqual([PUBLIC_EVENT]);
    expect(rows.size).toBe(0); // private state: nothing subscribed, nothing published
  });
});

describe('queue and resume', () => {
  it('join-queue follows queue:{id} and records the room; resume restores all of it on a new connection', async () => {
    const { deps, rows } = fakeDeps();
    const me = caller();
    const seatIds = [randomUUID()];
    await run(deps, me, { action: 'join-seat-selection', eventId: PUBLIC_EVENT });
    await run(deps, me, { action: 'seat-selection-changed', eventId: PUBLIC_EVENT, seatIds });
    await run(deps, me, { action: 'join-queue', eventId: PUBLIC_EVENT });

    const again = caller(me.userId);
    const reply = await run(deps, again, { action: 'resume' });
    expect(reply).toEqual({
      type: 'session-restored',
      data: {
        currentEventId: PUBLIC_EVENT,
        selectedSeatIds: seatIds,
        queue: { eventId: PUBLIC_EVENT, joinedAt: '2026-11-21T12:00:00.000Z' },
        topics: [`user:${me.userId}`, `event:${PUBLIC_EVENT}`, `queue:${PUBLIC_EVENT}`],
      },
    });
    expect([...rows.get(again.connectionId)!].sort()).toEqual(
      [`user:${me.userId}`, `event:${PUBLIC_EVENT}`, `queue:${PUBLIC_EVENT}`].sort(),
    );
  });

  it('resume without a session restores the empty one', async () => {
    const { deps } = fakeDeps();
    const me = caller();
    expect(await run(deps, me, { action: 'resume' })).toEqual({
      type: 'session-restored',
      data: { currentEventId: null, selectedSeatIds: [], queue: null, topics: [`user:${me.userId}`] },
    });
  });
});

describe('ping', () => {
  it('answers pong and re-registers a connection whose rows were swept while it lived', async () => {
    const { deps, rows } = fakeDeps();
    const me = caller();
    expect(await run(deps, me, { action: 'ping' })).toEqual({
      type: 'pong',
      data: { at: '2026-11-21T12:00:00.000Z' },
    });
    expect([...rows.get(me.connectionId)!]).toEqual(['META', `user:${me.userId}`]);
  });
});
