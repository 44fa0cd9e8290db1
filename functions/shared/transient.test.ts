import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, SFNServiceException } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, TransientError, UnprocessableError } from './errors';
import { isTransient } from './transient';

/** The one transient classifier, source by source. No network: errors are built in the shapes the clients throw. */

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const named = (name: string, message = name) => Object.assign(new Error(message), { name });
const aws = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });

const TRANSIENT: [string, unknown][] = [
  // ours
  ['TransientError', new TransientError('down')],
  ['a TransientError subclass', new (class CircuitOpenError extends TransientError {})('open')],
  // PostgreSQL (node-postgres)
  ['pg pool connect timeout (no code)', new Error('timeout exceeded when trying to connect')],
  [
    'pg connection timeout',
    new Error('Connection terminated due to connection timeout', { cause: new Error('x') }),
  ],
  ['pg connection lost', new Error('Connection terminated unexpectedly')],
  ['pg client broken', new Error('Client has encountered a connection error and is not queryable')],
  ['pg query_timeout', new Error('Query read timeout')],
  ['08006 connection failure', withCode('connection failure', '08006')],
  ['08001 cannot connect', withCode('sqlclient unable to establish connection', '08001')],
  ['53300 too many connections', withCode('sorry, too many clients already', '53300')],
  ['53200 out of memory', withCode('out of memory', '53200')],
  ['40001 serialization failure', withCode('could not serialize access', '40001')],
  ['40P01 deadlock', withCode('deadlock detected', '40P01')],
  ['57P01 admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
  ['57P03 cannot connect now', withCode('the database system is starting up', '57P03')],
  ['57014 statement timeout', withCode('canceling statement due to statement timeout', '57014')],
  ['55P03 lock timeout', withCode('canceling statement due to lock timeout', '55P03')],
  // ioredis
  ['redis connection closed', new Error('Connection is closed.')],
  [
    'redis MaxRetriesPerRequestError',
    named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 2).'),
  ],
  ['redis command timeout', new Error('Command timed out')],
  ['redis offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
  ['redis LOADING', named('ReplyError', 'LOADING Redis is loading the dataset in memory')],
  ['redis READONLY (failover)', named('ReplyError', "READONLY You can't write against a read only replica.")],
  ['redis ECONNREFUSED', withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED')],
  // AWS SDK v3
  ['$retryable', Object.assign(new Error('x'), { $retryable: { throttling: false } })],
  ['ThrottlingException', aws('ThrottlingException', 400)],
  ['TooManyRequestsException', aws('TooManyRequestsException', 429)],
  ['ProvisionedThroughputExceededException', aws('ProvisionedThroughputExceededException', 400)],
  ['any 429', aws('SomethingNew', 429)],
  ['500 InternalServerError', aws('InternalServerError', 500)],
  [
    '503 from SFN',
    new SFNServiceException({ name: 'X', $fault: 'server', $metadata: { httpStatusCode: 503 } }),
  ],
  ['SDK TimeoutError', named('TimeoutError', 'Connection timed out after 1000 ms')],
  ['Lambda.ServiceException', aws('ServiceException', 500)],
  // Node / undici network errors
  ['ECONNRESET', withCode('read ECONNRESET', 'ECONNRESET')],
  ['ETIMEDOUT', withCode('connect ETIMEDOUT', 'ETIMEDOUT')],
  ['EPIPE', withCode('write EPIPE', 'EPIPE')],
  ['EAI_AGAIN', withCode('getaddrinfo EAI_AGAIN', 'EAI_AGAIN')],
  ['fetch failed (cause)', new TypeError('fetch failed', { cause: withCode('connect', 'ECONNREFUSED') })],
  [
    'undici connect timeout',
    new TypeError('fetch failed', { cause: withCode('t', 'UND_ERR_CONNECT_TIMEOUT') }),
  ],
  ['AggregateError of connects', Object.assign(new AggregateError([withCode('a', 'ECONNREFUSED')], 'x'))],
];

const NOT_TRANSIENT: [string, unknown][] = [
  ['a business 409', new ConflictError('SEAT_UNAVAILABLE', 'taken')],
  ['a 404', new NotFoundError()],
  ['a 422', new UnprocessableError('LIMIT_EXCEEDED', 'limit')],
  [
    'DynamoDB conditional check failed',
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
  ],
  ['SFN ExecutionAlreadyExists', new ExecutionAlreadyExists({ message: 'exists', $metadata: {} })],
  ['AWS 400 validation', aws('ValidationException', 400)],
  ['AWS 403', aws('AccessDeniedException', 403)],
  ['23505 unique violation', withCode('duplicate key value violates unique constraint', '23505')],
  ['23514 check violation', withCode('new row violates check constraint', '23514')],
  ['42P01 undefined table', withCode('relation does not exist', '42P01')],
  ['42501 insufficient privilege', withCode('permission denied for table', '42501')],
  ['our SQL function refusal (TK402)', withCode('not payable', 'TK402')],
  ['redis script error', named('ReplyError', 'ERR Error running script')],
  ['redis WRONGTYPE', named('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind')],
  ['an abort', named('AbortError', 'This operation was aborted')],
  ['a plain Error', new Error('boom')],
  ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
  ['a string', 'ECONNRESET'],
  ['null', null],
  ['undefined', undefined],
];

describe('isTransient', () => {
  it.each(TRANSIENT)('%s → transient', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each(NOT_TRANSIENT)('%s → not transient', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });

  it('a typed business error stays an answer even when its cause was transient', () => {
    const error = new ConflictError('CONFLICT', 'refused');
    Object.defineProperty(error, 'cause', { value: withCode('x', 'ECONNRESET') });
    expect(isTransient(error)).toBe(false);
  });

  it('does not loop on a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.defineProperty(a, 'cause', { value: b });
    expect(isTransient(a)).toBe(false);
  });
});
