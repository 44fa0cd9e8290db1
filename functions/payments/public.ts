import type { Pool } from 'pg';
import { refundDeps } from './deps';
import { type RefundReservationInput, refundReservation } from './use-cases/refund-reservation';

/**
 * What other contexts may call of the payments context (functions/architecture.test.ts: nothing else of it is
 * imported from outside).
 */

/**
 * Refunds a confirmed reservation for its owner (provider refund first, then payment, reservation and inventory
 * in one transaction, then the broadcast), on the caller's pool. The errors are the use case's: NotFoundError,
 * ConflictError RESERVATION_NOT_PENDING / CONFLICT, TransientError.
 */
export function refundConfirmedReservation(
  deps: { pool: Pool },
  input: RefundReservationInput,
): Promise<void> {
  return refundReservation(refundDeps(deps.pool), input);
}
