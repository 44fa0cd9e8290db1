import { ERROR_CODES, type ErrorCode } from '../contract';

/** Codes the client produces itself, on top of the server's `ErrorCode`s. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNKNOWN';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

/**
 * A failed API call, parsed from the contract's error envelope `{ error: { code, message, details? } }`.
 * `status` is 0 when no HTTP response arrived (offline, DNS, CORS, timeout).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: unknown;
  /** From `Retry-After` (seconds or HTTP date) or `details.retryAfterSeconds`; null when absent. */
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    details?: unknown;
    retryAfterSeconds?: number | null;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** Best guess for a response that did not carry an envelope (a proxy's 502 page, an empty 401…). */
export function codeForStatus(status: number): ApiErrorCode {
  if (status === 400) return 'VALIDATION_FAILED';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status === 502 || status === 503 || status === 504) return 'DEPENDENCY_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL';
  return 'UNKNOWN';
}

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` → seconds (never negative). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function retryAfterFromDetails(details: unknown): number | null {
  if (typeof details !== 'object' || details === null) return null;
  const record = details as Record<string, unknown>;
  for (const key of ['retryAfterSeconds', 'retryAfter']) {
    const value = record[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  return null;
}

/** Turns any non-2xx response into an ApiError; never throws itself. */
export async function parseErrorResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const envelope =
    typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object'
      ? (body.error as Record<string, unknown> | null)
      : null;
  const rawCode = envelope?.code;
  const code: ApiErrorCode = isErrorCode(rawCode) ? rawCode : codeForStatus(response.status);
  const message =
    typeof envelope?.message === 'string' && envelope.message
      ? envelope.message
      : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const details = envelope && 'details' in envelope ? envelope.details : undefined;
  return new ApiError({
    status: response.status,
    code,
    message,
    details,
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')) ?? retryAfterFromDetails(details),
  });
}

/**
 * Field errors a VALIDATION_FAILED response may carry. Accepts the shapes a zod-based server produces:
 * an issue list `[{ path: ['email'], message }]`, `{ issues: [...] }`, or `{ fieldErrors: { email: [...] } }`.
 */
export function fieldErrorsOf(error: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  const details = error.details as unknown;
  const addIssue = (issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const field = Array.isArray(path) ? path[0] : typeof path === 'string' ? path.split('.')[0] : undefined;
    if ((typeof field === 'string' || typeof field === 'number') && !(String(field) in out)) {
      out[String(field)] = typeof message === 'string' ? message : '';
    }
  };
  if (Array.isArray(details)) details.forEach(addIssue);
  else if (typeof details === 'object' && details !== null) {
    const record = details as Record<string, unknown>;
    if (Array.isArray(record.issues)) record.issues.forEach(addIssue);
    const fieldErrors = record.fieldErrors;
    if (typeof fieldErrors === 'object' && fieldErrors !== null) {
      for (const [field, messages] of Object.entries(fieldErrors)) {
        const first = Array.isArray(messages) ? messages[0] : messages;
        if (!(field in out)) out[field] = typeof first === 'string' ? first : '';
      }
    }
  }
  return out;
}
