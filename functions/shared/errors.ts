import type { ErrorCode } from '../../shared/errors';

/**
 * The typed error hierarchy use cases throw. Only the HTTP/WebSocket edge turns them into responses
 * (functions/shared/http.ts); anything else that escapes becomes a safe 500 without its text.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_FAILED', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(code: 'NOT_FOUND' | 'EVENT_NOT_FOUND' | 'NOT_IN_QUEUE' = 'NOT_FOUND', message = 'Not found') {
    super(code, message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(
    code:
      | 'UNAUTHENTICATED'
      | 'INVALID_CREDENTIALS'
      | 'TOKEN_INVALID'
      | 'REFRESH_TOKEN_INVALID' = 'UNAUTHENTICATED',
    message = 'Authentication required',
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(code, message, options?.details, options);
  }
}

export class ForbiddenError extends AppError {
  constructor(
    message = 'You do not have access to this resource',
    code: 'FORBIDDEN' | 'ADMISSION_REQUIRED' = 'FORBIDDEN',
  ) {
    super(code, message);
  }
}

export class ConflictError extends AppError {
  constructor(
    code:
      | 'EMAIL_TAKEN'
      | 'SEAT_UNAVAILABLE'
      | 'SOLD_OUT'
      | 'EVENT_NOT_ON_SALE'
      | 'HOLD_EXPIRED'
      | 'RESERVATION_NOT_PENDING'
      | 'PAYMENT_NOT_CONFIRMABLE'
      | 'CANCELLATION_CLOSED'
      | 'CONFLICT',
    message: string,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}

/** 422: the request is well-formed but breaks a business limit (seats per user, idempotency key reuse). */
export class UnprocessableError extends AppError {
  constructor(code: 'LIMIT_EXCEEDED' | 'IDEMPOTENCY_KEY_REUSED', message: string, details?: unknown) {
    super(code, message, details);
  }
}

/** 429 with a Retry-After in seconds. */
export class TooManyRequestsError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    code: 'TOO_MANY_REQUESTS' | 'ACCOUNT_LOCKED' = 'TOO_MANY_REQUESTS',
    message = 'Too many requests, try again later',
  ) {
    super(code, message, { retryAfterSeconds });
  }
}

/** A dependency failed in a way worth retrying (timeouts, throttling, connection loss). */
export class TransientError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEPENDENCY_UNAVAILABLE', message, undefined, options);
  }
}
