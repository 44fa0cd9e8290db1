/** What bench:onsale's parent and its buyer processes (onsale-buyers.ts) say to each other. */

export const STEPS = ['map', 'lock', 'reserve', 'prepare', 'confirm', 'paid'] as const;
export type Step = (typeof STEPS)[number];

export interface BuyerConfig {
  url: string;
  eventId: string;
  /** Users this process plays, in arrival order. */
  userIds: string[];
  concurrency: number;
  abandonHold: number;
  abandonReservation: number;
  jwt: { privateKeyPem: string; kid: string; issuer: string; audience: string };
  /**
   * bench:onsale --faults: a request that fails on an outage (5xx, connection refused or reset, no answer within
   * requestTimeoutMs) is recorded and retried, after its Retry-After or 1 s, for up to retryForMs.
   */
  faults?: { retryForMs: number; requestTimeoutMs: number };
}

/** One failed request in faults mode, for the parent to attribute to a fault window. */
export interface FailureRecord {
  step: Step | 'layout';
  /** Epoch ms when the request was sent, and how long until it failed. */
  at: number;
  ms: number;
  /** HTTP status, or 0 when there was no answer (then `code` is the socket error: ECONNREFUSED, ETIMEDOUT…). */
  status: number;
  code: string;
  retryAfter: boolean;
}

export interface Outcomes {
  /** Buyers whose payment was approved, and the seats they bought. */
  bought: number;
  seatsBought: number;
  abandonedHold: number;
  abandonedReservation: number;
  /** Buyers who found nothing left to lock. */
  soldOut: number;
  /** Buyers who gave up on an error (retries exhausted, payment not approved…). */
  failed: number;
}

/** Zeroed latencies, error counts and outcomes, filled by a buyer process and summed by the parent. */
export function emptyTally() {
  const outcomes: Outcomes = {
    bought: 0,
    seatsBought: 0,
    abandonedHold: 0,
    abandonedReservation: 0,
    soldOut: 0,
    failed: 0,
  };
  return {
    latencies: Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>,
    errors: {} as Record<string, number>,
    outcomes,
  };
}

export type ParentMessage = { type: 'start'; config: BuyerConfig };
export type ChildMessage =
  | { type: 'progress'; done: number }
  | {
      type: 'report';
      /** Step → latencies in ms. */
      latencies: Record<Step, number[]>;
      /** `step:status:code` → count, for every non-2xx answer. */
      errors: Record<string, number>;
      outcomes: Outcomes;
      /** Faults mode: every failed request, and the reservations whose payment the buyer saw approved. */
      failures?: FailureRecord[];
      approvedReservations?: string[];
    }
  | { type: 'failed'; error: string };
