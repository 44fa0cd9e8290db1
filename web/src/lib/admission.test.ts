import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../test-utils/memory-storage';
import { ADMISSION_STORAGE_PREFIX, createAdmissionStore } from './admission';
import { observeServerDate, resetServerClock } from './server-clock';

const EVENT_A = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';
const EVENT_B = '5d2c6a1f-7e34-4b8a-8c9d-1e2f3a4b5c6d';
const T0 = Date.parse('2026-03-14T10:00:00Z');
const inMinutes = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

afterEach(() => {
  resetServerClock();
  vi.useRealTimers();
});

describe('admission store', () => {
  it('keeps one token per event in sessionStorage, so a reload of the tab still has it', () => {
    // Prepare
    const storage = memoryStorage();
    const store = createAdmissionStore({ storage, now: () => T0 });

    // Act
    store.set(EVENT_A, { token: 'token-a', expiresAt: inMinutes(10) });
    const reloaded = createAdmissionStore({ storage, now: () => T0 });

    // Assess
    expect(reloaded.token(EVENT_A)).toBe('token-a');
    expect(reloaded.token(EVENT_B)).toBeNull();
    expect(JSON.parse(storage.getItem(`${ADMISSION_STORAGE_PREFIX}${EVENT_A}`) ?? '{}')).toEqual({
      token: 'token-a',
      expiresAt: inMinutes(10),
    });
  });

  it('drops a token once past its expiry', () => {
    // Prepare
    const storage = memoryStorage();
    let now = T0;
    const store = createAdmissionStore({ storage, now: () => now });
    store.set(EVENT_A, { token: 'token-a', expiresAt: inMinutes(5) });

    // Act
    now = T0 + 5 * 60_000 - 1;
    const before = store.token(EVENT_A);
    now = T0 + 5 * 60_000;
    const at = store.token(EVENT_A);

    // Assess
    expect(before).toBe('token-a');
    expect(at).toBeNull();
    expect(storage.getItem(`${ADMISSION_STORAGE_PREFIX}${EVENT_A}`)).toBeNull();
  });

  it("measures the expiry on the server's clock, not the browser's", () => {
    // Prepare: the browser's clock is 10 minutes behind the server's; the token expires in 5 server minutes.
    vi.useFakeTimers({ now: T0 });
    observeServerDate(new Date(T0 + 10 * 60_000).toUTCString(), T0, T0);
    const store = createAdmissionStore({ storage: memoryStorage() });

    // Act
    store.set(EVENT_A, { token: 'token-a', expiresAt: new Date(T0 + 5 * 60_000).toISOString() });

    // Assess: by the browser's clock it would still be valid for 5 minutes.
    expect(store.token(EVENT_A)).toBeNull();
  });

  it('records a refusal: the token goes, the event is listed until the next admission', () => {
    // Prepare
    const store = createAdmissionStore({ storage: memoryStorage(), now: () => T0 });
    const listener = vi.fn();
    store.subscribe(listener);
    store.set(EVENT_A, { token: 'token-a', expiresAt: inMinutes(10) });
    store.set(EVENT_B, { token: 'token-b', expiresAt: inMinutes(10) });
    listener.mockClear();

    // Act
    store.refuse(EVENT_A);

    // Assess
    expect(store.get(EVENT_A)).toBeNull();
    expect(store.token(EVENT_B)).toBe('token-b');
    expect(store.refusals(EVENT_A)).toBe(1);
    expect(store.refusedEvents()).toEqual([EVENT_A]);
    expect(listener).toHaveBeenCalledTimes(1);

    // Act: admitted again
    store.set(EVENT_A, { token: 'token-a2', expiresAt: inMinutes(20) });

    // Assess
    expect(store.refusedEvents()).toEqual([]);
    expect(store.refusals(EVENT_A)).toBe(1);
    expect(store.token(EVENT_A)).toBe('token-a2');
  });

  it('returns the same object until it changes (for useSyncExternalStore)', () => {
    const store = createAdmissionStore({ storage: memoryStorage(), now: () => T0 });
    store.set(EVENT_A, { token: 'token-a', expiresAt: inMinutes(10) });
    const first = store.get(EVENT_A);
    expect(store.get(EVENT_A)).toBe(first);
    expect(store.refusedEvents()).toBe(store.refusedEvents());
  });

  it('ignores unreadable storage entries and works without storage', () => {
    const storage = memoryStorage({
      [`${ADMISSION_STORAGE_PREFIX}${EVENT_A}`]: '{not json',
      [`${ADMISSION_STORAGE_PREFIX}${EVENT_B}`]: JSON.stringify({ token: 42 }),
    });
    const store = createAdmissionStore({ storage, now: () => T0 });
    expect(store.get(EVENT_A)).toBeNull();
    expect(store.get(EVENT_B)).toBeNull();

    const memoryOnly = createAdmissionStore({ now: () => T0 });
    memoryOnly.set(EVENT_A, { token: 'token-a', expiresAt: null });
    expect(memoryOnly.token(EVENT_A)).toBe('token-a');
    memoryOnly.drop(EVENT_A);
    expect(memoryOnly.token(EVENT_A)).toBeNull();
  });
});
