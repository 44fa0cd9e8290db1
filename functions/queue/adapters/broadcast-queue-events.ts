import { topics } from '../../../shared/ws';
import { publish, publishEach } from '../../shared/broadcaster';
import type { QueueEvents } from '../ports';

/** The room's messages through the shared broadcaster (which never throws). */
export function broadcastQueueEvents(): QueueEvents {
  return {
    async entryAllowed(admitted) {
      // Handed to the fan-out workers in batches: the tick does not wait for a subscribers query per user.
      await publishEach(
        admitted.map(({ userId, data }) => ({
          topic: topics.user(userId),
          message: { type: 'queue-entry-allowed' as const, data },
        })),
      );
    },
    async roomUpdated(room) {
      await publish(topics.queue(room.eventId), { type: 'queue-updated', data: room });
    },
  };
}
