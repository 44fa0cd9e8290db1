import { AppError, TransientError } from './errors';

/**
 * The one rule for "transient": a failure that says nothing about the request and may well not happen again, so
 * retrying later (with backoff) is right and compensating is wrong. Every task and retry loop asks this function
 * (the payment saga, the hold timer and its release, the admission tick), so they cannot drift apart again.
 *
 * Transient:
 *  - our own TransientError (and its subclasses);
 *  - PostgreSQL: SQLSTATE class 08 (connection), class 53 (insufficient resources: too many connections…),
 *    40001/40P01 (serialization failure, deadlock: the transaction was rolled back whole), 57P01–57P03/57P05
 *    (server shutting down, starting, idle session ended), 57014 (statement timeout), 55P03 (lock timeout);
 *    and node-postgres' own errors that carry no code: the pool's connect timeout, a connection terminated;
 *  - ioredis: connection closed, MaxRetriesPerRequestError, command timeouts, offline queue refused, and the
 *    server's LOADING / READONLY / TRYAGAIN / CLUSTERDOWN / MASTERDOWN / BUSY replies (failover, restart);
 *  - AWS SDK v3: `$retryable`, throttling names, 429 and 5xx, TimeoutError and request timeouts;
 *  - Node and undici network errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, EAI_AGAIN…), also as the
 *    `cause` of a wrapper such as fetch's `TypeError: fetch failed`.
 *
 * Never transient: every other AppError (a business refusal, 4xx), a failed condition (DynamoDB
 * ConditionalCheckFailedException, an execution that already exists), constraint violations and other
 * SQLSTATEs, and anything unknown. Unknown means "compensate", which for money is the safe default only when
 * the failure is real; that is why the list above is explicit and tested (transient.test.ts).
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const PG_CODES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '57P05', '57014', '55P03']);
const PG_CLASSES = new Set(['08', '53']);
const PG_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Query read timeout/i;

const REDIS_MESSAGES =
  /^(Connection is closed|Command timed out|Stream isn't writeable|Reached the max retries per request|Failed to refresh slots cache|LOADING |READONLY |TRYAGAIN|CLUSTERDOWN|MASTERDOWN|BUSY )/;
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);

const AWS_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'PriorRequestNotComplete',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServerError',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function ownRule(e: ErrorShape): boolean {
  const code = typeof e.code === 'string' ? e.code : '';
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (NETWORK_CODES.has(code)) return true;
  // SQLSTATEs are five characters; node-postgres puts them in `code`.
  if (/^[0-9A-Z]{5}$/.test(code) && (PG_CODES.has(code) || PG_CLASSES.has(code.slice(0, 2)))) return true;
  if (e.$retryable) return true;
  if (AWS_NAMES.has(name) || REDIS_NAMES.has(name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  return PG_MESSAGES.test(message) || REDIS_MESSAGES.test(message);
}

export function isTransient(error: unknown, depth = 0): boolean {
  if (error instanceof TransientError) return true;
  // A typed business error is an answer, whatever caused it.
  if (error instanceof AppError) return false;
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const e = error as ErrorShape;
  if (ownRule(e)) return true;
  // Wrappers: fetch's TypeError (cause), Node's AggregateError of several connect attempts (errors).
  if (Array.isArray(e.errors) && e.errors.some((inner) => isTransient(inner, depth + 1))) return true;
  return e.cause !== undefined && isTransient(e.cause, depth + 1);
}
