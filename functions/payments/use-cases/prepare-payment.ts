import { CURRENCY, type PaymentPrepared, SANDBOX_TEST_CARDS } from '../../../shared/booking';
import type { AdmissionGate } from '../../shared/admission/gate';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { PaymentRepository, ProviderName, ReservationForPayment } from '../ports';

export interface PrepareDeps {
  payments: PaymentRepository;
  /** The waiting room's gate: while the event's room is active, only admitted callers start paying. */
  admission: AdmissionGate;
  /** The configured provider for new payments, and its public client key (Toss). */
  provider: { name: ProviderName; clientKey?: string };
  ids: () => string;
}

/** Toss limits orderName to 100 characters. */
const ORDER_NAME_MAX = 100;

export function orderNameOf(r: Pick<ReservationForPayment, 'eventTitle' | 'itemCount'>): string {
  const suffix = ` (${r.itemCount} ${r.itemCount === 1 ? 'ticket' : 'tickets'})`;
  const room = ORDER_NAME_MAX - suffix.length;
  const title = r.eventTitle.length > room ? `${r.eventTitle.slice(0, room - 1)}…` : r.eventTitle;
  return `${title}${suffix}`;
}

/**
 * Starts paying one of the caller's pending reservations: a `ready` payment for its total, with an order id
 * unique to this attempt. Repeating it returns the same ready payment (one live payment per reservation is a
 * unique index, so concurrent prepares agree too); a payment already in flight is a conflict.
 */
export async function preparePayment(
  deps: PrepareDeps,
  input: { reservationId: string; userId: string; admissionToken?: string },
): Promise<PaymentPrepared> {
  const reservation = await deps.payments.reservationForPayment(input.reservationId, input.userId);
  if (!reservation) throw new NotFoundError('NOT_FOUND', 'Reservation not found');
  await deps.admission.require({
    eventId: reservation.eventId,
    userId: input.userId,
    token: input.admissionToken,
  });
  if (!reservation.payable) {
    throw new ConflictError(
      'RESERVATION_NOT_PENDING',
      'This reservation is not waiting for payment (it was paid, cancelled or has expired)',
    );
  }
  // Two rounds: a live payment that fails between our insert and our read frees the slot for a new one.
  for (let round = 0; round < 2; round++) {
    const id = deps.ids();
    const created = await deps.payments.createPayment({
      id,
      reservationId: reservation.id,
      userId: input.userId,
      provider: deps.provider.name,
      orderId: `order-${id}`,
      amount: reservation.total,
      // The key every attempt at this charge sends the provider: one payment, one charge.
      idempotencyKey: id,
    });
    const payment = created ?? (await deps.payments.livePaymentOf(reservation.id));
    if (!payment) continue;
    if (payment.status !== 'ready') {
      throw new ConflictError('CONFLICT', 'A payment for this reservation is already in progress');
    }
    return {
      paymentId: payment.id,
      reservationId: reservation.id,
      orderId: payment.orderId,
      orderName: orderNameOf(reservation),
      amount: payment.amount,
      currency: CURRENCY,
      provider: payment.provider,
      providerData:
        payment.provider === 'sandbox'
          ? { testCards: SANDBOX_TEST_CARDS, paymentKeyFormat: 'sandbox_<card>_<nonce>' }
          : { clientKey: deps.provider.clientKey ?? null },
    };
  }
  throw new ConflictError('CONFLICT', 'The reservation changed while preparing the payment; try again');
}
