import { describe, expect, it } from 'vitest';
import { countdownAnnouncement, countdownPhase, formatCountdown, remainingMs } from './countdown';

describe('countdown', () => {
  it('formats mm:ss, rounding seconds up', () => {
    expect(formatCountdown(300_000)).toBe('05:00');
    expect(formatCountdown(299_001)).toBe('05:00');
    expect(formatCountdown(299_000)).toBe('04:59');
    expect(formatCountdown(7_200)).toBe('00:08');
    expect(formatCountdown(1)).toBe('00:01');
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(-5_000)).toBe('00:00');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
  });

  it('measures the time left to an ISO deadline', () => {
    const now = Date.parse('2026-03-01T10:00:00.000Z');
    expect(remainingMs('2026-03-01T10:05:00.000Z', now)).toBe(300_000);
    expect(remainingMs('2026-03-01T19:05:00.000+09:00', now)).toBe(300_000);
    expect(remainingMs('2026-03-01T09:59:00.000Z', now)).toBe(0);
    expect(remainingMs('not a date', now)).toBe(0);
  });

  it('warns under a minute', () => {
    expect(countdownPhase(61_000)).toBe('normal');
    expect(countdownPhase(60_000)).toBe('normal');
    expect(countdownPhase(59_999)).toBe('warning');
    expect(countdownPhase(0)).toBe('expired');
  });

  it('announces only at minute boundaries', () => {
    const seen = new Set<string>();
    for (let ms = 300_000; ms >= 0; ms -= 1_000) seen.add(JSON.stringify(countdownAnnouncement(ms)));
    expect([...seen].map((s) => JSON.parse(s))).toEqual([
      { kind: 'minutes', minutes: 5 },
      { kind: 'minutes', minutes: 4 },
      { kind: 'minutes', minutes: 3 },
      { kind: 'minutes', minutes: 2 },
      { kind: 'minutes', minutes: 1 },
      { kind: 'underMinute' },
      { kind: 'expired' },
    ]);
  });
});
