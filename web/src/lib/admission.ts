import { serverNow } from './server-clock';

/**
 * Waiting-room admission tokens, per event. Once the waiting room admits this user (`queue.join` /
 * `queue.status` answering `admitted`, or the `queue-entry-allowed` message), the token is kept here and the
 * API client sends it as `X-Admission-Token` on the routes marked `admission` in the route table (seat lock,
 * reservation, payment prepare) for that event, until `admissionExpiresAt` on the server's clock.
 *
 * Kept in `sessionStorage`: a reload of the tab keeps the admission, another tab goes through the room itself
 * (which, for an admitted user, answers at once). A memory mirror serves reads and works when storage is
 * blocked. When a protected call is refused anyway (403 ADMISSION_REQUIRED: the admission ended on the
 * server), the token is dropped and the refusal recorded, so the page shows the waiting room again.
 */

export const ADMISSION_STORAGE_PREFIX = 'tiketi.admission.';

export interface AdmissionGrant {
  readonly token: string;
  /** Server time (ISO) after which the token is no longer sent; null when the server gave none. */
  readonly expiresAt: string | null;
}

export interface AdmissionStore {
  /** The event's admission, or null when none or past its expiry (an expired one is dropped). Stable identity. */
  get(eventId: string): AdmissionGrant | null;
  /** The token to send for the event, if any. */
  token(eventId: string): string | null;
  /** Stores a new admission (clears a recorded refusal for the event). */
  set(eventId: string, grant: AdmissionGrant): void;
  /** Forgets the event's admission (the user left the room). */
  drop(eventId: string): void;
  /** A protected call for the event answered 403 ADMISSION_REQUIRED: drop the token, record the refusal. */
  refuse(eventId: string): void;
  /** How many refusals the event has had in this tab (changes on each: a key for "enter the room again"). */
  refusals(eventId: string): number;
  /** Events refused since their last admission (stable array, replaced on change). */
  refusedEvents(): readonly string[];
  /** Changes (for `useSyncExternalStore`). */
  subscribe(listener: () => void): () => void;
}

export interface AdmissionStoreOptions {
  /** `sessionStorage` in the browser; undefined keeps admissions in memory only. */
  storage?: Storage;
  /** Now on the server's clock (expiries are server times). */
  now?: () => number;
}

/** `sessionStorage`, or undefined where it is missing or blocked. */
export function safeSessionStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    return undefined;
  }
}

function parseGrant(raw: string | null): AdmissionGrant | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as { token?: unknown; expiresAt?: unknown };
    if (typeof value.token !== 'string' || value.token === '') return null;
    const expiresAt = typeof value.expiresAt === 'string' ? value.expiresAt : null;
    return { token: value.token, expiresAt };
  } catch {
    return null;
  }
}

function expired(grant: AdmissionGrant, now: number): boolean {
  if (grant.expiresAt === null) return false;
  const at = Date.parse(grant.expiresAt);
  return Number.isNaN(at) || now >= at;
}

export function createAdmissionStore({
  storage,
  now = serverNow,
}: AdmissionStoreOptions = {}): AdmissionStore {
  const grants = new Map<string, AdmissionGrant | null>();
  const refusalCounts = new Map<string, number>();
  let refused: readonly string[] = [];
  const listeners = new Set<() => void>();

  const key = (eventId: string) => `${ADMISSION_STORAGE_PREFIX}${eventId}`;
  const write = (eventId: string, grant: AdmissionGrant | null) => {
    grants.set(eventId, grant);
    try {
      if (grant) storage?.setItem(key(eventId), JSON.stringify(grant));
      else storage?.removeItem(key(eventId));
    } catch {
      // Private mode or quota: the memory mirror still holds it for this page.
    }
  };
  const emit = () => {
    for (const listener of [...listeners]) listener();
  };
  const setRefused = (eventId: string, on: boolean) => {
    const has = refused.includes(eventId);
    if (on && !has) refused = [...refused, eventId];
    else if (!on && has) refused = refused.filter((id) => id !== eventId);
  };

  const get = (eventId: string): AdmissionGrant | null => {
    if (!grants.has(eventId)) {
      let raw: string | null = null;
      try {
        raw = storage?.getItem(key(eventId)) ?? null;
      } catch {
        raw = null;
      }
      grants.set(eventId, parseGrant(raw));
    }
    const grant = grants.get(eventId) ?? null;
    if (grant && expired(grant, now())) {
      // Dropped quietly: every reader sees null from now on, nothing to notify.
      write(eventId, null);
      return null;
    }
    return grant;
  };

  return {
    get,
    token: (eventId) => get(eventId)?.token ?? null,
    set(eventId, grant) {
      write(eventId, { token: grant.token, expiresAt: grant.expiresAt });
      setRefused(eventId, false);
      emit();
    },
    drop(eventId) {
      write(eventId, null);
      emit();
    },
    refuse(eventId) {
      write(eventId, null);
      refusalCounts.set(eventId, (refusalCounts.get(eventId) ?? 0) + 1);
      setRefused(eventId, true);
      emit();
    },
    refusals: (eventId) => refusalCounts.get(eventId) ?? 0,
    refusedEvents: () => refused,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
