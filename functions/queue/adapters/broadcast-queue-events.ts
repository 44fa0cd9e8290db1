import { topics } from '../../../shared/ws';
import { publish } from '../../shared/broadcaster';
import type { QueueEvents } from '../ports';

/** The room's messages through the shared broadcaster (which never throws). */
export function broadcastQueueEvents(): QueueEvents {
  return {
    async entryAllowed(userId, data) {
      await publish(topics.user(userId), { type: 'queue-entry-allowed', data });
    },
    async roomUpdated(room) {
      await publish(topics.queue(room.eventId), { type: 'queue-updated', data: room });
    },
  };
}
