import type { WaitingRoomPhase } from './waiting-room-controller';

/**
 * What a page gated by the waiting room shows:
 * - open: the booking UI (no room for this event or user, or admitted);
 * - joining: a short "checking the waiting room" in its place, before the room has answered;
 * - room: the full-screen waiting room over the page (waiting or sold out);
 * - left / failed: a way back into the room.
 */
export type GateView = 'open' | 'joining' | 'room' | 'left' | 'failed';

export function gateView({
  enabled,
  admitted,
  phase,
}: {
  /** The event has a waiting room and the user is signed in. */
  enabled: boolean;
  /** This tab holds a live admission token for the event. */
  admitted: boolean;
  phase: WaitingRoomPhase;
}): GateView {
  if (!enabled || admitted) return 'open';
  switch (phase) {
    // Admitted without a token (the contract always sends one): let the server decide on each call.
    case 'admitted':
      return 'open';
    case 'joining':
      return 'joining';
    case 'waiting':
    case 'sold_out':
      return 'room';
    case 'left':
      return 'left';
    case 'failed':
      return 'failed';
  }
}
