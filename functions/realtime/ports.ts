import type { ServerMessage, SessionQueue } from '../../shared/ws';
import type { ConnectionCloser } from '../shared/broadcaster/connection-closer';
import type { ConnectionRepository } from '../shared/broadcaster/connection-repository';

/** What the realtime use cases need from the outside world. Adapters live in ./adapters. */

/** A user's realtime session, shared by all of their tabs (Redis, per user). */
export interface RealtimeSession {
  currentEventId: string | null;
  selectedSeatIds: string[];
  /** The waiting-room ticket; the queue issue fills it beyond `eventId`. */
  queue: SessionQueue | null;
}

export interface SessionStore {
  /** The session, or the empty one when there is none (or it expired). */
  get(userId: string): Promise<RealtimeSession>;
  /** Writes the given fields and restarts the session's expiry; an empty patch only restarts it. */
  update(userId: string, patch: Partial<RealtimeSession>): Promise<void>;
}

export interface EventDirectory {
  /** True when the event exists and is public (not a draft). */
  isPublic(eventId: string): Promise<boolean>;
}

export type Subscriptions = Pick<ConnectionRepository, 'add' | 'subscribe' | 'unsubscribe' | 'touch'>;

/** Who sent the frame: the connection and the user its `$connect` token proved. */
export interface Caller {
  connectionId: string;
  userId: string;
  connectedAt: number;
}

export interface RealtimeDeps {
  sessions: SessionStore;
  events: EventDirectory;
  subscriptions: Subscriptions;
  now: () => Date;
}

/** One frame taken from a connection's token bucket, or refused. */
export interface FrameVerdict {
  allowed: boolean;
  /** Frames refused in the current refusal window, this one included (0 when allowed). */
  refused: number;
}

export interface FrameLimiter {
  take(connectionId: string, now: number): Promise<FrameVerdict>;
}

/** What `$connect` and the frame limit need: the registry, server-side close, and a reply to one connection. */
export interface ConnectionControl {
  connections: Pick<ConnectionRepository, 'add' | 'ofUser' | 'remove'>;
  closer: ConnectionCloser;
  send(connectionId: string, message: ServerMessage): Promise<unknown>;
}

export const EMPTY_SESSION: RealtimeSession = { currentEventId: null, selectedSeatIds: [], queue: null };
