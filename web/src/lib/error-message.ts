import { type ApiErrorCode, isApiError } from './api/api-error';
import type { Translate } from './i18n';

/**
 * A user-facing message for any failed API call, by error code (never by the server's message text), in the
 * current language. A function of the translator so a message already shown follows a language switch.
 */
export type Message = (t: Translate) => string;

export interface ErrorMessageContext {
  /** The event's per-user seat limit, when the caller knows it (LIMIT_EXCEEDED may not carry it). */
  maxSeats?: number;
}

const simple =
  (key: ParamlessKey): Message =>
  (t) =>
    t(key);

/** Message keys used without parameters here. */
type ParamlessKey =
  | 'error.validation'
  | 'error.badRequest'
  | 'error.sessionExpired'
  | 'error.forbidden'
  | 'error.admissionRequired'
  | 'error.notFound'
  | 'error.eventNotFound'
  | 'error.notInQueue'
  | 'error.conflict'
  | 'error.payloadTooLarge'
  | 'error.tooManyRequests'
  | 'error.unexpected'
  | 'error.unavailable'
  | 'error.network'
  | 'error.seatUnavailable'
  | 'error.soldOut'
  | 'error.notOnSale'
  | 'error.holdExpired'
  | 'error.reservationNotPending'
  | 'error.paymentNotConfirmable'
  | 'error.cancellationClosed'
  | 'error.connectionReplaced'
  | 'error.limitExceededNoMax'
  | 'error.idempotencyKeyReused'
  | 'auth.error.emailTaken'
  | 'auth.error.invalidCredentials'
  | 'auth.error.accountLockedNoTime';

function numberIn(details: unknown, keys: readonly string[]): number | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const record = details as Record<string, unknown>;
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}

/** `details.seatIds` of a SEAT_UNAVAILABLE answer: the seats someone else holds. */
export function unavailableSeatIds(error: unknown): string[] {
  if (!isApiError(error) || typeof error.details !== 'object' || error.details === null) return [];
  const ids = (error.details as { seatIds?: unknown }).seatIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

type Describe = (error: { details: unknown }, context: ErrorMessageContext) => Message;

/** Every code the client can see: a missing entry fails `tsc`. */
const MESSAGES: Record<ApiErrorCode, Describe> = {
  VALIDATION_FAILED: () => simple('error.validation'),
  MALFORMED_JSON: () => simple('error.badRequest'),
  UNSUPPORTED_MEDIA_TYPE: () => simple('error.badRequest'),
  METHOD_NOT_ALLOWED: () => simple('error.badRequest'),
  UNAUTHENTICATED: () => simple('error.sessionExpired'),
  TOKEN_INVALID: () => simple('error.sessionExpired'),
  REFRESH_TOKEN_INVALID: () => simple('error.sessionExpired'),
  INVALID_CREDENTIALS: () => simple('auth.error.invalidCredentials'),
  FORBIDDEN: () => simple('error.forbidden'),
  ADMISSION_REQUIRED: () => simple('error.admissionRequired'),
  NOT_FOUND: () => simple('error.notFound'),
  ROUTE_NOT_FOUND: () => simple('error.notFound'),
  EVENT_NOT_FOUND: () => simple('error.eventNotFound'),
  NOT_IN_QUEUE: () => simple('error.notInQueue'),
  EMAIL_TAKEN: () => simple('auth.error.emailTaken'),
  SEAT_UNAVAILABLE: (error) => {
    const count = unavailableSeatIds(error).length;
    return count > 0 ? (t) => t('error.seatUnavailableCount', { count }) : simple('error.seatUnavailable');
  },
  SOLD_OUT: () => simple('error.soldOut'),
  EVENT_NOT_ON_SALE: () => simple('error.notOnSale'),
  HOLD_EXPIRED: () => simple('error.holdExpired'),
  RESERVATION_NOT_PENDING: () => simple('error.reservationNotPending'),
  PAYMENT_NOT_CONFIRMABLE: () => simple('error.paymentNotConfirmable'),
  CANCELLATION_CLOSED: () => simple('error.cancellationClosed'),
  CONNECTION_REPLACED: () => simple('error.connectionReplaced'),
  CONFLICT: () => simple('error.conflict'),
  PAYLOAD_TOO_LARGE: () => simple('error.payloadTooLarge'),
  LIMIT_EXCEEDED: (error, context) => {
    const max = numberIn(error.details, ['limit', 'maxSeats', 'max']) ?? context.maxSeats;
    return max ? (t) => t('error.limitExceeded', { max }) : simple('error.limitExceededNoMax');
  },
  IDEMPOTENCY_KEY_REUSED: () => simple('error.idempotencyKeyReused'),
  TOO_MANY_REQUESTS: () => simple('error.tooManyRequests'),
  ACCOUNT_LOCKED: () => simple('auth.error.accountLockedNoTime'),
  INTERNAL: () => simple('error.unexpected'),
  DEPENDENCY_UNAVAILABLE: () => simple('error.unavailable'),
  NETWORK_ERROR: () => simple('error.network'),
  UNKNOWN: () => simple('error.unexpected'),
};

/** The message for a failed call; anything that is not an ApiError is "unexpected". */
export function errorMessage(error: unknown, context: ErrorMessageContext = {}): Message {
  if (!isApiError(error)) return simple('error.unexpected');
  return MESSAGES[error.code](error, context);
}

/** The message for a code the client detected itself (e.g. the seat limit, checked before calling). */
export function messageForCode(
  code: ApiErrorCode,
  context: ErrorMessageContext = {},
  details?: unknown,
): Message {
  return MESSAGES[code]({ details }, context);
}
