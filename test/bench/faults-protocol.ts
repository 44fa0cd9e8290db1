/** What bench:onsale --faults (faults.ts) and its stack process (faults-stack.ts) say to each other. */

export interface FaultsStackConfig {
  dataDir: string;
  /** The gateway's port, the same across restarts so buyers reconnect. */
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Migrations and seed: the first start only. */
  migrate: boolean;
  holdSweepIntervalMs: number;
  paymentReconcileIntervalMs: number;
}

export type FaultsStackMessage =
  | { type: 'ready'; url: string; databaseUrl: string; env: Record<string, string> }
  | { type: 'handler-error'; where: string; message: string }
  | { type: 'failed'; error: string };
