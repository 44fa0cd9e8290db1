import { describe, expect, it } from 'vitest';
import { ApiError } from './api/api-error';
import { createAttemptKeys, isOutcomeUnknown, newIdempotencyKey, withAttemptKey } from './idempotency';

const counter = () => {
  let n = 0;
  return () => `key-${++n}`;
};

describe('idempotency keys', () => {
  it('are UUIDs matching the header schema', () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(key);
  });

  it('keep one key per attempt: same body reuses it, another body or a finished attempt does not', () => {
    const keys = createAttemptKeys(counter());
    expect(keys.keyFor('a')).toBe('key-1');
    expect(keys.keyFor('a')).toBe('key-1');
    expect(keys.keyFor('b')).toBe('key-2');
    keys.finish();
    expect(keys.keyFor('b')).toBe('key-3');
  });

  it('reuses the key only when the previous outcome is unknown', async () => {
    const keys = createAttemptKeys(counter());
    const sent: string[] = [];
    const fail = (error: unknown) => (key: string) => {
      sent.push(key);
      return Promise.reject(error);
    };
    const network = new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'offline' });
    const unavailable = new ApiError({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'down' });
    const soldOut = new ApiError({ status: 409, code: 'SOLD_OUT', message: 'gone' });
    await withAttemptKey(keys, 'body', fail(network)).catch(() => undefined);
    await withAttemptKey(keys, 'body', fail(unavailable)).catch(() => undefined);
    await withAttemptKey(keys, 'body', fail(soldOut)).catch(() => undefined);
    await withAttemptKey(keys, 'body', async (key) => {
      sent.push(key);
      return 'ok';
    });
    await withAttemptKey(keys, 'body', async (key) => {
      sent.push(key);
      return 'ok';
    });
    expect(sent).toEqual(['key-1', 'key-1', 'key-1', 'key-2', 'key-3']);
  });

  it('classifies outcomes', () => {
    expect(isOutcomeUnknown(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: '' }))).toBe(true);
    expect(isOutcomeUnknown(new ApiError({ status: 500, code: 'INTERNAL', message: '' }))).toBe(true);
    expect(isOutcomeUnknown(new ApiError({ status: 422, code: 'LIMIT_EXCEEDED', message: '' }))).toBe(false);
    expect(isOutcomeUnknown(new TypeError('boom'))).toBe(true);
  });
});
