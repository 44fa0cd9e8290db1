import type { Reservation } from '../../../shared/booking';
import type { InventoryEvents, Log, SeatGuard } from '../../seats/ports';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { Refunds, ReservationRepository } from '../ports';

/**
 * Cancels one of the caller's reservations: a pending one is cancelled and its seats / tickets go back on sale
 * in one transaction; a confirmed one is refunded by the payments context (provider cancel, then the same
 * release). Anything already over (cancelled, expired, refunded) is 409 RESERVATION_NOT_PENDING; another
 * user's reservation is 404, like a missing one. The hold's timer, if still waiting, then finds nothing due.
 */
export async function cancelReservation(
  deps: {
    reservations: ReservationRepository;
    refunds: Refunds;
    guard: SeatGuard;
    events: InventoryEvents;
    logger: Log;
  },
  userId: string,
  id: string,
): Promise<Reservation> {
  const outcome = await deps.reservations.cancelPending(id, userId);
  switch (outcome.kind) {
    case 'not-found':
      throw new NotFoundError('NOT_FOUND', 'Reservation not found');
    case 'not-pending':
      throw new ConflictError('RESERVATION_NOT_PENDING', `This reservation is already ${outcome.status}`, {
        status: outcome.status,
      });
    case 'confirmed':
      await deps.refunds.refundConfirmed({ reservationId: id, userId, reason: 'Cancelled by the buyer' });
      break;
    case 'cancelled':
      await deps.guard.release(outcome.eventId, outcome.seatIds, userId).catch((error: unknown) => {
        deps.logger.warn('could not give back seat guard keys', { id, error: String(error) });
      });
      await deps.events.seatsChanged(
        outcome.eventId,
        outcome.seatIds.map((seatId) => ({ id: seatId, status: 'available' as const })),
      );
      if (outcome.ticketTypes) await deps.events.ticketTypesChanged(outcome.eventId);
      break;
  }
  const reservation = await deps.reservations.get(id, userId);
  if (!reservation) throw new NotFoundError('NOT_FOUND', 'Reservation not found');
  return reservation;
}
