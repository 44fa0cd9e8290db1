import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Per-function environments in one process. On AWS each function has its own environment (its database role
 * above all); locally every handler shares this process and its process.env, so an invocation's own variables
 * are layered over it for everything the invocation calls, awaits or schedules. (A client that shared code
 * caches for the whole process, such as the admission gate's settings reader, keeps the pool of the context
 * that made it; the contexts sharing such code are granted the tables it reads.)
 */
const invocationEnv = new AsyncLocalStorage<Readonly<Record<string, string>>>();

/** Runs `work` (an invocation, with its cold start) with `env` layered over process.env (scopeProcessEnv). */
export function withFunctionEnv<T>(env: Readonly<Record<string, string>>, work: () => T): T {
  return invocationEnv.run(env, work);
}

/**
 * Makes process.env read through the current invocation's overlay (withFunctionEnv); outside an invocation it
 * is process.env as before. Writes go to the real environment. Returns the uninstaller.
 */
export function scopeProcessEnv(): () => void {
  const real = process.env;
  const overlay = () => invocationEnv.getStore();
  process.env = new Proxy(real, {
    get: (target, key) => {
      const env = overlay();
      return typeof key === 'string' && env && Object.hasOwn(env, key) ? env[key] : Reflect.get(target, key);
    },
    has: (target, key) =>
      (typeof key === 'string' && Object.hasOwn(overlay() ?? {}, key)) || Reflect.has(target, key),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Object.keys(overlay() ?? {})])],
    getOwnPropertyDescriptor: (target, key) => {
      const env = overlay();
      if (typeof key === 'string' && env && Object.hasOwn(env, key)) {
        return { value: env[key], writable: true, enumerable: true, configurable: true };
      }
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  return () => {
    process.env = real;
  };
}
