import type { Logger } from '@aws-lambda-powertools/logger';
import type { Redis } from 'ioredis';
import { ForbiddenError, TransientError } from '../errors';
import { roomKeys } from './keys';
import { verifyAdmissionToken } from './token';

/**
 * The waiting room's lock on the purchase routes (seats/lock, reservations, payments/prepare): while an event's
 * room is active, only a caller holding a valid admission token for that event and user, whose admitted session
 * is still open (not left, not expired), gets through; anyone else gets 403 ADMISSION_REQUIRED. Called by the
 * use cases, not only at the edge. One Redis round trip: the room's flag and the caller's session together.
 */
export interface AdmissionGate {
  require(input: { eventId: string; userId: string; token: string | undefined }): Promise<void>;
}

const GATE = `
local active = redis.call('HGET', KEYS[1], 'active')
local session = redis.call('ZSCORE', KEYS[2], ARGV[1])
return {active or '0', session or '-1'}`;

export interface GateDeps {
  redis: () => Promise<Pick<Redis, 'eval'>>;
  secret: () => Promise<string>;
  /**
   * Whether the event has a waiting room at all (PostgreSQL, cached per instance): events without one skip Redis
   * on the hot path.
   */
  hasRoom: (eventId: string) => Promise<boolean>;
  now?: () => number;
  logger: Pick<Logger, 'warn'>;
}

export function admissionGate(deps: GateDeps): AdmissionGate {
  const now = deps.now ?? Date.now;
  const refuse = (why: string) =>
    new ForbiddenError(`The waiting room is active for this event: ${why}`, 'ADMISSION_REQUIRED');

  return {
    async require({ eventId, userId, token }) {
      // Unknown (the settings read failed) counts as having a room: Redis and the token decide.
      const hasRoom = await deps.hasRoom(eventId).catch(() => true);
      if (!hasRoom) return;
      let state: [string, string] | null = null;
      try {
        const k = roomKeys(eventId);
        state = (await (await deps.redis()).eval(GATE, 2, k.state, k.active, userId)) as [string, string];
      } catch (error) {
        deps.logger.warn('admission gate: Redis unavailable, deciding from the token alone', {
          eventId,
          error,
        });
      }
      if (state && state[0] !== '1') return; // the room is quiet: no admission needed
      // Redis down: only the token can speak.
      if (!token) {
        if (!state)
          throw new TransientError('The waiting room cannot be checked right now; try again shortly');
        throw refuse('enter through the waiting room first');
      }
      const claims = verifyAdmissionToken(await deps.secret(), token);
      if (!claims || claims.eventId !== eventId || claims.userId !== userId) {
        throw refuse('this admission token is not valid for this event and user');
      }
      const t = now();
      if (claims.expiresAt.getTime() <= t) throw refuse('your admission has expired; join the queue again');
      if (state && Number(state[1]) <= t)
        throw refuse('your admitted session has ended; join the queue again');
    },
  };
}
