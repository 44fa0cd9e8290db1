import { describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../../shared/ws';
import type { ConnectionControl, FrameLimiter, FrameVerdict } from '../ports';
import { admitFrame, connect, WS_LIMITS } from './limits';

type Row = { connectionId: string; connectedAt: number };

/** Connection registry, closer and sender doubles that record what the use cases did. */
function control(existing: Row[] = []) {
  const rows = [...existing];
  const sent: { connectionId: string; message: ServerMessage }[] = [];
  const closed: string[] = [];
  const deps: ConnectionControl = {
    connections: {
      add: vi.fn(async (c) => {
        rows.push({ connectionId: c.connectionId, connectedAt: c.connectedAt });
      }),
      ofUser: vi.fn(async () =>
        [...rows].sort(
          (a, b) => a.connectedAt - b.connectedAt || a.connectionId.localeCompare(b.connectionId),
        ),
      ),
      remove: vi.fn(async (id: string) => {
        const i = rows.findIndex((r) => r.connectionId === id);
        if (i >= 0) rows.splice(i, 1);
        return i >= 0 ? 2 : 0;
      }),
    },
    closer: {
      close: vi.fn(async (id: string) => {
        closed.push(id);
        return 'closed' as const;
      }),
    },
    send: vi.fn(async (connectionId: string, message: ServerMessage) => {
      sent.push({ connectionId, message });
    }),
  };
  return { deps, rows, sent, closed };
}

const tabs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ connectionId: `c${i + 1}`, connectedAt: 1000 + i }));

describe('connect: at most 5 connections per user', () => {
  it('registers the first five without closing anything', async () => {
    // Prepare
    const { deps, closed } = control(tabs(4));

    // Act
    const result = await connect(deps, { connectionId: 'c5', userId: 'u', connectedAt: 2000 });

    // Assess
    expect(result).toEqual({ accepted: true, closed: [] });
    expect(closed).toEqual([]);
  });

  it('a sixth closes the oldest, telling it why first, and deletes its rows', async () => {
    // Prepare
    const { deps, rows, sent, closed } = control(tabs(5));

    // Act
    const result = await connect(deps, { connectionId: 'c6', userId: 'u', connectedAt: 2000 });

    // Assess
    expect(result).toEqual({ accepted: true, closed: ['c1'] });
    expect(closed).toEqual(['c1']);
    expect(sent).toEqual([
      {
        connectionId: 'c1',
        message: expect.objectContaining({
          type: 'error',
          data: expect.objectContaining({ code: 'CONNECTION_REPLACED' }),
        }),
      },
    ]);
    expect(rows.map((r) => r.connectionId)).toEqual(['c2', 'c3', 'c4', 'c5', 'c6']);
  });

  it('a connection that finds five newer ones (concurrent connects) is refused and removed', async () => {
    // Prepare: c0 connected earlier than the five already registered, but its $connect ran last
    const { deps, rows, closed } = control(tabs(5).map((t) => ({ ...t, connectedAt: t.connectedAt + 100 })));

    // Act
    const result = await connect(deps, { connectionId: 'c0', userId: 'u', connectedAt: 1000 });

    // Assess
    expect(result).toEqual({ accepted: false, closed: [] });
    expect(closed).toEqual([]);
    expect(rows).toHaveLength(WS_LIMITS.maxConnectionsPerUser);
    expect(rows.some((r) => r.connectionId === 'c0')).toBe(false);
  });
});

function limiter(verdicts: FrameVerdict[]): FrameLimiter {
  return { take: vi.fn(async () => verdicts.shift() ?? { allowed: true, refused: 0 }) };
}

describe('admitFrame: a token bucket per connection', () => {
  it('handles an allowed frame without a word', async () => {
    const { deps, sent } = control();
    expect(await admitFrame({ ...deps, limiter: limiter([{ allowed: true, refused: 0 }]) }, 'c1', 0)).toBe(
      'handle',
    );
    expect(sent).toEqual([]);
  });

  it('drops refused frames, answering only the first refusal of a window', async () => {
    // Prepare
    const { deps, sent, closed } = control();
    const l = limiter([
      { allowed: false, refused: 1 },
      { allowed: false, refused: 2 },
      { allowed: false, refused: 3 },
    ]);

    // Act
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await admitFrame({ ...deps, limiter: l }, 'c1', i));

    // Assess
    expect(outcomes).toEqual(['dropped', 'dropped', 'dropped']);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.message).toMatchObject({ type: 'error', data: { code: 'TOO_MANY_REQUESTS' } });
    expect(closed).toEqual([]);
  });

  it('closes the connection on sustained abuse, after one last error', async () => {
    // Prepare
    const { deps, sent, closed } = control(tabs(1));

    // Act
    const outcome = await admitFrame(
      { ...deps, limiter: limiter([{ allowed: false, refused: WS_LIMITS.closeAfterRefused }]) },
      'c1',
      0,
    );

    // Assess
    expect(outcome).toBe('closed');
    expect(sent.map((s) => s.message)).toEqual([
      {
        type: 'error',
        data: { code: 'TOO_MANY_REQUESTS', message: 'Too many frames: the connection is closed' },
      },
    ]);
    expect(closed).toEqual(['c1']);
    expect(deps.connections.remove).toHaveBeenCalledWith('c1');
  });
});
