import type { Pool, PoolClient } from 'pg';
import type { PaymentStatus, PaymentStatusResult } from '../../../shared/booking';
import { inTransaction } from '../../shared/db';
import { PaymentKeyInUseError, ReservationNotPayableError } from '../errors';
import type {
  ChargeResult,
  Failure,
  InventoryChange,
  PaymentRecord,
  PaymentRepository,
  ProviderName,
  ReservationForPayment,
} from '../ports';

/**
 * Payments in PostgreSQL. Every transition is a conditional UPDATE (`WHERE status = …`) whose row count decides
 * what happens next, so a saga step that runs twice, or two requests racing, change things once. Locks are
 * taken in one order everywhere — payment, reservation, seats, ticket types — so transitions never deadlock
 * each other.
 *
 * Who releases a reservation's inventory: whoever moves the reservation out of `pending_payment` (here, the
 * reservation expiry, or the user's cancel), in the same transaction. GA quantities (`ticket_types.sold`, which
 * counts pending and confirmed tickets) are given back only by that transition, so exactly once.
 */

interface PaymentRow {
  id: string;
  reservation_id: string;
  user_id: string;
  provider: ProviderName;
  order_id: string;
  amount: number;
  status: PaymentStatus;
  payment_key: string | null;
  idempotency_key: string;
  failure_code: string | null;
  failure_message: string | null;
}

const PAYMENT_COLUMNS = `id, reservation_id, user_id, provider, order_id, amount, status, payment_key,
  idempotency_key, failure_code, failure_message`;

const toPayment = (r: PaymentRow): PaymentRecord => ({
  id: r.id,
  reservationId: r.reservation_id,
  userId: r.user_id,
  provider: r.provider,
  orderId: r.order_id,
  amount: r.amount,
  status: r.status,
  paymentKey: r.payment_key,
  idempotencyKey: r.idempotency_key,
  failureCode: r.failure_code,
  failureMessage: r.failure_message,
});

type Db = Pick<PoolClient, 'query'>;

/**
 * A reservation that left `pending_payment` without being confirmed: move it (if still pending) to cancelled,
 * or expired when past its deadline; free its seats that are still `reserved`; give GA quantities back only when
 * this call made the transition. Returns what changed, or null for a confirmed/refunded reservation.
 */
async function releaseReservation(db: Db, reservationId: string): Promise<InventoryChange | null> {
  const moved = await db.query<{ event_id: string }>(
    `UPDATE reservations
        SET status = CASE WHEN expires_at <= now() THEN 'expired' ELSE 'cancelled' END, updated_at = now()
      WHERE id = $1 AND status = 'pending_payment'
      RETURNING event_id`,
    [reservationId],
  );
  const current = await db.query<{ event_id: string; status: string }>(
    'SELECT event_id, status FROM reservations WHERE id = $1',
    [reservationId],
  );
  const reservation = current.rows[0];
  if (!reservation || reservation.status === 'confirmed' || reservation.status === 'refunded') return null;
  // Seats still `reserved` for a reservation that is over belong to nobody: free them whoever moved it.
  const seats = await db.query<{ id: string }>(
    `UPDATE seats SET status = 'available', reservation_id = NULL, version = version + 1, updated_at = now()
      WHERE reservation_id = $1 AND status = 'reserved'
      RETURNING id`,
    [reservationId],
  );
  let gaReleased = 0;
  if (moved.rowCount) {
    const ga = await db.query(
      `UPDATE ticket_types tt SET sold = tt.sold - ri.quantity
         FROM reservation_items ri
        WHERE ri.reservation_id = $1 AND ri.ticket_type_id = tt.id`,
      [reservationId],
    );
    gaReleased = ga.rowCount ?? 0;
  }
  return {
    eventId: reservation.event_id,
    seats: seats.rows.map((s) => ({ id: s.id, status: 'available' as const })),
    ticketTypes: gaReleased > 0 || seats.rows.length > 0,
  };
}

