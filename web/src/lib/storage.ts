/** `localStorage`, or undefined where it is missing or blocked (SSR, tests, some privacy modes). */
export function safeLocalStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}
