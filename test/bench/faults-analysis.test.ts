import { describe, expect, it } from 'vitest';
import { analyseFaults, classify, type FaultRecord } from './faults-analysis';
import type { FailureRecord } from './onsale-protocol';

const t0 = 1_000_000;
const fault = (name: FaultRecord['name'], startS: number, backS: number): FaultRecord => ({
  name,
  label: name,
  startedAt: t0 + startS * 1000,
  backAt: t0 + backS * 1000,
  soldAtStart: 10,
});
const failure = (atS: number, over: Partial<FailureRecord> = {}): FailureRecord => ({
  step: 'lock',
  at: t0 + atS * 1000,
  ms: 50,
  status: 503,
  code: 'DEPENDENCY_UNAVAILABLE',
  retryAfter: true,
  ...over,
});

describe('classify', () => {
  it.each([
    ['503 with Retry-After', failure(0), 'postgres-restart', 'clear-503'],
    ['503 without Retry-After', failure(0, { retryAfter: false }), 'postgres-restart', 'unclear'],
    [
      'a 500',
      failure(0, { status: 500, code: 'INTERNAL', retryAfter: false }),
      'postgres-restart',
      'unclear',
    ],
    [
      'a 504 from the gateway',
      failure(0, { status: 504, ms: 29_000, retryAfter: false }),
      'redis-kill',
      'unclear',
    ],
    [
      'refused while the stack is down',
      failure(0, { status: 0, code: 'ECONNREFUSED' }),
      'stack-kill',
      'stack-down',
    ],
    [
      'refused while only PostgreSQL is down',
      failure(0, { status: 0, code: 'ECONNRESET' }),
      'postgres-restart',
      'unclear',
    ],
    ['no answer in time', failure(0, { status: 0, code: 'ETIMEDOUT', ms: 35_000 }), 'stack-kill', 'hang'],
    ['a 503 only after 31 s', failure(0, { ms: 31_000 }), 'postgres-restart', 'hang'],
  ] as const)('%s → %s', (_, f, during, kind) => {
    expect(classify(f, during)).toBe(kind);
  });
});

describe('analyseFaults', () => {
  const faults = [fault('postgres-restart', 10, 15), fault('stack-kill', 30, 32)];

  it('attributes a failure to the fault in force when it ended, not when it was sent', () => {
    // Sent just before the stack was killed, reset when it died: the stack's, and allowed there.
    const inFlight = failure(29.9, { status: 0, code: 'ECONNRESET', ms: 150 });

    const { perFault } = analyseFaults({
      faults,
      failures: [inFlight],
      lostOrdersAt: [],
      seats: 100,
      started: t0,
    });

    expect(perFault.map((f) => [f.fault, f.requestsFailed, f.unclearAnswers])).toEqual([
      ['postgres-restart', 0, 0],
      ['stack-kill', 1, 0],
    ]);
  });

  it('counts answers per kind, recovery until the last failure ended, and lost orders per window', () => {
    const failures = [
      failure(11),
      failure(12, { status: 500, code: 'INTERNAL', retryAfter: false }),
      failure(16.5, { ms: 500 }),
      failure(31, { status: 0, code: 'ECONNREFUSED', ms: 1 }),
    ];

    const { perFault, beforeFaults } = analyseFaults({
      faults,
      failures,
      lostOrdersAt: [t0 + 12_000],
      seats: 100,
      started: t0,
    });

    expect(beforeFaults).toEqual([]);
    expect(perFault[0]).toMatchObject({
      requestsFailed: 3,
      clear503WithRetryAfter: 2,
      unclearAnswers: 1,
      unclearByKind: { 'lock:500:INTERNAL': 1 },
      downSeconds: 5,
      secondsToRecover: 7,
      ordersLost: 1,
      midSale: true,
    });
    expect(perFault[1]).toMatchObject({
      connectionRefusedOrReset: 1,
      unclearAnswers: 0,
      secondsToRecover: 2,
    });
  });

  it('reports failures before any fault, and a fault after sell-out as not mid-sale', () => {
    const late = { ...fault('redis-kill', 10, 15), soldAtStart: 100 };

    const result = analyseFaults({
      faults: [late],
      failures: [failure(1, { status: 500, code: 'INTERNAL' })],
      lostOrdersAt: [],
      seats: 100,
      started: t0,
    });

    expect(result.beforeFaults).toHaveLength(1);
    expect(result.perFault[0]!.midSale).toBe(false);
  });
});
