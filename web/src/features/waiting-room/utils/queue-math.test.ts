import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../../test-utils/memory-storage';
import {
  estimateWaitSeconds,
  POLL_MS,
  pollDelay,
  positionFrom,
  progressPercent,
  waitParts,
} from './queue-math';
import { createStartPositionMemory } from './start-position';

const EVENT = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';

describe('queue arithmetic', () => {
  it('computes my place as ticket − serving counter, never below 1 while waiting', () => {
    expect(positionFrom(150, 100)).toBe(50);
    expect(positionFrom(101, 100)).toBe(1);
    expect(positionFrom(100, 100)).toBe(1);
    expect(positionFrom(90, 100)).toBe(1);
  });

  it('estimates the wait from the admission rate, or keeps the last pace before one is measured', () => {
    expect(estimateWaitSeconds(50, 2, null)).toBe(25);
    expect(estimateWaitSeconds(5, 0.3, null)).toBe(17);
    expect(estimateWaitSeconds(40, 0, { places: 80, seconds: 160 })).toBe(80);
    expect(estimateWaitSeconds(40, 0, { places: 80, seconds: null })).toBeNull();
    expect(estimateWaitSeconds(40, 0, null)).toBeNull();
  });

  it('measures progress from the place at join to the front', () => {
    expect(progressPercent(200, 200)).toBe(0);
    expect(progressPercent(200, 150)).toBe(25);
    expect(progressPercent(200, 1)).toBe(99);
    expect(progressPercent(200, 0)).toBe(100);
    expect(progressPercent(200, 250)).toBe(0);
    expect(progressPercent(null, 10)).toBe(0);
  });

  it('says a wait in seconds, minutes and seconds, or hours and minutes', () => {
    expect(waitParts(0)).toEqual({ kind: 'soon' });
    expect(waitParts(42.2)).toEqual({ kind: 'seconds', seconds: 43 });
    expect(waitParts(200)).toEqual({ kind: 'minutes', minutes: 3, seconds: 20 });
    expect(waitParts(3_725)).toEqual({ kind: 'hours', hours: 1, minutes: 2 });
  });

  it('draws every poll delay inside its range', () => {
    for (const mode of Object.keys(POLL_MS) as (keyof typeof POLL_MS)[]) {
      const [min, max] = POLL_MS[mode];
      expect(pollDelay(mode, 0)).toBe(min);
      expect(pollDelay(mode, 0.999_999_9)).toBeLessThan(max);
      expect(pollDelay(mode, 1)).toBeLessThan(max);
      expect(pollDelay(mode, 0.5)).toBe(min + Math.floor((max - min) / 2));
    }
    // The socket-down fallback is "every few seconds", the heartbeat well inside the server's 60 s grace.
    expect(POLL_MS.fallback).toEqual([3_000, 5_000]);
    expect(POLL_MS.heartbeat[1]).toBeLessThanOrEqual(20_000);
    expect(POLL_MS.soldOut[1]).toBeLessThan(60_000);
  });
});

describe('start position memory', () => {
  it('keeps where I entered across a reload for the same ticket, and starts over for a new one', () => {
    // Prepare
    const storage = memoryStorage();
    const first = createStartPositionMemory(storage);
    expect(first.startFor(EVENT, 500, 300)).toBe(300);

    // Act: reload, same ticket, further ahead now
    const reloaded = createStartPositionMemory(storage);
    const kept = reloaded.startFor(EVENT, 500, 120);
    const newTicket = reloaded.startFor(EVENT, 900, 400);

    // Assess
    expect(kept).toBe(300);
    expect(newTicket).toBe(400);
    reloaded.forget(EVENT);
    expect(createStartPositionMemory(storage).startFor(EVENT, 900, 350)).toBe(350);
  });
});
