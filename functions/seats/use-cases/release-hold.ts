import type { InventoryEvents, Log, ReleaseRepository, ReleaseResult, SeatGuard } from '../ports';

export interface ReleaseHoldInput {
  holdId: string;
  eventId: string;
}

/** What the state machine reads: `done` ends the workflow, otherwise it waits until `nextAt` and asks again. */
export type ReleaseHoldOutput =
  | { done: true; action: 'hold-expired' | 'reservation-expired' | 'none'; seatIds: string[] }
  | { done: false; nextAt: string };

export interface ReleaseDeps {
  releases: ReleaseRepository;
  guard: SeatGuard;
  events: InventoryEvents;
  logger: Log;
}

/**
 * The hold-expiry timer's step (and the backstop sweep's): releases whatever is due for one hold — the hold
 * itself at its deadline, or, once converted, its reservation at the payment deadline — then gives back the
 * Redis guard keys and broadcasts. Idempotent: a second run finds nothing due and answers `done`.
 */
export async function releaseHold(
  deps: ReleaseDeps,
  input: ReleaseHoldInput,
  options: { skipLocked?: boolean } = {},
): Promise<ReleaseResult> {
  const result = await deps.releases.release({ ...input, skipLocked: options.skipLocked });
  if (!result.done || result.action === 'none') return result;
  if (result.userId && result.seatIds.length) {
    await deps.guard.release(input.eventId, result.seatIds, result.userId).catch((error: unknown) => {
      deps.logger.warn('could not give back seat guard keys', { ...input, error: String(error) });
    });
  }
  await deps.events.seatsChanged(
    input.eventId,
    result.seatIds.map((id) => ({ id, status: 'available' as const })),
  );
  if (result.ticketTypes) await deps.events.ticketTypesChanged(input.eventId);
  return result;
}

export function toWorkflowOutput(result: ReleaseResult): ReleaseHoldOutput {
  if (result.done) return { done: true, action: result.action, seatIds: result.seatIds };
  if ('nextAt' in result) return { done: false, nextAt: result.nextAt.toISOString() };
  // Only the sweep asks with SKIP LOCKED; the workflow never sees `skipped`, but look again shortly if it did.
  return { done: false, nextAt: new Date(Date.now() + 5_000).toISOString() };
}
