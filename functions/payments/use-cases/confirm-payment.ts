import type { Logger } from '@aws-lambda-powertools/logger';
import type { PaymentStatusResult } from '../../../shared/booking';
import { ConflictError, NotFoundError, TransientError } from '../../shared/errors';
import { PaymentKeyInUseError } from '../errors';
import type { PaymentRepository, SagaInput, SagaStarter } from '../ports';

export interface ConfirmDeps {
  payments: PaymentRepository;
  saga: Pick<SagaStarter, 'start'>;
  logger: Pick<Logger, 'warn'>;
}

export interface ConfirmInput {
  paymentId: string;
  userId: string;
  paymentKey: string;
  testFault: SagaInput['testFault'];
}

/**
 * Confirms a prepared payment: `ready → in_progress` with the paymentKey is one conditional UPDATE, and only
 * the request that wins it starts the saga (named after the payment, so even a second start is refused by Step
 * Functions). Every other confirm with the same key just reports the current status: a duplicate confirm never
 * charges twice. Another paymentKey for a payment already under way is a conflict, and so is a paymentKey that
 * already confirms another payment.
 */
export async function confirmPayment(deps: ConfirmDeps, input: ConfirmInput): Promise<PaymentStatusResult> {
  const payment = await deps.payments.findPayment(input.paymentId);
  if (!payment || payment.userId !== input.userId) throw new NotFoundError('NOT_FOUND', 'Payment not found');

  const started = await deps.payments
    .startConfirm(input.paymentId, input.userId, input.paymentKey)
    .catch((error: unknown) => {
      // Someone else's key (or one already spent): refused before any saga could charge, void or refund by it.
      if (error instanceof PaymentKeyInUseError) {
        throw new ConflictError(
          'PAYMENT_NOT_CONFIRMABLE',
          'This payment key was already used for another payment',
        );
      }
      throw error;
    });
  if (started) {
    try {
      const { executionArn } = await deps.saga.start({
        paymentId: input.paymentId,
        testFault: input.testFault,
      });
      await deps.payments.setExecutionArn(input.paymentId, executionArn).catch((error: unknown) => {
        // Bookkeeping only (the execution is named after the payment anyway).
        deps.logger.warn('execution arn not recorded', { paymentId: input.paymentId, error: String(error) });
      });
    } catch (error) {
      // Nothing was charged: let the buyer try again rather than leave the payment stuck in progress.
      await deps.payments.revertConfirm(input.paymentId, input.paymentKey);
      throw new TransientError('Payments are temporarily unavailable; try again shortly', { cause: error });
    }
  } else {
    const current = await deps.payments.findPayment(input.paymentId);
    if (current?.paymentKey !== input.paymentKey) {
      throw new ConflictError(
        'PAYMENT_NOT_CONFIRMABLE',
        'This payment is already being confirmed with another payment key, or can no longer be confirmed',
      );
    }
  }
  const status = await deps.payments.statusOf(input.paymentId, input.userId);
  if (!status) throw new NotFoundError('NOT_FOUND', 'Payment not found');
  return status;
}
