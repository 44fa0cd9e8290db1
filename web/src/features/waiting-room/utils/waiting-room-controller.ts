import type { AdmissionStore } from '../../../lib/admission';
import { isApiError } from '../../../lib/api';
import type { QueueRoom, QueueTicket } from '../../../lib/contract';
import { isOutcomeUnknown } from '../../../lib/idempotency';
import type { RealtimeClient } from '../../../lib/realtime';
import type { QueueApi } from '../api/queue-api';
import { estimateWaitSeconds, type PollMode, pollDelay, positionFrom } from './queue-math';
import { createStartPositionMemory, type StartPositionMemory } from './start-position';

/**
 * One tab's visit to an event's waiting room, as a state machine. A plain class with its environment
 * injected (API, realtime client, admission store, timers, clock, random), so it runs and is tested without
 * a DOM; `use-waiting-room.ts` binds it to React.
 *
 * - start: `queue.join` (a reload or a second tab gets the same place back).
 *   - admitted → the token goes to the admission store; done.
 *   - waiting / sold_out → `join-queue` on the socket (again after every reconnect), then follow
 *     `queue-updated` (my place is `ticket − servingCounter`) and `queue-entry-allowed` (admitted).
 * - `queue.status` polls keep going the whole time: it is the heartbeat the server needs (a waiting user
 *   silent for 60 s loses the place), every 12–18 s while the socket is up, every 3–5 s while it is down
 *   (the only source of updates then), every 20–30 s while sold out (inventory can come back). Every delay is
 *   jittered; a push that concerns me (my turn, sold out, back on sale, the socket back after a gap) brings
 *   the next check forward to within 2 s.
 * - 404 NOT_IN_QUEUE (the place lapsed, e.g. the laptop slept) → join again. Failures with an unknown
 *   outcome (network, 5xx, 429) keep the state and retry on the same schedule; another 4xx on join fails.
 */

export type WaitingRoomPhase = 'joining' | 'waiting' | 'sold_out' | 'admitted' | 'left' | 'failed';

export interface WaitingRoomState {
  readonly phase: WaitingRoomPhase;
  /** My ticket number (null before joining, when admitted at once, or while a pre-queue draw is pending). */
  readonly ticket: number | null;
  /** 1 = next in line; 0 unless waiting. */
  readonly position: number;
  readonly aheadOfYou: number;
  readonly estimatedWaitSeconds: number | null;
  /** My place when I entered (the progress bar's 0 %). */
  readonly startPosition: number | null;
  readonly room: QueueRoom | null;
  /** The server's explanation (sold out…), when it sent one. */
  readonly message: string | null;
  /** The last call failed; set while retrying (or for `failed`), null once a call succeeds. */
  readonly error: unknown;
}

export const INITIAL_WAITING_ROOM_STATE: WaitingRoomState = {
  phase: 'joining',
  ticket: null,
  position: 0,
  aheadOfYou: 0,
  estimatedWaitSeconds: null,
  startPosition: null,
  room: null,
  message: null,
  error: null,
};

export type RealtimeLike = Pick<RealtimeClient, 'getStatus' | 'onStatus' | 'subscribe' | 'send'>;

export interface PollTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const globalTimers: PollTimers = {
  set: (callback, ms) => globalThis.setTimeout(callback, ms),
  clear: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

export interface WaitingRoomOptions {
  eventId: string;
  api: QueueApi;
  /** The tab's realtime client; null without one (polling only). */
  realtime: RealtimeLike | null;
  admission: Pick<AdmissionStore, 'set'>;
  /** Remembers where I started across reloads (sessionStorage); memory only by default. */
  startPositions?: StartPositionMemory;
  timers?: PollTimers;
  now?: () => number;
  /** [0, 1), like Math.random: the jitter. */
  random?: () => number;
}

export class WaitingRoomController {
  private state: WaitingRoomState = INITIAL_WAITING_ROOM_STATE;
  private readonly listeners = new Set<() => void>();
  private readonly timers: PollTimers;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly startPositions: StartPositionMemory;
  /** Started and not finished (admitted, left, failed, disposed): async results after that are dropped. */
  private active = false;
  private started = false;
  /** A join has answered: the next check is a status poll (else another join). */
  private joined = false;
  private inFlight = false;
  private timer: unknown;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private connected = false;
  /** `join-queue` was sent on the current connection. */
  private subscribedOnSocket = false;
  private unsubscribers: (() => void)[] = [];

