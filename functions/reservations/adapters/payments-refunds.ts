import type { Pool } from 'pg';
import { refundConfirmedReservation } from '../../payments/public';
import type { Refunds } from '../ports';

/** Refunds through the payments context's use case (provider cancel, statuses, inventory, broadcast). */
export function paymentsRefunds(pool: Pool): Refunds {
  return {
    refundConfirmed: (input) => refundConfirmedReservation({ pool }, input),
  };
}
