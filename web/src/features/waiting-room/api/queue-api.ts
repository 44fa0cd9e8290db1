import type { ApiClient } from '../../../lib/api';
import type { QueueLeft, QueueTicket } from '../../../lib/contract';

/** The waiting room's REST calls, as the room's state machine needs them (plain promises, no cache). */
export interface QueueApi {
  /** Joins (or rejoins: the same place) the event's room. */
  join(eventId: string): Promise<QueueTicket>;
  /** My place; also my heartbeat. 404 NOT_IN_QUEUE when the room no longer knows me. */
  status(eventId: string): Promise<QueueTicket>;
  /** Gives up the place (and the admitted slot, if admitted). */
  leave(eventId: string): Promise<QueueLeft>;
}

export function createQueueApi(client: Pick<ApiClient, 'call'>): QueueApi {
  return {
    join: (eventId) => client.call('queue.join', { params: { eventId } }),
    status: (eventId) => client.call('queue.status', { params: { eventId } }),
    leave: (eventId) => client.call('queue.leave', { params: { eventId } }),
  };
}
