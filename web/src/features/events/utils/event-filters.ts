import { type EventStatus, LIMITS, type RouteQuery } from '../../../lib/contract';

/**
 * The event list's state lives in the URL (`/?q=symphony&status=on_sale&from=2026-03-01&page=2`), so a
 * search can be shared, bookmarked, reloaded and navigated with Back/Forward. These pure helpers parse the
 * query string defensively (hand-edited URLs) and write back only non-default values.
 */

/** Statuses a visitor can filter by (drafts are never public). */
export const PUBLIC_STATUSES = ['on_sale', 'closed', 'cancelled'] as const satisfies readonly EventStatus[];
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

export const PAGE_SIZE = 12;

export interface EventFilters {
  q: string;
  status: PublicStatus | '';
  /** `YYYY-MM-DD`, a calendar day in Korea time; `''` when unset. */
  from: string;
  to: string;
  page: number;
}

export const DEFAULT_FILTERS: EventFilters = { q: '', status: '', from: '', to: '', page: 1 };

function isPublicStatus(value: string | null): value is PublicStatus {
  return value !== null && (PUBLIC_STATUSES as readonly string[]).includes(value);
}

/** `2026-02-30` is rejected: the string must round-trip through a real date. */
export function isIsoDate(value: string | null): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function parsePage(value: string | null): number {
  if (!value || !/^\d+$/.test(value)) return 1;
  const page = Number(value);
  return page >= 1 && page <= LIMITS.pageMax ? page : 1;
}

export function parseEventFilters(search: URLSearchParams): EventFilters {
  const status = search.get('status');
  const from = search.get('from');
  const to = search.get('to');
  return {
    q: (search.get('q') ?? '').trim().slice(0, LIMITS.searchMax),
    status: isPublicStatus(status) ? status : '',
    from: isIsoDate(from) ? from : '',
    to: isIsoDate(to) ? to : '',
    page: parsePage(search.get('page')),
  };
}

export function eventFiltersToSearch(filters: EventFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.q) search.set('q', filters.q);
  if (filters.status) search.set('status', filters.status);
  if (filters.from) search.set('from', filters.from);
  if (filters.to) search.set('to', filters.to);
  if (filters.page > 1) search.set('page', String(filters.page));
  return search;
}

/** Applies a change; any change other than the page itself starts again from page 1. */
export function applyFilterPatch(current: EventFilters, patch: Partial<EventFilters>): EventFilters {
  const next = { ...current, ...patch };
  if (patch.q !== undefined) next.q = patch.q.trim().slice(0, LIMITS.searchMax);
  const onlyPage = Object.keys(patch).every((key) => key === 'page');
  if (!onlyPage) next.page = 1;
  return next;
}

export function isDateRangeValid(filters: Pick<EventFilters, 'from' | 'to'>): boolean {
  return !filters.from || !filters.to || filters.from <= filters.to;
}

export function hasActiveFilters(filters: EventFilters): boolean {
  return Boolean(filters.q || filters.status || filters.from || filters.to);
}

/**
 * The API query for these filters. Dates are whole days in Korea time, sent as explicit instants so the
 * server never has to guess a time zone: `from` = start of that day, `to` = end of that day (+09:00).
 * An inverted range is not sent (the form shows an error instead).
 */
export function toEventListQuery(filters: EventFilters): NonNullable<RouteQuery<'events.list'>> {
  const validRange = isDateRangeValid(filters);
  return {
    q: filters.q || undefined,
    status: filters.status || undefined,
    from: filters.from && validRange ? `${filters.from}T00:00:00+09:00` : undefined,
    to: filters.to && validRange ? `${filters.to}T23:59:59.999+09:00` : undefined,
    page: filters.page,
    pageSize: PAGE_SIZE,
  };
}
