import { afterEach, describe, expect, it } from 'vitest';
import { scopeProcessEnv, withFunctionEnv } from './function-env';

describe('per-function environments in one process', () => {
  let unscope: (() => void) | undefined;
  afterEach(() => {
    unscope?.();
    unscope = undefined;
    delete process.env.TIKETI_FN_ENV_TEST;
  });

  it('shows an invocation its own variables, through awaits and timers, and nobody else', async () => {
    // Prepare
    process.env.TIKETI_FN_ENV_TEST = 'shared';
    unscope = scopeProcessEnv();
    const read = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { value: process.env.TIKETI_FN_ENV_TEST, spread: { ...process.env }.TIKETI_FN_ENV_TEST };
    };

    // Act
    const [seats, events, outside] = await Promise.all([
      withFunctionEnv({ TIKETI_FN_ENV_TEST: 'seats' }, read),
      withFunctionEnv({ TIKETI_FN_ENV_TEST: 'events' }, read),
      read(),
    ]);

    // Assess
    expect(seats).toEqual({ value: 'seats', spread: 'seats' });
    expect(events).toEqual({ value: 'events', spread: 'events' });
    expect(outside).toEqual({ value: 'shared', spread: 'shared' });
  });

  it('writes to the real environment and uninstalls cleanly', () => {
    // Prepare
    const real = process.env;
    unscope = scopeProcessEnv();

    // Act
    process.env.TIKETI_FN_ENV_TEST = 'written';
    unscope();
    unscope = undefined;

    // Assess
    expect(process.env).toBe(real);
    expect(process.env.TIKETI_FN_ENV_TEST).toBe('written');
  });
});
