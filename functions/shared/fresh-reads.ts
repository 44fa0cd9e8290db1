/**
 * Coalesces reads of the same key without ever answering from the past: every caller gets the result of a read
 * that STARTED AFTER the caller arrived. A caller arriving while a read is in flight waits for the next one,
 * which all such callers share. So under a crowd one key costs at most one read in flight plus one queued,
 * whatever the request rate, and no answer is older than its request (unlike a TTL cache).
 */
export function coalesceFreshReads<K, T>(read: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const inFlight = new Map<K, Promise<T>>();
  const queued = new Map<K, Promise<T>>();
  const start = (key: K): Promise<T> => {
    const p: Promise<T> = read(key).finally(() => {
      if (inFlight.get(key) === p) inFlight.delete(key);
    });
    inFlight.set(key, p);
    return p;
  };
  const ignore = () => {};
  return (key) => {
    const running = inFlight.get(key);
    if (!running) return start(key);
    let next = queued.get(key);
    if (!next) {
      next = running.then(ignore, ignore).then(() => {
        queued.delete(key);
        return start(key);
      });
      queued.set(key, next);
    }
    return next;
  };
}
