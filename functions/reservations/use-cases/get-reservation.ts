import type { Reservation, ReservationList } from '../../../shared/booking';
import { NotFoundError } from '../../shared/errors';
import type { ReservationRepository, ReservationStatus } from '../ports';

/** One of the caller's reservations. Another user's is indistinguishable from a missing one: 404. */
export async function getReservation(
  reservations: ReservationRepository,
  userId: string,
  id: string,
): Promise<Reservation> {
  const reservation = await reservations.get(id, userId);
  if (!reservation) throw new NotFoundError('NOT_FOUND', 'Reservation not found');
  return reservation;
}

export async function listReservations(
  reservations: ReservationRepository,
  userId: string,
  query: { status?: ReservationStatus; page: number; pageSize: number },
): Promise<ReservationList> {
  const { page, pageSize } = query;
  const { items, total } = await reservations.list(userId, {
    status: query.status,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items, page, pageSize, total, totalPages: Math.ceil(total / pageSize) };
}
