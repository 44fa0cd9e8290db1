import type { PaymentStatusResult } from '../../../shared/booking';
import { NotFoundError } from '../../shared/errors';
import type { PaymentRepository } from '../ports';

/** The caller's payment and its reservation's status; another user's payment is 404, not 403. */
export async function getPaymentStatus(
  deps: { payments: PaymentRepository },
  input: { paymentId: string; userId: string },
): Promise<PaymentStatusResult> {
  const status = await deps.payments.statusOf(input.paymentId, input.userId);
  if (!status) throw new NotFoundError('NOT_FOUND', 'Payment not found');
  return status;
}
