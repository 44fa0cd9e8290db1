import { INTEGRATION_TIMEOUT_MS } from '../../infra/local/gateway/rest';
import type { FailureRecord } from './onsale-protocol';

/**
 * How bench:onsale --faults judges what buyers saw: each failed request is attributed to the fault in force when
 * it failed and classified. Pure, so the rules are unit-tested (faults-analysis.test.ts).
 */

export type FaultName = 'redis-kill' | 'postgres-restart' | 'stack-kill';

export interface FaultRecord {
  name: FaultName;
  label: string;
  /** Epoch ms: injected, and the dependency (or stack) ready again. */
  startedAt: number;
  backAt: number;
  soldAtStart: number;
}

/** Failures that mean "the server process is not there", fine only while the stack process is down. */
export const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export type FailureKind = 'clear-503' | 'stack-down' | 'hang' | 'unclear';

/** Hang: no answer past the gateway's integration timeout. Clear: 503 with Retry-After. */
export function classify(f: FailureRecord, during: FaultName | undefined): FailureKind {
  if (f.ms > INTEGRATION_TIMEOUT_MS + 1_000 || f.code === 'ETIMEDOUT') return 'hang';
  if (f.status === 503 && f.retryAfter) return 'clear-503';
  if (during === 'stack-kill' && f.status === 0 && CONNECTION_CODES.has(f.code)) return 'stack-down';
  return 'unclear';
}

/** A request in flight when the stack is killed fails then: a failure counts when it ended, not when sent. */
export const endOf = (f: FailureRecord) => f.at + f.ms;

/** The fault in force at `t` (faults in the order they ran), if any. */
export function faultAt(faults: readonly FaultRecord[], t: number): FaultRecord | undefined {
  return [...faults].reverse().find((x) => t >= x.startedAt);
}

const tenths = (ms: number) => Math.round(ms / 100) / 10;

export function analyseFaults(input: {
  faults: readonly FaultRecord[];
  failures: readonly FailureRecord[];
  /** Creation times (epoch ms) of the orders lost, to tell which fault they fell in. */
  lostOrdersAt: readonly number[];
  seats: number;
  /** Epoch ms the sale started. */
  started: number;
}) {
  const { faults, failures } = input;
  const perFault = faults.map((fault, i) => {
    const windowEnd = faults[i + 1]?.startedAt ?? Number.POSITIVE_INFINITY;
    const inWindow = failures.filter((f) => endOf(f) >= fault.startedAt && endOf(f) < windowEnd);
    const kinds = inWindow.map((f) => classify(f, fault.name));
    const count = (k: FailureKind) => kinds.filter((x) => x === k).length;
    const unclear = inWindow.filter((_, j) => kinds[j] === 'unclear');
    return {
      fault: fault.name,
      label: fault.label,
      startedAtS: tenths(fault.startedAt - input.started),
      soldAtStart: fault.soldAtStart,
      midSale: fault.soldAtStart < input.seats,
      downSeconds: tenths(fault.backAt - fault.startedAt),
      /** From the fault until it is back and the last request it failed has ended: clients served again. */
      secondsToRecover: tenths(Math.max(fault.backAt, ...inWindow.map(endOf)) - fault.startedAt),
      requestsFailed: inWindow.length,
      clear503WithRetryAfter: count('clear-503'),
      connectionRefusedOrReset: count('stack-down'),
      hangs: count('hang'),
      unclearAnswers: unclear.length,
      unclearByKind: countBy(unclear),
      maxFailedRequestMs: Math.max(0, ...inWindow.map((f) => f.ms)),
      ordersLost: input.lostOrdersAt.filter((t) => t >= fault.startedAt && t < windowEnd).length,
    };
  });
  const beforeFaults = failures.filter((f) => endOf(f) < (faults[0]?.startedAt ?? Number.POSITIVE_INFINITY));
  return { perFault, beforeFaults };
}

/** `step:status:code` → count. */
export function countBy(failures: readonly FailureRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of failures) {
    const k = `${f.step}:${f.status}:${f.code}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
