import type { ServerMessage, SessionQueue } from '../../shared/ws';
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

export interface FrameLimits {
  /** Frames a connection may send in a burst. */
  capacity: number;
  refillPerSecond: number;
  /** Consecutive refused frames that close the connection (sustained abuse, not a burst). */
  strikesToClose: number;
}

/** Per-connection frame budget: `allow`, `refuse` (answered with `error`), `close` (the connection is closed). */
export interface FrameLimiter {
  take(connectionId: string): Promise<'allow' | 'refuse' | 'close'>;
}

/** The per-user cap's view of connections: the user's live ones and a way to close one (DeleteConnection). */
export interface UserConnections {
  ofUser(userId: string): Promise<{ connectionId: string; connectedAt: number }[]>;
  close(connectionId: string): Promise<void>;
  /** Best effort: tells a connection why it is being closed. */
  notify(connectionId: string, message: ServerMessage): Promise<void>;
}

export interface RealtimeDeps {
  sessions: SessionStore;
  events: EventDirectory;
  subscriptions: Subscriptions;
  now: () => Date;
}

export const EMPTY_SESSION: RealtimeSession = { currentEventId: null, selectedSeatIds: [], queue: null };
