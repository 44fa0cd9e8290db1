import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { withLambdaContext } from '../shared/logger';
import { getReleaseDeps, logger } from './deps';
import { sweepExpired } from './use-cases/sweep-expired';

/**
 * Scheduled backstop of the hold-expiry workflow (every minute on AWS via EventBridge; the local stack runs it
 * on a timer): releases holds and pending reservations whose timer never fired, overdue by more than 60 s.
 */
loadConfig(MANIFEST.sweepExpired.parts);

async function sweep(_event?: unknown, context?: { getRemainingTimeInMillis?: () => number }) {
  const result = await sweepExpired(await getReleaseDeps(), {
    // Leave time to finish the hold in hand before the function times out.
    deadline: () => (context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) < 5_000,
  });
  if (result.checked) logger.info('swept overdue holds', result);
  return result;
}
export const handler = withLambdaContext(sweep);
