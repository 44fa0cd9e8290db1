import { TooManyRequestsError } from '../../shared/errors';
import type { AuthDeps, ThrottledAction } from '../ports';

/** Spends one unit of the client address's budget for `action`; 429 with Retry-After when it is used up. */
export async function throttleClient(
  deps: Pick<AuthDeps, 'throttle'>,
  action: ThrottledAction,
  sourceIp: string,
): Promise<void> {
  const verdict = await deps.throttle.consume(action, sourceIp);
  if (!verdict.allowed) {
    throw new TooManyRequestsError(
      verdict.retryAfterSeconds,
      'TOO_MANY_REQUESTS',
      'Too many attempts from this network; try again later',
    );
  }
}
