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
    }
  | { type: 'failed'; error: string };
