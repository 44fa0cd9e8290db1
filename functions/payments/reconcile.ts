import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { withLambdaContext } from '../shared/logger';
import { getReconcileDeps, logger } from './deps';
import { reconcilePayments } from './use-cases/reconcile-payments';

/**
 * Scheduled backstop of payments.confirm (every 5 minutes on AWS via EventBridge; the local stack runs it on a
 * timer): a payment left `in_progress` with no saga gets its saga now, or fails with nothing charged.
 */
const config = loadConfig(MANIFEST.reconcilePayments.parts);

async function reconcile() {
  const result = await reconcilePayments(await getReconcileDeps(), {
    olderThanSeconds: config.PAYMENT_RECONCILE_AFTER_SECONDS,
  });
  if (result.checked) logger.info('reconciled stuck payments', { ...result });
  return result;
}
export const handler = withLambdaContext(reconcile);
