/** What bench:fanout's parent and its client processes (fanout-clients.ts) say to each other. */

export type ClientKind = 'tiketi' | 'socketio';
export type ParentMessage = { type: 'report' } | { type: 'close' };
export type ChildMessage =
  | { type: 'ready'; connectMs: number; retries: number }
  | { type: 'count'; received: number }
  | { type: 'receipts'; receipts: [client: number, seq: number, atMs: number][] }
  | { type: 'failed'; error: string };

/** Seat ids carry the message's sequence number, so receipts need no lookup table across processes. */
export const seatIdForSeq = (seq: number) => `00000000-0000-4000-8000-${String(seq + 1).padStart(12, '0')}`;
export const seqOfSeatId = (id: string) => Number(id.slice(-12)) - 1;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const now = () => performance.timeOrigin + performance.now();
