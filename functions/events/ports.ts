import type { EventDetail, EventStatus, EventSummary } from '../../shared/domain';

export interface EventFilter {
  /** Plain text matched against title and venue (case-insensitive substring). */
  text?: string;
  status?: EventStatus;
  startsFrom?: Date;
  startsBefore?: Date;
}

export interface EventRepository {
  /** Public events (never drafts), ordered by start time then id so pages are stable. */
  search(
    filter: EventFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: EventSummary[]; total: number }>;
  /** A public event with ticket types, price tiers and live availability; null when missing or draft. */
  findPublic(id: string): Promise<EventDetail | null>;
}
