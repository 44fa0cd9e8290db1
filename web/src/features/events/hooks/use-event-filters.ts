import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  applyFilterPatch,
  type EventFilters,
  eventFiltersToSearch,
  parseEventFilters,
} from '../utils/event-filters';

/** Event-list filters read from and written to the URL query string. */
export function useEventFilters() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => parseEventFilters(searchParams), [searchParams]);

  const setFilters = useCallback(
    (patch: Partial<EventFilters>, options: { replace?: boolean } = {}) => {
      setSearchParams(
        (current) => eventFiltersToSearch(applyFilterPatch(parseEventFilters(current), patch)),
        {
          replace: options.replace ?? false,
          preventScrollReset: true,
        },
      );
    },
    [setSearchParams],
  );

  return { filters, setFilters };
}