  constructor(private readonly options: WaitingRoomOptions) {
    this.timers = options.timers ?? globalTimers;
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    this.startPositions = options.startPositions ?? createStartPositionMemory(undefined);
  }

  getState = (): WaitingRoomState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Joins and follows the room. Once only: a new visit is a new controller. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.active = true;
    const { realtime } = this.options;
    if (realtime) {
      this.connected = realtime.getStatus() === 'connected';
      this.unsubscribers.push(
        realtime.subscribe('queue-updated', (room) => this.onRoom(room)),
        realtime.subscribe('queue-entry-allowed', (data) => {
          if (data.eventId === this.options.eventId) this.admit(data.admissionToken, data.admissionExpiresAt);
        }),
        realtime.onStatus(() => this.onRealtimeStatus()),
      );
    }
    void this.join();
  }

  /** Stops following (unmount). The place is kept: the server lets it lapse without heartbeats. */
  dispose(): void {
    this.finish();
  }

  /** Gives up the place. */
  async leave(): Promise<void> {
    if (this.state.phase === 'left') return;
    this.finish();
    this.startPositions.forget(this.options.eventId);
    this.update({ ...INITIAL_WAITING_ROOM_STATE, phase: 'left', room: this.state.room });
    try {
      await this.options.api.leave(this.options.eventId);
    } catch {
      // Without heartbeats the place lapses on its own within the grace period.
    }
  }

  // ——— Calls ———

  private async join(): Promise<void> {
    if (!this.active || this.inFlight) return;
    this.clearTimer();
    this.inFlight = true;
    let ticket: QueueTicket;
    try {
      ticket = await this.options.api.join(this.options.eventId);
    } catch (error) {
      this.inFlight = false;
      if (!this.active) return;
      if (isOutcomeUnknown(error)) {
        this.update({ error });
        this.schedule('fallback');
      } else {
        this.finish();
        this.update({ phase: 'failed', error });
      }
      return;
    }
    this.inFlight = false;
    if (!this.active) return;
    this.joined = true;
    this.apply(ticket);
  }

  private async poll(): Promise<void> {
    if (!this.active || this.inFlight) return;
    this.clearTimer();
    this.inFlight = true;
    let ticket: QueueTicket;
    try {
      ticket = await this.options.api.status(this.options.eventId);
    } catch (error) {
      this.inFlight = false;
      if (!this.active) return;
      if (isApiError(error) && error.code === 'NOT_IN_QUEUE') {
        // The room forgot me (silent past the grace period): take a place again.
        this.joined = false;
        void this.join();
        return;
      }
      this.update({ error });
      this.schedule(this.mode());
      return;
    }
    this.inFlight = false;
    if (!this.active) return;
    this.apply(ticket);
  }

  // ——— State ———

  private apply(ticket: QueueTicket): void {
    if (ticket.eventId !== this.options.eventId) return;
    if (ticket.status === 'admitted') {
      this.admit(ticket.admissionToken, ticket.admissionExpiresAt);
      return;
    }
    const previous = this.state;
    const sameTicket =
      previous.phase === 'waiting' && ticket.status === 'waiting' && previous.ticket === ticket.ticket;
    // A place never moves back: an answer overtaken by a fresher push must not raise it again.
    const position = sameTicket ? Math.min(previous.position, ticket.position) : ticket.position;
    const aheadOfYou = sameTicket ? Math.min(previous.aheadOfYou, ticket.aheadOfYou) : ticket.aheadOfYou;
    const startPosition =
      ticket.status === 'waiting' && ticket.ticket !== null
        ? this.startPositions.startFor(this.options.eventId, ticket.ticket, ticket.position)
        : previous.startPosition;
    this.update({
      phase: ticket.status === 'sold_out' ? 'sold_out' : 'waiting',
      ticket: ticket.ticket,
      position,
      aheadOfYou,
      estimatedWaitSeconds: ticket.estimatedWaitSeconds,
      startPosition,
      room: ticket.room,
      message: ticket.message ?? null,
      error: null,
    });
    this.subscribeOnSocket();
    this.schedule(this.mode());
  }

