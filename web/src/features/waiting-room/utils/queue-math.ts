/**
 * The waiting room's arithmetic: a place from the room's serving counter, the wait estimate, the progress
 * bar, the ETA's display parts and the polling schedule (with jitter, so thousands of waiting tabs do not
 * call the API in lockstep).
 */

/** My place from the shared room state: `ticket − servingCounter`, never below 1 while waiting. */
export function positionFrom(ticket: number, servingCounter: number): number {
  return Math.max(1, ticket - servingCounter);
}

/**
 * Seconds until admission with `places` still to go (those ahead of me, and mine: the server's
 * `aheadOfYou + 1`) at `admissionRate` places per second. Before the room has measured a rate (0), the last
 * estimate's pace (from the server, which uses the configured rate) is kept. Null when neither is known.
 */
export function estimateWaitSeconds(
  places: number,
  admissionRate: number,
  previous: { places: number; seconds: number | null } | null,
): number | null {
  if (admissionRate > 0) return Math.ceil(places / admissionRate);
  if (previous && previous.seconds !== null && previous.places > 0) {
    return Math.ceil((previous.seconds / previous.places) * places);
  }
  return null;
}

/** Progress (0–100, whole) from the place at join (`start`) to the front; 0 without a start. */
export function progressPercent(start: number | null, position: number): number {
  if (start === null || start <= 0) return 0;
  const done = (start - Math.min(start, Math.max(0, position))) / start;
  return Math.max(0, Math.min(100, Math.floor(done * 100)));
}

export type WaitParts =
  | { kind: 'soon' }
  | { kind: 'seconds'; seconds: number }
  | { kind: 'minutes'; minutes: number; seconds: number }
  | { kind: 'hours'; hours: number; minutes: number };

/** How to say an ETA: seconds under a minute, minutes and seconds under an hour, then hours and minutes. */
export function waitParts(totalSeconds: number): WaitParts {
  const total = Math.max(0, Math.ceil(totalSeconds));
  if (total === 0) return { kind: 'soon' };
  if (total < 60) return { kind: 'seconds', seconds: total };
  if (total < 3600) return { kind: 'minutes', minutes: Math.floor(total / 60), seconds: total % 60 };
  return { kind: 'hours', hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60) };
}

/**
 * Polling intervals, as [min, max) ranges a random point is drawn from.
 * - heartbeat: the socket is up and pushes the room; `queue.status` still runs as the heartbeat the server
 *   needs (a waiting user silent for 60 s loses the place).
 * - fallback: the socket is down; polling is the only source of updates.
 * - soldOut: nothing moves until inventory comes back; check slowly (still well inside the 60 s grace).
 * - soon: the room said something changed for me (my turn, sold out, back on sale): check shortly, spread
 *   out so every tab that got the same broadcast does not ask at the same instant.
 */
export const POLL_MS = {
  heartbeat: [12_000, 18_000],
  fallback: [3_000, 5_000],
  soldOut: [20_000, 30_000],
  soon: [0, 2_000],
} as const satisfies Record<string, readonly [number, number]>;

export type PollMode = keyof typeof POLL_MS;

/** A delay in the mode's range; `random` in [0, 1) like Math.random. */
export function pollDelay(mode: PollMode, random: number): number {
  const [min, max] = POLL_MS[mode];
  return min + Math.floor(Math.min(Math.max(random, 0), 0.999_999) * (max - min));
}
