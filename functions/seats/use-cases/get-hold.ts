import type { HoldResponse } from '../../../shared/booking';
import type { HoldRepository } from '../ports';

/** The caller's live hold on an event; another user's hold is never visible (the query is by caller). */
export async function getHold(holds: HoldRepository, userId: string, eventId: string): Promise<HoldResponse> {
  return { hold: await holds.findLive(eventId, userId) };
}
