import type { ConnectionControl, FrameLimiter } from '../ports';

/**
 * Abuse limits of the WebSocket API (docs/realtime.md "Limits"). API Gateway has no per-connection or per-user
 * limit of its own, and every connection counts against the account's 500 new connections/s and every frame
 * against its 10,000 requests/s, so one account or one connection must not be able to take a share of those.
 */
export const WS_LIMITS = {
  /** Open connections per user: a newer one closes the oldest beyond this. */
  maxConnectionsPerUser: 5,
  /** Token bucket per connection: bursts of this many frames… */
  frameBurst: 30,
  /** …refilled at this rate. A client pings every 5 minutes and sends a frame per click otherwise. */
  framesPerSecond: 10,
  /** Refused frames within `refusalWindowMs` that count as sustained abuse: the connection is closed. */
  closeAfterRefused: 50,
  refusalWindowMs: 10_000,
} as const;

type Connect = {
  connectionId: string;
  userId: string;
  connectedAt: number;
  sourceIp?: string;
  sessionId?: string;
};

/**
 * `$connect`: registers the connection, then keeps the user's newest `maxConnectionsPerUser` and closes the rest,
 * oldest first, each told why (`CONNECTION_REPLACED`, so its tab does not reconnect straight back). Closing the
 * oldest rather than refusing the newest: the tab a person just opened is the one they look at, and connections
 * of closed laptops linger until API Gateway's idle timeout. Every instance orders connections the same way
 * (connectedAt, then id), so concurrent connects agree on who goes; one that finds itself among the oldest while
 * newer ones arrived is refused (false) instead.
 */
export async function connect(
  deps: ConnectionControl,
  input: Connect,
): Promise<{ accepted: boolean; closed: string[] }> {
  await deps.connections.add(input);
  const mine = await deps.connections.ofUser(input.userId);
  if (!mine.some((c) => c.connectionId === input.connectionId)) mine.push(input);
  const excess = mine.length - WS_LIMITS.maxConnectionsPerUser;
  if (excess <= 0) return { accepted: true, closed: [] };
  const doomed = mine.slice(0, excess);
  const accepted = !doomed.some((c) => c.connectionId === input.connectionId);
  const others = doomed.filter((c) => c.connectionId !== input.connectionId);
  await Promise.all(
    others.map(async ({ connectionId }) => {
      await deps
        .send(connectionId, {
          type: 'error',
          data: {
            code: 'CONNECTION_REPLACED',
            message: `More than ${WS_LIMITS.maxConnectionsPerUser} connections are open for this account; this one, the oldest, is closed`,
          },
        })
        .catch(() => {});
      // A close that fails leaves the connection to the idle timeout; its rows go either way.
      await deps.closer.close(connectionId).catch(() => 'gone');
      await deps.connections.remove(connectionId);
    }),
  );
  if (!accepted) await deps.connections.remove(input.connectionId);
  return { accepted, closed: others.map((c) => c.connectionId) };
}

/**
 * Every frame first takes a token from its connection's bucket. A refused frame is dropped; the first refusal of a
 * window is answered with `error` `TOO_MANY_REQUESTS` (answering each would let a flood make us post as fast as it
 * sends), and `closeAfterRefused` refusals close the connection after one last `error`.
 */
export async function admitFrame(
  deps: ConnectionControl & { limiter: FrameLimiter },
  connectionId: string,
  now: number,
): Promise<'handle' | 'dropped' | 'closed'> {
  const verdict = await deps.limiter.take(connectionId, now);
  if (verdict.allowed) return 'handle';
  const closing = verdict.refused >= WS_LIMITS.closeAfterRefused;
  if (verdict.refused === 1 || closing) {
    await deps
      .send(connectionId, {
        type: 'error',
        data: {
          code: 'TOO_MANY_REQUESTS',
          message: closing
            ? 'Too many frames: the connection is closed'
            : `Too many frames: at most ${WS_LIMITS.framesPerSecond} per second; extra frames are dropped`,
        },
      })
      .catch(() => {});
  }
  if (!closing) return 'dropped';
  await deps.closer.close(connectionId).catch(() => 'gone');
  await deps.connections.remove(connectionId);
  return 'closed';
}
