import { afterEach, describe, expect, it } from 'vitest';
import { observeServerDate, resetServerClock, serverClockOffset, serverNow } from './server-clock';

afterEach(resetServerClock);

const httpDate = (ms: number) => new Date(ms).toUTCString();

describe('server clock', () => {
  it('follows a server five minutes ahead of the browser', () => {
    // Prepare: a 100 ms round trip; the server stamped its Date five minutes after the browser's send time.
    const sentAt = Date.now();
    const server = sentAt + 5 * 60_000 + 50;
    // Act
    observeServerDate(httpDate(server), sentAt, sentAt + 100);
    // Assess: within the header's one-second resolution.
    expect(Math.abs(serverClockOffset() - 5 * 60_000)).toBeLessThanOrEqual(1_000);
    expect(Math.abs(serverNow() - (Date.now() + 5 * 60_000))).toBeLessThanOrEqual(1_000);
  });

  it('leaves a synchronised clock alone (differences the resolution explains)', () => {
    const sentAt = Date.now();
    observeServerDate(httpDate(sentAt + 300), sentAt, sentAt + 40);
    expect(serverClockOffset()).toBe(0);
  });

  it('goes back to zero once the browser clock is corrected, and ignores unusable headers', () => {
    const sentAt = Date.now();
    observeServerDate(httpDate(sentAt - 120_000), sentAt, sentAt + 20);
    expect(serverClockOffset()).toBeLessThan(-100_000);
    observeServerDate('not a date', sentAt, sentAt + 20);
    observeServerDate(null, sentAt, sentAt + 20);
    expect(serverClockOffset()).toBeLessThan(-100_000);
    observeServerDate(httpDate(sentAt), sentAt, sentAt + 20);
    expect(serverClockOffset()).toBe(0);
  });
});
