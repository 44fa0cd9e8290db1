import { type AdmissionStore, createAdmissionStore } from '../admission';
import {
  ADMISSION_HEADER,
  type AuthResult,
  buildPath,
  type RouteBody,
  type RouteDef,
  type RouteId,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
  routeById,
} from '../contract';
import { observeServerDate } from '../server-clock';
import type { SessionStore } from '../session/session-store';
import { ApiError, parseErrorResponse } from './api-error';

/**
 * A typed client generated from the route table: `call('events.get', { params: { id } })` knows the path,
 * method, auth level, and the request and response types of every route in `shared/routes.ts`.
 */

/** A key is required when its type has required fields, optional when all fields are, absent when undefined. */
type Slot<K extends string, T> = [T] extends [undefined]
  ? { readonly [P in K]?: undefined }
  : Partial<T> extends T
    ? { readonly [P in K]?: T }
    : { readonly [P in K]: T };

export type ApiCallOptions<I extends RouteId> = Slot<'params', RouteParams<I>> &
  Slot<'query', RouteQuery<I>> &
  Slot<'body', RouteBody<I>> & {
    /**
     * Bearer token. Omitted: the session's access token for `user`/`admin` routes (with silent refresh),
     * none for public routes. A string: sent as-is, no refresh. `null`: no Authorization header.
     */
    readonly token?: string | null;
    readonly signal?: AbortSignal;
    /**
     * Extra request headers (`Idempotency-Key`…). They cannot replace the ones the client owns
     * (Authorization, Accept, Content-Type, X-Admission-Token).
     */
    readonly headers?: Readonly<Record<string, string>>;
    /**
     * On the routes marked `admission` (seat lock, reservation, payment prepare): the event whose waiting-room
     * admission token to send, when the body does not name it (`payments.prepare` carries only the
     * reservation). Defaults to the body's `eventId`.
     */
    readonly admissionEventId?: string;
  };

type ApiCallArgs<I extends RouteId> =
  Partial<ApiCallOptions<I>> extends ApiCallOptions<I>
    ? [options?: ApiCallOptions<I>]
    : [options: ApiCallOptions<I>];

/** Success body of a route; `undefined` for empty responses (204). */
export type ApiResult<I extends RouteId> = [RouteResponse<I>] extends [never] ? undefined : RouteResponse<I>;

export interface ApiClient {
  call<I extends RouteId>(id: I, ...args: ApiCallArgs<I>): Promise<ApiResult<I>>;
  /**
   * Exchanges the stored refresh token for a new access token. Single-flight: concurrent callers share one
   * request. Resolves null (and clears the session) when the server refuses the token.
   */
  refresh(): Promise<string | null>;
  /** Clears the session at once, then revokes the refresh token family (best effort). */
  signOut(): Promise<void>;
  readonly session: SessionStore;
  /** Waiting-room admission tokens, sent as `X-Admission-Token` on the `admission` routes. */
  readonly admission: AdmissionStore;
}

type Lock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

export interface ApiClientOptions {
  /** `config.json`'s `apiUrl`: an origin (`''` = same origin) or the API root ending in `/api/v1`. */
  baseUrl: string;
  session: SessionStore;
  fetch?: typeof fetch;
  /**
   * Serializes refreshes across tabs: with rotation and reuse detection, two tabs refreshing the same token
   * at once would revoke the family. Defaults to the Web Locks API when present, otherwise no lock.
   */
  lock?: Lock;
  /** Called when a refresh is refused and the session was cleared (e.g. to show "session expired"). */
  onSessionExpired?: () => void;
  timeoutMs?: number;
  /** Where admission tokens live (the browser: sessionStorage); defaults to memory only. */
  admission?: AdmissionStore;
}

const REFRESH_LOCK = 'tiketi.auth.refresh';
/** Headers the client sets itself; `options.headers` cannot override them. */
const OWN_HEADERS = new Set(['authorization', 'accept', 'content-type', ADMISSION_HEADER]);

/** The event an `admission` route call is for: the explicit option, else the body's `eventId`. */
function admissionEventOf(route: RouteDef, request: { body?: unknown; admissionEventId?: string }) {
  if (!route.admission) return undefined;
  if (request.admissionEventId) return request.admissionEventId;
  const body = request.body;
  if (typeof body !== 'object' || body === null || !('eventId' in body)) return undefined;
  return typeof body.eventId === 'string' ? body.eventId : undefined;
}

function defaultLock(): Lock | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks?.request) return undefined;
  // lib.dom types the callback's result as the lock's value; an async task resolves to it.
  return <T>(name: string, task: () => Promise<T>) => locks.request(name, task) as unknown as Promise<T>;
}

/**
 * The prefix to put in front of the route table's paths. `config.json`'s `apiUrl` may name the origin
 * (`https://api.example.com`, `''`) or the API root including the paths' common prefix (`/api/v1`,
 * `https://x.execute-api…/prod/api/v1`); a trailing `/api/v1` or `/api` is dropped so it is not doubled.
 */
export function apiBaseFrom(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '').replace(/\/api(?:\/v1)?$/, '');
}

