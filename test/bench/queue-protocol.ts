/** What bench:queue's parent and its user processes (queue-users.ts) say to each other. */

/**
 * join: phase 1's joins; status: heartbeats (and the status check after a rejoin); turn: the status check of
 * a relayed turn; leave: every leave (after admission, or while waiting); rejoin: the sample's second join.
 */
export const STEPS = ['join', 'status', 'turn', 'leave', 'rejoin'] as const;
export type Step = (typeof STEPS)[number];

export interface UsersConfig {
  url: string;
  eventId: string;
  /** Users this process plays, in arrival order (the parent's global index of the first is `offset`). */
  userIds: string[];
  /** Requests in flight from this process. */
  concurrency: number;
  /** Mean period of a waiting user's heartbeat (`GET /status`). */
  pollMs: number;
  /** The room's session length: an admission's session end minus this is the tick that admitted. */
  sessionMs: number;
  /** Fraction of users who give up their place (`POST /leave`) while waiting. */
  leaveFraction: number;
  /** How many of this process's waiting users join again while waiting (same ticket expected). */
  rejoinSample: number;
  /** An admitted user shops for U(0, shopMs) before leaving. */
  shopMs: number;
  /** A leaver leaves only while its position is beyond this (no admission can race the leave). */
  leaveMargin: number;
  jwt: { privateKeyPem: string; kid: string; issuer: string; audience: string; ttlSeconds: number };
}

/** How a join answered. */
export const JOIN = { none: 0, admitted: 1, waiting: 2, soldOut: 3 } as const;
/** Whether and how a user left. */
export const LEFT = { no: 0, whileWaiting: 1, afterAdmission: 2 } as const;
/** The rejoin check of a sampled user. */
export const REJOIN = {
  notSampled: 0,
  sameTicket: 1,
  differentTicket: 2,
  statusDisagrees: 3,
  /** Admitted before its rejoin ran (not a test). */
  admittedFirst: 4,
  failed: 5,
} as const;
/** What the status answer said to a user the observer saw admitted. */
export const CONFIRM = { no: 0, admitted: 1, notAdmitted: 2, otherSession: 3 } as const;

/**
 * One column per fact, one entry per user of the process (Float64Array: structured-cloned over IPC). Times
 * are epoch ms from Date.now(), the clock the handlers stamp Redis with (same machine); -1 = never.
 */
export const COLUMNS = [
  'ticket',
  'joinKind',
  'joinToken',
  'joinSentAt',
  'joinRecvAt',
  /**
   * Send time of the last answer that said `waiting` (join included): the server's `seen` is at or after it.
   */
  'lastWaitSentAt',
  /** Session end in the first answer (join or status) that said admitted. */
  'answerSessionEnd',
  /** Session end the parent's observer relayed (from the `active` ZSET). */
  'relayedSessionEnd',
  'confirm',
  'leftKind',
  'leftSentAt',
  'leftRecvAt',
  /** The leave answered `left: true`. */
  'leftOk',
  /** Receipt of a 404 NOT_IN_QUEUE to a waiting user (its place lapsed). */
  'lostAt',
  /** 1: meant to leave while waiting. */
  'leaver',
  'rejoin',
  /** Waiting answers whose ticket differed from the join's. */
  'ticketMismatch',
  /** Heartbeats sent. */
  'beats',
  /** Longest gap between two heartbeat sends while waiting (join included). */
  'maxBeatGapMs',
] as const;
export type Column = (typeof COLUMNS)[number];
export type Records = Record<Column, Float64Array>;

export function emptyRecords(n: number): Records {
  const r = {} as Records;
  for (const c of COLUMNS) r[c] = new Float64Array(n).fill(-1);
  for (const c of [
    'joinKind',
    'joinToken',
    'confirm',
    'leftKind',
    'leftOk',
    'leaver',
    'rejoin',
    'ticketMismatch',
    'beats',
    'maxBeatGapMs',
  ] as const)
    r[c].fill(0);
  return r;
}

export type ParentMessage =
  | { type: 'start'; config: UsersConfig }
  /** Phase 1: every user joins. */
  | { type: 'join' }
  /** Phase 2: those admitted at once go shopping and leave; the queue moves. */
  | { type: 'release' }
  /** The observer saw these users (local indices) enter `active`, with their session ends. */
  | { type: 'admitted'; users: [number, number][] }
  /** Stop now (--max-seconds) and report what there is. */
  | { type: 'finish' };

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; joined: number; done: number; backlog: number }
  /** Every user of the process has a join answer (or gave up after retries). */
  | { type: 'joined' }
  | {
      type: 'report';
      records: Records;
      /** Step → latencies in ms. */
      latencies: Record<Step, number[]>;
      /** `step:status:code` → count, for every non-2xx answer and exception. */
      errors: Record<string, number>;
    }
  | { type: 'failed'; error: string };
