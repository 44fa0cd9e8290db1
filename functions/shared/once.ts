/**
 * A lazily made, shared dependency (a client, a repository), created once per cold start. A failed creation is
 * forgotten, so a dependency that was down at the first call may recover on the next invocation.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= make().catch((err) => {
      cached = undefined;
      throw err;
    });
    return cached;
  };
}
