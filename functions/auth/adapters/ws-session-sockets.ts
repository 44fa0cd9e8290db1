import type { ConnectionCloser } from '../../shared/broadcaster/connection-closer';
import type { ConnectionRepository } from '../../shared/broadcaster/connection-repository';
import type { SessionSockets } from '../ports';

/** A session's sockets: the user's connection rows (GSI2) whose `sessionId` matches, each closed by the API. */
export function wsSessionSockets(
  connections: Pick<ConnectionRepository, 'ofUser'>,
  closer: ConnectionCloser,
): SessionSockets {
  return {
    async closeSession(userId, sessionId) {
      const mine = (await connections.ofUser(userId)).filter((c) => c.sessionId === sessionId);
      await Promise.all(mine.map((c) => closer.close(c.connectionId)));
      return mine.length;
    },
  };
}
