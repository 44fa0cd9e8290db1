/**
 * An error meant for a person at a terminal: the CLI prints its message (and hint) without a stack trace.
 * Anything else that escapes is a bug and keeps its stack.
 */
export class StackError extends Error {
  override readonly name = 'StackError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function isStackError(error: unknown): error is StackError {
  return error instanceof StackError;
}

/** Resolves with `promise`, or rejects with `message` after `ms` (the timer never keeps the process alive). */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
