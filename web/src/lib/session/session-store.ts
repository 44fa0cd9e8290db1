import { type AuthResult, type User, userSchema } from '../contract';

/**
 * Where the tokens live, and why.
 *
 * - Access token: in memory only. It is what an XSS payload would most like to steal and replay, and it is
 *   short-lived, so losing it on reload costs one refresh call.
 * - Refresh token: in `localStorage`, so a reload or a new tab stays signed in. The trade-off: any script
 *   running on this origin can read it. The contract takes the refresh token in the request body (no
 *   HttpOnly cookie endpoint exists; a cookie would also need a same-site API domain and CSRF protection),
 *   so the mitigations are: no HTML injection anywhere in the app (React escapes, no
 *   `dangerouslySetInnerHTML`), a strict CSP at CloudFront, refresh-token rotation with reuse detection on
 *   the server (a stolen, already-rotated token revokes the whole family), and sign-out revoking it.
 * - User profile: cached in `localStorage` so the header can show the name immediately after a reload; it
 *   is display data only, re-validated by `auth.me`, never trusted for authorization.
 */

export const REFRESH_TOKEN_KEY = 'tiketi.refreshToken';
export const USER_KEY = 'tiketi.user';
/** Treat access tokens as expired this long before their real expiry (clock skew, request latency). */
const EXPIRY_SKEW_MS = 15_000;

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface SessionSnapshot {
  /** Profile of the signed-in user (possibly from cache), or null when signed out. */
  readonly user: User | null;
  /** True when a refresh token is stored, i.e. the session can be resumed. */
  readonly signedIn: boolean;
}

export interface SessionStore {
  /** The in-memory access token, or null if absent or about to expire. */
  getAccessToken(): string | null;
  getRefreshToken(): string | null;
  getSnapshot(): SessionSnapshot;
  subscribe(listener: () => void): () => void;
  /** Stores a login/register/refresh result. */
  setAuth(result: AuthResult): void;
  setUser(user: User): void;
  /** Forgets everything (sign-out, revoked session). */
  clear(): void;
  /**
   * Increments on every sign-out. A refresh started before a sign-out must not resurrect the session when
   * it completes: callers compare the epoch before and after.
   */
  getEpoch(): number;
  /** Re-reads storage after another tab changed it (wired to the `storage` event). */
  syncFromStorage(): void;
}

export interface SessionStoreOptions {
  storage?: KeyValueStorage;
  now?: () => number;
}

function readUser(storage: KeyValueStorage | undefined): User | null {
  try {
    const raw = storage?.getItem(USER_KEY);
    if (!raw) return null;
    const parsed = userSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

export function createSessionStore({ storage, now = Date.now }: SessionStoreOptions = {}): SessionStore {
  let accessToken: string | null = null;
  let accessTokenExpiresAt = 0;
  // Memory mirror: works even when storage throws (private mode), and avoids re-reading on every call.
  let refreshToken: string | null = safe(() => storage?.getItem(REFRESH_TOKEN_KEY) ?? null, null);
  let user: User | null = refreshToken ? readUser(storage) : null;
  let epoch = 0;
  let snapshot: SessionSnapshot = { user, signedIn: refreshToken !== null };
  const listeners = new Set<() => void>();

  const emit = () => {
    const signedIn = refreshToken !== null;
    if (snapshot.user !== user || snapshot.signedIn !== signedIn) snapshot = { user, signedIn };
    for (const listener of listeners) listener();
  };

  return {
    getAccessToken() {
      return accessToken && now() < accessTokenExpiresAt - EXPIRY_SKEW_MS ? accessToken : null;
    },
    getRefreshToken() {
      // Another tab may have rotated the token; storage is the shared truth when available.
      const stored = safe(() => storage?.getItem(REFRESH_TOKEN_KEY), undefined);
      return stored === undefined ? refreshToken : stored;
    },
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setAuth(result) {
      accessToken = result.accessToken;
      accessTokenExpiresAt = now() + result.expiresIn * 1000;
      refreshToken = result.refreshToken;
      user = result.user;
      safe(() => {
        storage?.setItem(REFRESH_TOKEN_KEY, result.refreshToken);
        storage?.setItem(USER_KEY, JSON.stringify(result.user));
      }, undefined);
      emit();
    },
    setUser(next) {
      // Only refresh the profile of the user who is signed in now (a stale response may belong to another).
      if (!refreshToken || (user && user.id !== next.id)) return;
      user = next;
      safe(() => storage?.setItem(USER_KEY, JSON.stringify(next)), undefined);
      emit();
    },
    getEpoch: () => epoch,
    clear() {
      epoch += 1;
      accessToken = null;
      accessTokenExpiresAt = 0;
      refreshToken = null;
      user = null;
      safe(() => {
        storage?.removeItem(REFRESH_TOKEN_KEY);
        storage?.removeItem(USER_KEY);
      }, undefined);
      emit();
    },
    syncFromStorage() {
      const stored = safe(() => storage?.getItem(REFRESH_TOKEN_KEY) ?? null, refreshToken);
      if (stored === refreshToken) return;
      refreshToken = stored;
      if (!stored) {
        // Signed out in another tab.
        epoch += 1;
        accessToken = null;
        accessTokenExpiresAt = 0;
        user = null;
      } else {
        // Signed in (or rotated) in another tab: our access token may belong to another user.
        const storedUser = readUser(storage);
        if (storedUser?.id !== user?.id) {
          accessToken = null;
          accessTokenExpiresAt = 0;
        }
        user = storedUser;
      }
      emit();
    },
  };
}
