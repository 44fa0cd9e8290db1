/**
 * The server's clock as seen from this browser. Hold and payment deadlines are server times; a countdown
 * computed against a browser clock that is minutes off would show a hold as expired (or alive) when it is not.
 * The API client feeds every response's `Date` header here; only an offset larger than what the header's
 * 1-second resolution and the round trip can explain is applied, so a synchronised clock is left alone.
 */

let offsetMs = 0;

/** Date.now() on the server's clock. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** The current correction in ms (tests, diagnostics). */
export function serverClockOffset(): number {
  return offsetMs;
}

/**
 * Learns from one response: `dateHeader` was stamped by the server between `sentAt` and `receivedAt`
 * (browser times), at a whole second it rounds down to.
 */
export function observeServerDate(dateHeader: string | null, sentAt: number, receivedAt: number): void {
  if (!dateHeader) return;
  const stamped = Date.parse(dateHeader);
  if (Number.isNaN(stamped) || receivedAt < sentAt) return;
  const estimate = stamped + 500 - (sentAt + receivedAt) / 2;
  // Half the header's resolution plus half the round trip, and a little slack.
  const uncertainty = 500 + (receivedAt - sentAt) / 2 + 250;
  offsetMs = Math.abs(estimate) > uncertainty ? Math.round(estimate) : 0;
}

/** Back to the browser's own clock (tests). */
export function resetServerClock(): void {
  offsetMs = 0;
}