/** Why a refunded payment was refunded, derived from where its reservation stands. */
function refundReason(
  reservation: { status: string; lapsed: boolean } | undefined,
  fallback: Failure,
): Failure {
  if (
    reservation?.status === 'expired' ||
    (reservation?.status === 'pending_payment' && reservation.lapsed)
  ) {
    return {
      code: 'RESERVATION_EXPIRED',
      message: 'The reservation expired before the payment arrived; the payment was refunded.',
    };
  }
  if (reservation?.status === 'cancelled') {
    return {
      code: 'RESERVATION_CANCELLED',
      message: 'The reservation was cancelled before the payment arrived; the payment was refunded.',
    };
  }
  return fallback;
}

export function pgPaymentRepository(pool: Pool): PaymentRepository {
  const selectPayment = async (db: Db, id: string, lock = false) => {
    const { rows } = await db.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toPayment(rows[0]) : null;
  };

  return {
    async reservationForPayment(reservationId, userId) {
      const { rows } = await pool.query<{
        id: string;
        event_id: string;
        title: string;
        status: ReservationForPayment['status'];
        total: number;
        payable: boolean;
        item_count: number;
      }>(
        `SELECT r.id, r.event_id, e.title, r.status, r.total,
                (r.status = 'pending_payment' AND r.expires_at > now()) AS payable,
                (SELECT coalesce(sum(ri.quantity), 0)::int FROM reservation_items ri
                  WHERE ri.reservation_id = r.id) AS item_count
           FROM reservations r JOIN events e ON e.id = r.event_id
          WHERE r.id = $1 AND r.user_id = $2`,
        [reservationId, userId],
      );
      const r = rows[0];
      if (!r) return null;
      return {
        id: r.id,
        eventId: r.event_id,
        eventTitle: r.title,
        status: r.status,
        total: r.total,
        payable: r.payable,
        itemCount: r.item_count,
      };
    },

    async createPayment(p) {
      const { rows } = await pool.query<PaymentRow>(
        `INSERT INTO payments (id, reservation_id, user_id, provider, order_id, amount, currency, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, 'KRW', $7)
         ON CONFLICT (reservation_id) WHERE status IN ('ready', 'in_progress', 'approved') DO NOTHING
         RETURNING ${PAYMENT_COLUMNS}`,
        [p.id, p.reservationId, p.userId, p.provider, p.orderId, p.amount, p.idempotencyKey],
      );
      return rows[0] ? toPayment(rows[0]) : null;
    },

    async livePaymentOf(reservationId) {
      const { rows } = await pool.query<PaymentRow>(
        `SELECT ${PAYMENT_COLUMNS} FROM payments
          WHERE reservation_id = $1 AND status IN ('ready', 'in_progress', 'approved')`,
        [reservationId],
      );
      return rows[0] ? toPayment(rows[0]) : null;
    },

    findPayment: (paymentId) => selectPayment(pool, paymentId),

    async startConfirm(paymentId, userId, paymentKey) {
      try {
        const result = await pool.query(
          `UPDATE payments SET status = 'in_progress', payment_key = $3, updated_at = now()
            WHERE id = $1 AND user_id = $2 AND status = 'ready'`,
          [paymentId, userId, paymentKey],
        );
        return result.rowCount === 1;
      } catch (error) {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code === '23505' && constraint === 'payments_payment_key_held') {
          throw new PaymentKeyInUseError('the paymentKey confirms another payment', { cause: error });
        }
        throw error;
      }
    },

    async revertConfirm(paymentId, paymentKey) {
      await pool.query(
        `UPDATE payments SET status = 'ready', payment_key = NULL, updated_at = now()
          WHERE id = $1 AND status = 'in_progress' AND payment_key = $2`,
        [paymentId, paymentKey],
      );
    },

    async stuckInProgress(olderThanSeconds, limit) {
      const { rows } = await pool.query<{ id: string; payable: boolean }>(
        `SELECT p.id, (r.status = 'pending_payment' AND r.expires_at > now()) AS payable
           FROM payments p JOIN reservations r ON r.id = p.reservation_id
          WHERE p.status = 'in_progress' AND p.updated_at < now() - make_interval(secs => $1)
          ORDER BY p.updated_at LIMIT $2`,
        [olderThanSeconds, limit],
      );
      return rows.map((r) => ({ paymentId: r.id, payable: r.payable }));
    },

    async failNeverStarted(paymentId) {
      const result = await pool.query(
        `UPDATE payments SET status = 'failed', failure_code = 'NOT_STARTED',
                failure_message = 'The payment could not be started in time; nothing was charged.',
                updated_at = now()
          WHERE id = $1 AND status = 'in_progress'`,
        [paymentId],
      );
      return result.rowCount === 1;
    },

    async setExecutionArn(paymentId, executionArn) {
      await pool.query('UPDATE payments SET execution_arn = $2 WHERE id = $1', [paymentId, executionArn]);
    },

    async statusOf(paymentId, userId) {
      const { rows } = await pool.query<{
        id: string;
        reservation_id: string;
        status: PaymentStatus;
        reservation_status: PaymentStatusResult['reservationStatus'];
        amount: number;
        failure_code: string | null;
        failure_message: string | null;
        updated_at: Date;
      }>(
        `SELECT p.id, p.reservation_id, p.status, r.status AS reservation_status, p.amount, p.failure_code,
                p.failure_message, greatest(p.updated_at, r.updated_at) AS updated_at
           FROM payments p JOIN reservations r ON r.id = p.reservation_id
          WHERE p.id = $1 AND p.user_id = $2`,
        [paymentId, userId],
      );
      const r = rows[0];
      if (!r) return null;
      return {
        paymentId: r.id,
        reservationId: r.reservation_id,
        status: r.status,
        reservationStatus: r.reservation_status,
        amount: r.amount,
        failureCode: r.failure_code,
        failureMessage: r.failure_message,
        updatedAt: r.updated_at.toISOString(),
      };
    },

    async beginCharge(paymentId) {
      // `ready` with a key: the confirm request gave up on StartExecution, but the execution did start.
      await pool.query(
        `UPDATE payments SET status = 'in_progress', updated_at = now()
          WHERE id = $1 AND status = 'ready' AND payment_key IS NOT NULL`,
        [paymentId],
      );
      return selectPayment(pool, paymentId);
    },

    async recordCharge(paymentId, result: ChargeResult) {
      await pool.query(
        `UPDATE payments SET provider_response = $2, updated_at = now() WHERE id = $1 AND status = 'in_progress'`,
        [
          paymentId,
          JSON.stringify({
            providerRef: result.providerRef,
            approvedAt: result.approvedAt,
            ...result.details,
          }),
        ],
      );
    },

    async recordDecline(paymentId, failure) {
      await pool.query(
        `UPDATE payments SET failure_code = $2, failure_message = $3, updated_at = now()
          WHERE id = $1 AND status = 'in_progress'`,
        [paymentId, failure.code, failure.message.slice(0, 500)],
      );
    },

    async confirmReservation(paymentId, beforeConfirm) {
      // One round trip for the whole transaction (migration 1732000000700).
      try {
        const { rows } = await pool.query<{
          r: { eventId: string; seatIds: string[]; ticketTypes: boolean };
        }>('SELECT tiketi_confirm_reservation($1, $2) AS r', [paymentId, beforeConfirm !== undefined]);
        const r = rows[0]!.r;
        return {
          eventId: r.eventId,
          seats: r.seatIds.map((id) => ({ id, status: 'sold' as const })),
          ticketTypes: r.ticketTypes,
        };
      } catch (error) {
        const { code, detail } = error as { code?: string; detail?: string };
        if (code === 'TKFLT') beforeConfirm?.();
        if (code === 'TK402') throw new ReservationNotPayableError(detail ?? 'not payable', { cause: error });
        throw error;
      }
    },

    async soldInventory(paymentId) {
      const payment = await selectPayment(pool, paymentId);
      if (payment?.status !== 'approved') return null;
      return soldBy(pool, payment.reservationId);
    },

    settleFailed(paymentId, failure) {
      return inTransaction(pool, async (db) => {
        const payment = await selectPayment(db, paymentId, true);
        if (!payment) return null;
        await db.query(
          `UPDATE payments
              SET status = 'failed', failure_code = coalesce(failure_code, $2),
                  failure_message = coalesce(failure_message, $3), updated_at = now()
            WHERE id = $1 AND status IN ('ready', 'in_progress')`,
          [paymentId, failure.code, failure.message],
        );
        return releaseReservation(db, payment.reservationId);
      });
    },

    settleRefunded(paymentId, fallback) {
      return inTransaction(pool, async (db) => {
        const payment = await selectPayment(db, paymentId, true);
        if (!payment) return null;
        const reservation = await db.query<{ status: string; lapsed: boolean }>(
          'SELECT status, expires_at <= now() AS lapsed FROM reservations WHERE id = $1 FOR UPDATE',
          [payment.reservationId],
        );
        const reason = refundReason(reservation.rows[0], fallback);
        await db.query(
          `UPDATE payments
              SET status = 'refunded', refunded_at = now(), failure_code = $2, failure_message = $3,
                  updated_at = now()
            WHERE id = $1 AND status = 'in_progress'`,
          [paymentId, reason.code, reason.message],
        );
        return releaseReservation(db, payment.reservationId);
      });
    },

    async confirmedReservationOf(reservationId, userId) {
      const reservation = await pool.query<{ status: ReservationForPayment['status'] }>(
        'SELECT status FROM reservations WHERE id = $1 AND user_id = $2',
        [reservationId, userId],
      );
      const r = reservation.rows[0];
      if (!r) return null;
      const payment = await pool.query<PaymentRow>(
        `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE reservation_id = $1 AND status = 'approved'`,
        [reservationId],
      );
      return { status: r.status, payment: payment.rows[0] ? toPayment(payment.rows[0]) : null };
    },

    refundConfirmed(reservationId, paymentId, reason) {
      return inTransaction(pool, async (db) => {
        if (paymentId) await selectPayment(db, paymentId, true);
        const moved = await db.query<{ event_id: string }>(
          `UPDATE reservations SET status = 'refunded', updated_at = now()
            WHERE id = $1 AND status = 'confirmed'
            RETURNING event_id`,
          [reservationId],
        );
        const eventId = moved.rows[0]?.event_id;
        // Someone else refunded it meanwhile (a concurrent cancel): their transaction did the rest.
        if (!eventId) return null;
        if (paymentId) {
          await db.query(
            `UPDATE payments
                SET status = 'refunded', refunded_at = now(), failure_code = 'RESERVATION_CANCELLED',
                    failure_message = $2, updated_at = now()
              WHERE id = $1 AND status = 'approved'`,
            [paymentId, reason.slice(0, 500)],
          );
        }
        const seats = await db.query<{ id: string }>(
          `UPDATE seats SET status = 'available', reservation_id = NULL, version = version + 1, updated_at = now()
            WHERE reservation_id = $1 AND status = 'sold'
            RETURNING id`,
          [reservationId],
        );
        const ga = await db.query(
          `UPDATE ticket_types tt SET sold = tt.sold - ri.quantity
             FROM reservation_items ri
            WHERE ri.reservation_id = $1 AND ri.ticket_type_id = tt.id`,
          [reservationId],
        );
        return {
          eventId,
          seats: seats.rows.map((s) => ({ id: s.id, status: 'available' as const })),
          ticketTypes: (ga.rowCount ?? 0) > 0 || seats.rows.length > 0,
        };
      });
    },
  };
}

/** The seats and GA lines a confirmed reservation holds, as a `sold` inventory change. */
async function soldBy(db: Db, reservationId: string): Promise<InventoryChange> {
  const { rows } = await db.query<{ event_id: string; seat_ids: string[] | null; ga: number }>(
    `SELECT r.event_id,
            (SELECT array_agg(s.id) FROM seats s WHERE s.reservation_id = r.id AND s.status = 'sold') AS seat_ids,
            (SELECT count(*)::int FROM reservation_items ri
              WHERE ri.reservation_id = r.id AND ri.ticket_type_id IS NOT NULL) AS ga
       FROM reservations r WHERE r.id = $1`,
    [reservationId],
  );
  const r = rows[0];
  if (!r) throw new ReservationNotPayableError(`reservation ${reservationId} does not exist`);
  return {
    eventId: r.event_id,
    seats: (r.seat_ids ?? []).map((id) => ({ id, status: 'sold' as const })),
    ticketTypes: r.ga > 0,
  };
}
