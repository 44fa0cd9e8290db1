import type { ReleaseDeps } from './release-hold';
import { releaseHold } from './release-hold';

export const SWEEP_GRACE_SECONDS = 60;
export const SWEEP_BATCH = 200;

/**
 * Backstop for timers that never started (StartExecution failed after its retries) or died: releases holds
 * and pending reservations overdue by more than a minute, in batches, with the timer's own use case. Rows
 * another transaction has locked are skipped (the timer or a checkout is on them); a batch that makes no
 * progress ends the run, so the sweep can never spin.
 */
export async function sweepExpired(
  deps: ReleaseDeps,
  options: { graceSeconds?: number; batch?: number; maxBatches?: number; deadline?: () => boolean } = {},
): Promise<{ checked: number; released: number; skipped: number }> {
  const batch = options.batch ?? SWEEP_BATCH;
  const totals = { checked: 0, released: 0, skipped: 0 };
  for (let round = 0; round < (options.maxBatches ?? 10); round++) {
    if (options.deadline?.()) break;
    const due = await deps.releases.overdue(options.graceSeconds ?? SWEEP_GRACE_SECONDS, batch);
    let progress = 0;
    for (const hold of due) {
      totals.checked++;
      try {
        const result = await releaseHold(deps, hold, { skipLocked: true });
        if (result.done) {
          progress++;
          if (result.action !== 'none') totals.released++;
        } else if ('skipped' in result) totals.skipped++;
        else progress++;
      } catch (error) {
        deps.logger.warn('sweep could not release a hold', { ...hold, error: String(error) });
      }
    }
    if (due.length < batch || progress === 0) break;
  }
  return totals;
}
