import type { Logger } from '@aws-lambda-powertools/logger';
import type { PaymentRepository, SagaStarter } from '../ports';

/** A saga settles well within this (provider timeout, retries, compensation); older ones are looked at. */
export const STUCK_AFTER_SECONDS = 300;
export const RECONCILE_BATCH = 100;

export interface ReconcileDeps {
  payments: Pick<PaymentRepository, 'stuckInProgress' | 'failNeverStarted' | 'setExecutionArn'>;
  saga: SagaStarter;
  logger: Pick<Logger, 'warn' | 'error'>;
}

export interface ReconcileResult {
  checked: number;
  /** Sagas started now: the confirm flipped the payment but its saga never started. */
  restarted: number;
  /** Never started and no longer payable: failed, nothing was charged. */
  failed: number;
  /** Sagas still running (slow provider): left alone. */
  running: number;
  /** Sagas that ended without settling the payment (a compensation failed): reported for an operator. */
  stranded: number;
}

/**
 * Scheduled backstop of payments.confirm. The confirm flips a payment `ready → in_progress` and then starts
 * its saga; if the function dies in between (or StartExecution and the revert both fail), the payment would
 * stay in progress forever. Only the saga charges, so a payment with no execution was never charged: while its
 * reservation can still be paid the saga is started now (named after the payment, so never twice), otherwise
 * the payment fails with NOT_STARTED. Executions that ended without settling the payment are logged as errors.
 */
export async function reconcilePayments(
  deps: ReconcileDeps,
  options: { olderThanSeconds?: number; limit?: number } = {},
): Promise<ReconcileResult> {
  const result: ReconcileResult = { checked: 0, restarted: 0, failed: 0, running: 0, stranded: 0 };
  const stuck = await deps.payments.stuckInProgress(
    options.olderThanSeconds ?? STUCK_AFTER_SECONDS,
    options.limit ?? RECONCILE_BATCH,
  );
  for (const { paymentId, payable } of stuck) {
    result.checked++;
    try {
      const execution = await deps.saga.describe(paymentId);
      if (execution === 'running') result.running++;
      else if (execution === 'closed') {
        result.stranded++;
        deps.logger.error('payment saga ended without settling the payment', { paymentId });
      } else if (payable) {
        const { executionArn } = await deps.saga.start({ paymentId, testFault: null });
        await deps.payments.setExecutionArn(paymentId, executionArn);
        result.restarted++;
      } else if (await deps.payments.failNeverStarted(paymentId)) result.failed++;
    } catch (error) {
      // The next run looks again; one payment must not stop the others.
      deps.logger.warn('could not reconcile a payment', { paymentId, error: String(error) });
    }
  }
  return result;
}
