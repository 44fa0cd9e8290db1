import type { Pool } from 'pg';

/** An event's waiting-room configuration and the sale window it runs in (events.waiting_room, PostgreSQL). */
export interface RoomSettings {
  eventId: string;
  status: 'on_sale' | 'closed' | 'cancelled';
  salesOpenAt: Date;
  salesCloseAt: Date;
  /** null: the event has no waiting room. */
  room: {
    threshold: number;
    admissionRate: number;
    sessionMinutes: number;
    preQueueOpensAt: Date | null;
  } | null;
}

/**
 * Reads an event's room settings, cached per instance for `ttlMs` (they change only by an admin edit, and a
 * crowd must not turn every join and lock into a settings query). Draft or missing events are null.
 */
export function roomSettingsReader(pool: Pick<Pool, 'query'>, ttlMs = 5_000) {
  const cache = new Map<string, { at: number; value: Promise<RoomSettings | null> }>();
  return (eventId: string): Promise<RoomSettings | null> => {
    const hit = cache.get(eventId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const value = pool
      .query<{
        status: RoomSettings['status'] | 'draft';
        sales_open_at: Date;
        sales_close_at: Date;
        waiting_room: {
          threshold?: number;
          admissionRate?: number;
          sessionMinutes?: number;
          preQueueOpensAt?: string | null;
        } | null;
      }>('SELECT status, sales_open_at, sales_close_at, waiting_room FROM events WHERE id = $1', [eventId])
      .then(({ rows }) => {
        const e = rows[0];
        if (!e || e.status === 'draft') return null;
        const w = e.waiting_room;
        return {
          eventId,
          status: e.status,
          salesOpenAt: e.sales_open_at,
          salesCloseAt: e.sales_close_at,
          room:
            w && Number(w.threshold) > 0 && Number(w.admissionRate) > 0
              ? {
                  threshold: Number(w.threshold),
                  admissionRate: Number(w.admissionRate),
                  sessionMinutes: Number(w.sessionMinutes) > 0 ? Number(w.sessionMinutes) : 10,
                  preQueueOpensAt: w.preQueueOpensAt ? new Date(w.preQueueOpensAt) : null,
                }
              : null,
        };
      });
    cache.set(eventId, { at: Date.now(), value });
    value.catch(() => cache.delete(eventId));
    if (cache.size > 1_000) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
