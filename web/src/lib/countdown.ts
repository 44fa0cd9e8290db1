/**
 * Countdowns to a server deadline (a hold's or a reservation's `expiresAt`): the remaining time, its `mm:ss`
 * display, and what to announce to screen readers (only at minute boundaries, so a ticking clock does not
 * talk every second).
 */

/** Milliseconds from `now` until `expiresAt` (never negative); 0 for an unparseable date. */
export function remainingMs(expiresAt: string | number, now: number): number {
  const at = typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, at - now);
}

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * `04:59`, `00:07`, `00:00`; `1:02:03` past an hour. Seconds round up, so `00:00` appears only when the
 * time is really up (a hold showing `00:00` while still alive would look broken).
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** Below this the countdown turns to its warning style. */
export const COUNTDOWN_WARNING_MS = 60_000;

export type CountdownPhase = 'normal' | 'warning' | 'expired';

export function countdownPhase(ms: number, warnBelowMs = COUNTDOWN_WARNING_MS): CountdownPhase {
  if (ms <= 0) return 'expired';
  return ms < warnBelowMs ? 'warning' : 'normal';
}

/**
 * What a polite live region should say. The value only changes at minute boundaries (5 → 4 when 4:59 is
 * reached), then once under a minute, then at expiry: rendering it on every tick announces nothing new.
 */
export type CountdownAnnouncement =
  | { kind: 'minutes'; minutes: number }
  | { kind: 'underMinute' }
  | { kind: 'expired' };

export function countdownAnnouncement(ms: number): CountdownAnnouncement {
  if (ms <= 0) return { kind: 'expired' };
  if (ms < 60_000) return { kind: 'underMinute' };
  return { kind: 'minutes', minutes: Math.floor(ms / 60_000) };
}