export function toQueryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal | undefined {
  if (typeof AbortSignal.timeout !== 'function') return signal;
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!signal) return timeout;
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([signal, timeout]) : signal;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { session, onSessionExpired, timeoutMs = 15_000 } = options;
  const baseUrl = apiBaseFrom(options.baseUrl);
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const lock = options.lock ?? defaultLock();
  const admission = options.admission ?? createAdmissionStore();
  let refreshInFlight: Promise<string | null> | null = null;

  interface Request {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
    signal?: AbortSignal;
    headers?: Readonly<Record<string, string>>;
    admissionEventId?: string;
  }

  async function send(route: RouteDef, request: Request, token: string | null): Promise<Response> {
    const url = `${baseUrl}${buildPath(route.path, request.params)}${toQueryString(request.query)}`;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (!OWN_HEADERS.has(name.toLowerCase())) headers[name] = value;
    }
    headers.Accept = 'application/json';
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    // Read per send: a retry after a token refresh picks up an admission granted meanwhile.
    const admissionEvent = admissionEventOf(route, request);
    const admissionToken = admissionEvent ? admission.token(admissionEvent) : null;
    if (admissionToken) headers[ADMISSION_HEADER] = admissionToken;
    try {
      const sentAt = Date.now();
      const response = await fetchImpl(url, {
        method: route.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: withTimeout(request.signal, timeoutMs),
        credentials: 'omit',
      });
      // Deadlines in responses are server times: keep the countdowns on the server's clock.
      observeServerDate(response.headers.get('date'), sentAt, Date.now());
      return response;
    } catch (error) {
      // A cancellation by the caller (React Query unmounting) is not an API error: let it through.
      if (request.signal?.aborted) throw error;
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ApiError({
        status: 0,
        code: 'NETWORK_ERROR',
        message: timedOut ? 'The request timed out' : 'Network request failed',
      });
    }
  }

  async function readBody(response: Response): Promise<unknown> {
    if (response.status === 204) return undefined;
    const text = await response.text();
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError({ status: response.status, code: 'UNKNOWN', message: 'The response was not JSON' });
    }
  }

  function expire() {
    const wasSignedIn = session.getSnapshot().signedIn;
    session.clear();
    if (wasSignedIn) onSessionExpired?.();
  }

  async function doRefresh(): Promise<string | null> {
    // Read inside the lock: another tab may have rotated the token while we waited.
    const refreshToken = session.getRefreshToken();
    if (!refreshToken) {
      expire();
      return null;
    }
    const epoch = session.getEpoch();
    const response = await send(routeById('auth.refresh'), { body: { refreshToken } }, null);
    if (response.ok) {
      const result = (await readBody(response)) as AuthResult;
      if (session.getEpoch() !== epoch) {
        // Signed out while the refresh was in flight: do not sign back in; revoke what we just received.
        void revoke(result.refreshToken);
        return null;
      }
      session.setAuth(result);
      return result.accessToken;
    }
    const error = await parseErrorResponse(response);
    if (error.status === 400 || error.status === 401) {
      // Only end the session this token belonged to (not one signed in since the refresh started).
      if (session.getEpoch() === epoch) expire();
      return null;
    }
    // 429/5xx: the token may still be good; keep the session and report the failure.
    throw error;
  }

  function refresh(): Promise<string | null> {
    if (!refreshInFlight) {
      const run = lock ? lock(REFRESH_LOCK, doRefresh) : doRefresh();
      refreshInFlight = run.finally(() => {
        refreshInFlight = null;
      });
    }
    return refreshInFlight;
  }

  const unauthenticated = () =>
    new ApiError({ status: 401, code: 'UNAUTHENTICATED', message: 'Sign in to continue' });

  async function call<I extends RouteId>(id: I, ...args: ApiCallArgs<I>): Promise<ApiResult<I>> {
    const route: RouteDef = routeById(id);
    const opts = (args[0] ?? {}) as Request & { token?: string | null };
    const automatic = opts.token === undefined && route.auth !== 'public';
    let token = opts.token !== undefined ? opts.token : automatic ? session.getAccessToken() : null;

    if (automatic && !token) {
      // No (fresh) access token in memory, e.g. after a reload: resume the session before calling.
      token = await refresh();
      if (!token) throw unauthenticated();
    }

    let response = await send(route, opts, token);

    if (response.status === 401 && automatic) {
      // Another request may already have refreshed while ours was in flight; otherwise refresh once.
      const current = session.getAccessToken();
      const next = current && current !== token ? current : await refresh();
      if (!next) throw unauthenticated();
      response = await send(route, opts, next);
      if (response.status === 401) {
        const error = await parseErrorResponse(response);
        expire();
        throw error;
      }
    }

    if (!response.ok) {
      const error = await parseErrorResponse(response);
      // The waiting room is on and this tab's admission is missing or over: forget it, so the room shows again.
      const admissionEvent = admissionEventOf(route, opts);
      if (error.code === 'ADMISSION_REQUIRED' && admissionEvent) admission.refuse(admissionEvent);
      throw error;
    }
    return (await readBody(response)) as ApiResult<I>;
  }

  async function revoke(refreshToken: string): Promise<void> {
    try {
      const response = await send(routeById('auth.logout'), { body: { refreshToken } }, null);
      await response.body?.cancel();
    } catch {
      // Already signed out locally; the family expires on its own if the server was unreachable.
    }
  }

  async function signOut(): Promise<void> {
    const refreshToken = session.getRefreshToken();
    session.clear();
    if (refreshToken) await revoke(refreshToken);
  }

  return { call, refresh, signOut, session, admission };
}
