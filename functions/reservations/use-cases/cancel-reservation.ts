import type { Reservation } from '../../../shared/booking';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { InventoryEvents, Log, SeatGuard } from '../../shared/inventory/ports';
import type { Refunds, ReservationRepository } from '../ports';

/**
 * The moment a buyer's cancellation of a paid order closes: the event's cancellation deadline (default, when
 * unset: the event's start), and never later than the start whatever the deadline says.
 */
export function cancellationClosesAt(event: { startsAt: Date; cancellationDeadline: Date | null }): Date {
  const start = event.startsAt.getTime();
  return new Date(Math.min(event.cancellationDeadline?.getTime() ?? start, start));
}

/**
 * Cancels one of the caller's reservations: a pending one is cancelled and its seats / tickets go back on sale
 * in one transaction; a confirmed one is refunded by the payments context (provider cancel, then the same
 * release) while the event's cancellation policy allows it, else 409 CANCELLATION_CLOSED and nothing changes.
 * Anything already over (cancelled, expired, refunded) is 409 RESERVATION_NOT_PENDING; another user's
 * reservation is 404, like a missing one. The hold's timer, if still waiting, then finds nothing due.
 */
export async function cancelReservation(
  deps: {
    reservations: ReservationRepository;
    refunds: Refunds;
    guard: SeatGuard;
    events: InventoryEvents;
    logger: Log;
    now?: () => Date;
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
    case 'confirmed': {
      const closesAt = cancellationClosesAt(outcome);
      if ((deps.now?.() ?? new Date()) >= closesAt) {
        throw new ConflictError(
          'CANCELLATION_CLOSED',
          'Cancellations for this event have closed; this reservation can no longer be cancelled or refunded',
          { cancellableUntil: closesAt.toISOString() },
        );
      }
      await deps.refunds.refundConfirmed({ reservationId: id, userId, reason: 'Cancelled by the buyer' });
      break;
    }
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
