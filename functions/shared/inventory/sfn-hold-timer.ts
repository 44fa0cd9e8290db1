import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { executionArnOf } from '../../shared/sfn';
import { isTransient } from '../../shared/transient';
import type { HoldTimer, Log } from './ports';

/**
 * Starts one Standard execution of the hold-expiry state machine per hold, named after the hold, so a retried
 * start is idempotent (an execution with that name already exists → it is ours). Throttling and transient
 * faults are retried (3 tries in all, exponential backoff with full jitter); anything else, or the last
 * failure, is logged and answered with null: the backstop sweep releases holds whose timer never started.
 *
 * Quota: StartExecution is throttled per account and Region by a token bucket (300/s refill in the largest
 * Regions, less elsewhere; check Service Quotas for the deployed Region). One execution per hold means one start
 * per new hold — adding seats, converting to a reservation or releasing starts nothing — so a 20,000-seat sell-out
 * in 60 s at ~2.5 seats per hold needs ~8,000 starts, ~135/s, under the refill rate; a burst above it drains the
 * bucket, is retried here, and what still fails is released by the sweep (≤ deadline + 60 s + its interval).
 */

/**
 * Wait timestamps are rounded up to whole seconds: the release then never runs before the deadline, and the
 * timestamp has the plain `YYYY-MM-DDTHH:MM:SSZ` form Step Functions documents.
 */
export function timerTimestamp(at: Date): string {
  const ms = Math.ceil(at.getTime() / 1000) * 1000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function sfnHoldTimer(deps: {
  sfn: () => Promise<Pick<SFNClient, 'send'>>;
  stateMachineArn: string;
  logger: Log;
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}): HoldTimer {
  const attempts = deps.attempts ?? 3;
  const base = deps.baseDelayMs ?? 100;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = deps.random ?? Math.random;
  return {
    async start({ holdId, eventId, expiresAt }) {
      const input = JSON.stringify({ holdId, eventId, expiresAt: timerTimestamp(expiresAt) });
      for (let attempt = 1; ; attempt++) {
        try {
          const sfn = await deps.sfn();
          const out = await sfn.send(
            new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: holdId, input }),
          );
          return out.executionArn ?? executionArnOf(deps.stateMachineArn, holdId);
        } catch (error) {
          const name = (error as { name?: string }).name;
          // A start that succeeded but whose answer was lost, retried: the execution is already ours.
          if (name === 'ExecutionAlreadyExists') return executionArnOf(deps.stateMachineArn, holdId);
          if (attempt >= attempts || !isTransient(error)) {
            deps.logger.error('hold timer not started; the sweep will release this hold', {
              holdId,
              eventId,
              attempt,
              error: String(error),
            });
            return null;
          }
          deps.logger.warn('hold timer start failed, retrying', { holdId, attempt, error: name });
          await sleep(random() * base * 2 ** attempt);
        }
      }
    },
  };
}
