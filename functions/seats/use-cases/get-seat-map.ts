import { createHash } from 'node:crypto';
import type { SeatMap, SeatStatusView } from '../../../shared/booking';
import { NotFoundError } from '../../shared/errors';
import { coalesceFreshReads } from '../../shared/fresh-reads';
import type { SeatMapLayout, SeatMapRepository } from '../ports';

export type SeatMapResult =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; map: SeatMap | SeatStatusView };

/**
 * The seat map: the layout (everything but statuses) cached in-process per event for `ttlMs`, bounded to
 * `maxEvents` events; the statuses come from a PostgreSQL read that started after the request arrived
 * (concurrent requests share one, see coalesceFreshReads), so the map is never staler than the realtime stream
 * that follows it. The ETag covers the view, the layout version and the statuses; a matching
 * If-None-Match is answered 304. `view: 'status'` answers the statuses alone (same order and encoding).
 */
export function createSeatMapReader(deps: {
  repo: SeatMapRepository;
  now?: () => number;
  ttlMs?: number;
  maxEvents?: number;
}) {
  const now = deps.now ?? Date.now;
  const ttlMs = deps.ttlMs ?? 60_000;
  const maxEvents = deps.maxEvents ?? 20;
  const cache = new Map<string, { at: number; layout: Promise<SeatMapLayout | null> }>();
  // A crowd polling one event costs one status query in flight (plus one queued), each answer still read
  // after its request arrived: the map stays never staler than the realtime stream.
  const statuses = coalesceFreshReads((eventId: string) => deps.repo.statuses(eventId));

  const layoutOf = (eventId: string, fresh = false) => {
    const hit = cache.get(eventId);
    if (hit && !fresh && now() - hit.at < ttlMs) return hit.layout;
    cache.delete(eventId);
    // Oldest first: Map keeps insertion order, and a refreshed entry is re-inserted at the end.
    while (cache.size >= maxEvents) cache.delete(cache.keys().next().value as string);
    const layout = deps.repo.layout(eventId);
    cache.set(eventId, { at: now(), layout });
    layout.catch(() => cache.delete(eventId));
    return layout;
  };

  // Requests sharing one read share its reordering and digest too (20,000 characters each).
  let last: { stored: string; layout: SeatMapLayout; status: string; digest: string } | undefined;
  const ordered = (stored: string, layout: SeatMapLayout) => {
    if (last?.stored !== stored || last.layout !== layout) {
      const status = toMapOrder(stored, layout.storageIndex);
      const digest = createHash('sha1').update(status).digest('base64url').slice(0, 16);
      last = { stored, layout, status, digest };
    }
    return last;
  };

  return {
    /** Cached layouts (tests and metrics). */
    get cachedEvents() {
      return cache.size;
    },
    async read(
      eventId: string,
      options: { view?: 'full' | 'status'; ifNoneMatch?: string } = {},
    ): Promise<SeatMapResult> {
      const readAt = new Date(now()).toISOString();
      let [layout, stored] = await Promise.all([layoutOf(eventId), statuses(eventId)]);
      if (stored === null) {
        cache.delete(eventId);
        throw new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
      }
      if (!layout || layout.map.seats.count !== stored.length) {
        // Seats were added or removed since the layout was cached (or the event just became public).
        layout = await layoutOf(eventId, true);
        if (!layout) throw new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
        if (layout.map.seats.count !== stored.length) stored = (await statuses(eventId)) ?? '';
      }
      const { status, digest } = ordered(stored, layout);
      const view = options.view ?? 'full';
      const etag = `"${view === 'status' ? 's' : 'f'}.${layout.version}.${digest}"`;
      if (options.ifNoneMatch && matches(options.ifNoneMatch, etag)) return { notModified: true, etag };
      if (view === 'status') {
        return { notModified: false, etag, map: { eventId, count: status.length, status, readAt } };
      }
      const map: SeatMap = { ...layout.map, seats: { ...layout.map.seats, status }, readAt };
      return { notModified: false, etag, map };
    },
  };
}

function toMapOrder(stored: string, index: Uint32Array | null): string {
  if (!index || index.length !== stored.length) return stored;
  const out = new Array<string>(index.length);
  for (let i = 0; i < index.length; i++) out[i] = stored[index[i]!]!;
  return out.join('');
}

/** RFC 9110 If-None-Match: `*` or a list of (possibly weak) entity tags, compared weakly. */
export function matches(header: string, etag: string): boolean {
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}
