import { type ReactNode, useEffect, useRef } from 'react';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Pagination } from '../../../components/ui/pagination';
import { SkeletonList } from '../../../components/ui/skeleton';
import { genericErrorKey } from '../../../lib/describe-error';
import { formatNumber } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useEvents } from '../api/get-events';
import { useEventFilters } from '../hooks/use-event-filters';
import { eventFiltersToSearch, hasActiveFilters, PAGE_SIZE } from '../utils/event-filters';
import { EventCard, EventCardSkeleton } from './event-card';
import { EventFiltersForm } from './event-filters-form';

/** Search, filters and results of the home page; all state is in the URL. */
export function EventList() {
  const { t, intlLocale } = useI18n();
  const { filters, setFilters } = useEventFilters();
  const events = useEvents(filters);
  const resultsRef = useRef<HTMLDivElement>(null);
  const lastPage = useRef(filters.page);

  // After a page change, bring the top of the results into view.
  useEffect(() => {
    if (lastPage.current === filters.page) return;
    lastPage.current = filters.page;
    resultsRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [filters.page]);

  const hrefFor = (page: number) => {
    const search = eventFiltersToSearch({ ...filters, page }).toString();
    return { search: search ? `?${search}` : '' };
  };

  let content: ReactNode;
  if (events.isPending) {
    content = (
      <SkeletonList label={t('common.loading')} count={6} className="event-grid" item={EventCardSkeleton} />
    );
  } else if (events.isError) {
    content = (
      <ErrorState
        title={t('events.loadError')}
        message={t(genericErrorKey(events.error))}
        retryLabel={t('common.retry')}
        onRetry={() => void events.refetch()}
      />
    );
  } else if (events.data.items.length === 0) {
    content = (
      <EmptyState
        title={t('events.empty')}
        hint={hasActiveFilters(filters) ? t('events.emptyHint') : undefined}
      >
        {hasActiveFilters(filters) ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => setFilters({ q: '', status: '', from: '', to: '' })}
          >
            {t('events.clearFilters')}
          </button>
        ) : null}
      </EmptyState>
    );
  } else {
    const { items, total, totalPages, page } = events.data;
    content = (
      <>
        <div className="results-bar">
          <p className="muted" role="status">
            {t('events.resultCount', { count: formatNumber(total, intlLocale) })}
          </p>
          {events.isPlaceholderData ? <span className="muted">{t('events.updating')}</span> : null}
        </div>
        <ul className="event-grid" aria-busy={events.isPlaceholderData}>
          {items.map((event) => (
            <li key={event.id}>
              <EventCard event={event} />
            </li>
          ))}
        </ul>
        <Pagination
          page={page}
          totalPages={totalPages || Math.ceil(total / PAGE_SIZE)}
          hrefFor={hrefFor}
          labels={{
            nav: t('common.pagination'),
            previous: t('common.previous'),
            next: t('common.next'),
            current: t('common.pageOf', { page, total: totalPages }),
          }}
        />
      </>
    );
  }

  return (
    <>
      <EventFiltersForm filters={filters} setFilters={setFilters} />
      <div ref={resultsRef} className="results">
        {content}
      </div>
    </>
  );
}
