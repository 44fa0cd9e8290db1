import { describe, expect, it } from 'vitest';
import {
  applyFilterPatch,
  DEFAULT_FILTERS,
  eventFiltersToSearch,
  isIsoDate,
  PAGE_SIZE,
  parseEventFilters,
  toEventListQuery,
} from './event-filters';

const parse = (query: string) => parseEventFilters(new URLSearchParams(query));

describe('event list URL state', () => {
  it('parses a full query string', () => {
    expect(parse('q=%20Symphony%20&status=on_sale&from=2026-03-01&to=2026-03-31&page=3')).toEqual({
      q: 'Symphony',
      status: 'on_sale',
      from: '2026-03-01',
      to: '2026-03-31',
      page: 3,
    });
  });

  it('drops invalid values from hand-edited URLs', () => {
    expect(parse('status=draft&from=2026-02-30&to=tomorrow&page=-1')).toEqual(DEFAULT_FILTERS);
    expect(parse('page=abc').page).toBe(1);
    expect(parse('page=10001').page).toBe(1);
    expect(parse(`q=${'a'.repeat(150)}`).q).toHaveLength(100);
  });

  it('writes only non-default values and round-trips', () => {
    expect(eventFiltersToSearch(DEFAULT_FILTERS).toString()).toBe('');
    const filters = { q: '서울 심포니', status: 'closed' as const, from: '2026-01-01', to: '', page: 2 };
    const search = eventFiltersToSearch(filters);
    expect(search.toString()).toBe(
      'q=%EC%84%9C%EC%9A%B8+%EC%8B%AC%ED%8F%AC%EB%8B%88&status=closed&from=2026-01-01&page=2',
    );
    expect(parseEventFilters(search)).toEqual(filters);
  });

  it('resets to page 1 when a filter changes, not when the page does', () => {
    const current = { ...DEFAULT_FILTERS, q: 'jazz', page: 4 };
    expect(applyFilterPatch(current, { status: 'on_sale' }).page).toBe(1);
    expect(applyFilterPatch(current, { q: '  rock ' })).toMatchObject({ q: 'rock', page: 1 });
    expect(applyFilterPatch(current, { page: 5 })).toMatchObject({ q: 'jazz', page: 5 });
  });

  it('builds the API query with whole Korean days', () => {
    expect(
      toEventListQuery({ q: 'Symphony', status: 'on_sale', from: '2026-03-01', to: '2026-03-31', page: 2 }),
    ).toEqual({
      q: 'Symphony',
      status: 'on_sale',
      from: '2026-03-01T00:00:00+09:00',
      to: '2026-03-31T23:59:59.999+09:00',
      page: 2,
      pageSize: PAGE_SIZE,
    });
    expect(toEventListQuery(DEFAULT_FILTERS)).toEqual({
      q: undefined,
      status: undefined,
      from: undefined,
      to: undefined,
      page: 1,
      pageSize: PAGE_SIZE,
    });
  });

  it('does not send an inverted date range', () => {
    const query = toEventListQuery({ ...DEFAULT_FILTERS, from: '2026-04-01', to: '2026-03-01' });
    expect(query.from).toBeUndefined();
    expect(query.to).toBeUndefined();
  });

  it('validates calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-3-1')).toBe(false);
  });
});
