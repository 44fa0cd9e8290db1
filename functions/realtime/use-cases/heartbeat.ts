import type { ServerMessage } from '../../../shared/ws';
import type { Caller, RealtimeDeps } from '../ports';

/**
 * `ping`: keeps API Gateway's idle timer and this connection's rows alive. If the rows were swept while the
 * socket lived on (a client that slept past the TTL), they are written again, so per-user messages resume;
 * topic subscriptions come back with the client's `resume`.
 */
export async function heartbeat(deps: RealtimeDeps, caller: Caller): Promise<ServerMessage> {
  if (!(await deps.subscriptions.touch(caller.connectionId))) {
    await deps.subscriptions.add({
      connectionId: caller.connectionId,
      userId: caller.userId,
      connectedAt: caller.connectedAt,
    });
  }
  return { type: 'pong', data: { at: deps.now().toISOString() } };
}
