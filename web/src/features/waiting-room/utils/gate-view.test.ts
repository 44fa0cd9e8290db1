import { describe, expect, it } from 'vitest';
import { createAdmissionStore } from '../../../lib/admission';
import { createApiClient } from '../../../lib/api';
import type { QueueTicket } from '../../../lib/contract';
import { createSessionStore } from '../../../lib/session/session-store';
import { memoryStorage } from '../../../test-utils/memory-storage';
import { createQueueApi } from '../api/queue-api';
import { gateView } from './gate-view';
import { INITIAL_WAITING_ROOM_STATE, WaitingRoomController } from './waiting-room-controller';

const EVENT = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';
const SEAT = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('gateView', () => {
  it('leaves the page alone without a room, signed out, or admitted', () => {
    expect(gateView({ enabled: false, admitted: false, phase: 'waiting' })).toBe('open');
    expect(gateView({ enabled: true, admitted: true, phase: 'joining' })).toBe('open');
    expect(gateView({ enabled: true, admitted: false, phase: 'admitted' })).toBe('open');
  });

  it('shows the room while waiting or sold out, and a way back after leaving or failing', () => {
    expect(gateView({ enabled: true, admitted: false, phase: 'joining' })).toBe('joining');
    expect(gateView({ enabled: true, admitted: false, phase: 'waiting' })).toBe('room');
    expect(gateView({ enabled: true, admitted: false, phase: 'sold_out' })).toBe('room');
    expect(gateView({ enabled: true, admitted: false, phase: 'left' })).toBe('left');
    expect(gateView({ enabled: true, admitted: false, phase: 'failed' })).toBe('failed');
  });
});

describe('403 ADMISSION_REQUIRED → the room again', () => {
  it('a refused seat lock drops the admission and the next visit puts me back in the room', async () => {
    // Prepare: admitted (the room answered at once), then the server ends the admission
    const session = createSessionStore({ storage: memoryStorage() });
    session.setAuth({
      user: {
        id: '0b7e3c1a-5d1e-4a5e-9a53-3f1c2b6d7e80',
        email: 'kim@example.com',
        name: '김민지',
        role: 'user',
        createdAt: '2026-01-01T00:00:00Z',
      },
      accessToken: 'access-1',
      refreshToken: 'refresh-token-number-1',
      expiresIn: 900,
    });
    const admission = createAdmissionStore({ storage: memoryStorage() });
    const room = {
      eventId: EVENT,
      active: true,
      soldOut: false,
      servingCounter: 10,
      waiting: 5,
      admissionRate: 1,
      preQueueUntil: null,
      at: new Date().toISOString(),
    };
    const answers: QueueTicket[] = [
      {
        eventId: EVENT,
        status: 'admitted',
        ticket: null,
        position: 0,
        aheadOfYou: 0,
        estimatedWaitSeconds: 0,
        admissionToken: 'token-1',
        admissionExpiresAt: new Date(Date.now() + 600_000).toISOString(),
        room,
      },
      {
        eventId: EVENT,
        status: 'waiting',
        ticket: 15,
        position: 5,
        aheadOfYou: 4,
        estimatedWaitSeconds: 5,
        room,
      },
    ];
    const sent: { url: string; admission: string | undefined }[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const headers = (init?.headers ?? {}) as Record<string, string>;
      sent.push({ url, admission: headers['x-admission-token'] });
      if (url.includes('/queue/join/')) return Response.json(answers.shift());
      return Response.json(
        { error: { code: 'ADMISSION_REQUIRED', message: 'Enter through the waiting room' } },
        { status: 403 },
      );
    }) as typeof globalThis.fetch;
    const client = createApiClient({ baseUrl: '', session, fetch, admission });
    const visit = () =>
      new WaitingRoomController({ eventId: EVENT, api: createQueueApi(client), realtime: null, admission });
    const first = visit();
    first.start();
    await expect.poll(() => first.getState().phase).toBe('admitted');
    const view = () => gateView({ enabled: true, admitted: admission.get(EVENT) !== null, phase: 'joining' });
    expect(view()).toBe('open');

    // Act
    const error = await client
      .call('seats.lock', { body: { eventId: EVENT, seatIds: [SEAT] } })
      .catch((e: unknown) => e);

    // Assess: the lock carried the token, the refusal dropped it, the gate goes back to the room
    expect(error).toMatchObject({ code: 'ADMISSION_REQUIRED' });
    expect(sent.at(-1)).toEqual({ url: '/api/v1/seats/lock', admission: 'token-1' });
    expect(admission.get(EVENT)).toBeNull();
    expect(admission.refusals(EVENT)).toBe(1);
    // The hook starts a new visit (keyed on the refusal count) from the initial state...
    expect(gateView({ enabled: true, admitted: false, phase: INITIAL_WAITING_ROOM_STATE.phase })).toBe(
      'joining',
    );
    // ...which joins again and is placed in the queue: the room shows.
    const second = visit();
    second.start();
    await expect.poll(() => second.getState().phase).toBe('waiting');
    expect(
      gateView({ enabled: true, admitted: admission.get(EVENT) !== null, phase: second.getState().phase }),
    ).toBe('room');
    second.dispose();
  });
});
