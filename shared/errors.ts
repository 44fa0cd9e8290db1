import { z } from 'zod';

/**
 * Stable error codes. Clients switch on `code`, never on `message`; adding a code is fine,
 * renaming one is a breaking change.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_INVALID: 401,
  REFRESH_TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  ADMISSION_REQUIRED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  NOT_IN_QUEUE: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  SEAT_UNAVAILABLE: 409,
  SOLD_OUT: 409,
  EVENT_NOT_ON_SALE: 409,
  HOLD_EXPIRED: 409,
  RESERVATION_NOT_PENDING: 409,
  PAYMENT_NOT_CONFIRMABLE: 409,
  CANCELLATION_CLOSED: 409,
  /** WebSocket only: this connection was closed because the user opened more than the allowed number. */
  CONNECTION_REPLACED: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  LIMIT_EXCEEDED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  TOO_MANY_REQUESTS: 429,
  ACCOUNT_LOCKED: 429,
  INTERNAL: 500,
  DEPENDENCY_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: errorCodeSchema,
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorEnvelope' });

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export function errorEnvelope(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}
