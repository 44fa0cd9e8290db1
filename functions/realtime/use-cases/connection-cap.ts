import type { UserConnections } from '../ports';

/** Open WebSocket connections one user may hold (docs/realtime.md). */
export const MAX_CONNECTIONS_PER_USER = 5;

/**
 * Run at `$connect` once the new connection's row exists: the user's oldest connections beyond the cap are told
 * why and closed; the new one always stays. Closing the oldest (not refusing the newest) means a user whose old
 * tabs or sleeping laptop left connections behind is never locked out, and a row whose socket died without a
 * `$disconnect` is simply cleaned up (DeleteConnection answers 410). Returns the closed connection ids.
 */
export async function enforceConnectionCap(
  deps: UserConnections,
  caller: { userId: string; connectionId: string },
  max = MAX_CONNECTIONS_PER_USER,
): Promise<string[]> {
  const others = (await deps.ofUser(caller.userId)).filter((c) => c.connectionId !== caller.connectionId);
  const excess = others.slice(0, Math.max(0, others.length - (max - 1))).map((c) => c.connectionId);
  await Promise.all(
    excess.map(async (id) => {
      await deps
        .notify(id, {
          type: 'error',
          data: {
            code: 'TOO_MANY_REQUESTS',
            message: `Closed: at most ${max} open connections per account; a newer one replaced this one`,
          },
        })
        .catch(() => {});
      await deps.close(id);
    }),
  );
  return excess;
}