  private admit(token: string | undefined, expiresAt: string | undefined): void {
    if (!this.active) return;
    const { eventId } = this.options;
    if (token) this.options.admission.set(eventId, { token, expiresAt: expiresAt ?? null });
    this.startPositions.forget(eventId);
    this.finish();
    this.update({ phase: 'admitted', position: 0, aheadOfYou: 0, estimatedWaitSeconds: 0, error: null });
  }

  private onRoom(room: QueueRoom): void {
    if (!this.active || room.eventId !== this.options.eventId) return;
    const state = this.state;
    if (state.phase !== 'waiting' && state.phase !== 'sold_out') return;
    const known = state.room;
    if (known && (room.servingCounter < known.servingCounter || Date.parse(room.at) < Date.parse(known.at))) {
      return; // Out of order: older than what I have.
    }
    if (state.phase === 'sold_out') {
      this.update({ room });
      if (!room.soldOut) this.checkSoon(); // Back on sale.
      return;
    }
    if (state.ticket === null) {
      // Pre-queue: my ticket comes with the draw.
      this.update({ room });
      if (known && known.preQueueUntil !== room.preQueueUntil) this.checkSoon();
      return;
    }
    const position = Math.min(state.position, positionFrom(state.ticket, room.servingCounter));
    const aheadOfYou = Math.min(state.aheadOfYou, position - 1);
    this.update({
      room,
      position,
      aheadOfYou,
      // As the server estimates it: the places to go (those ahead, and mine) at the measured rate.
      estimatedWaitSeconds: estimateWaitSeconds(aheadOfYou + 1, room.admissionRate, {
        places: state.aheadOfYou + 1,
        seconds: state.estimatedWaitSeconds,
      }),
    });
    // My turn (the token may come on my own topic; make sure), or the room sold out.
    if (room.soldOut || state.ticket <= room.servingCounter) this.checkSoon();
  }

  private onRealtimeStatus(): void {
    const realtime = this.options.realtime;
    if (!realtime) return;
    const connected = realtime.getStatus() === 'connected';
    if (connected === this.connected) return;
    this.connected = connected;
    this.subscribedOnSocket = false;
    if (!this.active || !this.joined) return;
    if (connected) {
      this.subscribeOnSocket();
      // Pushes sent during the gap are lost: catch up.
      this.checkSoon();
    } else {
      // Polling is the only source of updates now.
      this.schedule('fallback', true);
    }
  }

  private subscribeOnSocket(): void {
    const realtime = this.options.realtime;
    if (!realtime || !this.connected || this.subscribedOnSocket) return;
    if (realtime.send({ action: 'join-queue', eventId: this.options.eventId }) === 'sent') {
      this.subscribedOnSocket = true;
    }
  }

  // ——— Scheduling ———

  private mode(): PollMode {
    if (this.state.phase === 'sold_out') return 'soldOut';
    return this.connected ? 'heartbeat' : 'fallback';
  }

  private checkSoon(): void {
    this.schedule('soon', true);
  }

  /** Schedules the next check; with `onlyIfSooner`, keeps an already scheduled earlier one. */
  private schedule(mode: PollMode, onlyIfSooner = false): void {
    if (!this.active) return;
    const delay = pollDelay(mode, this.random());
    const dueAt = this.now() + delay;
    if (onlyIfSooner && this.timer !== undefined && this.timerDueAt <= dueAt) return;
    this.clearTimer();
    this.timerDueAt = dueAt;
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.timerDueAt = Number.POSITIVE_INFINITY;
      if (this.joined) void this.poll();
      else void this.join();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clear(this.timer);
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
  }

  private finish(): void {
    this.active = false;
    this.clearTimer();
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  private update(patch: Partial<WaitingRoomState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
