import { isApiError } from './api/api-error';

/**
 * Idempotency keys for money- and seat-moving calls (`Idempotency-Key` header). One key per *attempt*: a
 * retry of the same attempt (same body, after a network error, a timeout or a 5xx whose outcome is unknown)
 * must reuse its key so the server answers with the first result instead of acting twice; a new attempt
 * (another body, or after a definite answer) gets a new key.
 */

/** A fresh key: a UUID v4 (`crypto.randomUUID` needs a secure context; fall back to getRandomValues). */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * True when the outcome of a failed call is unknown (no response, a timeout, a gateway or server error):
 * the request may have been applied, so retrying it must reuse the key. A 4xx is a definite answer.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!isApiError(error)) return true;
  return error.status === 0 || error.status >= 500 || error.status === 429;
}

export interface AttemptKeys {
  /** The key for a request with this fingerprint (the serialized body): the same until the attempt ends. */
  keyFor(fingerprint: string): string;
  /** The attempt got a definite answer (success or a 4xx): the next request starts a new attempt. */
  finish(): void;
}

export function createAttemptKeys(generate: () => string = newIdempotencyKey): AttemptKeys {
  let current: { fingerprint: string; key: string } | null = null;
  return {
    keyFor(fingerprint) {
      if (current?.fingerprint !== fingerprint) current = { fingerprint, key: generate() };
      return current.key;
    },
    finish() {
      current = null;
    },
  };
}

/**
 * Runs `send` with the attempt's key; ends the attempt on success or a definite error, keeps it (for a retry
 * with the same key) when the outcome is unknown.
 */
export async function withAttemptKey<T>(
  keys: AttemptKeys,
  fingerprint: string,
  send: (key: string) => Promise<T>,
): Promise<T> {
  const key = keys.keyFor(fingerprint);
  try {
    const result = await send(key);
    keys.finish();
    return result;
  } catch (error) {
    if (!isOutcomeUnknown(error)) keys.finish();
    throw error;
  }
}
