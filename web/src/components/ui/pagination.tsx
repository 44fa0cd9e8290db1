import { Link, type To } from 'react-router';

interface PaginationProps {
  page: number;
  totalPages: number;
  /** Where each page lives (links, so pages are bookmarkable and work without JavaScript navigation). */
  hrefFor: (page: number) => To;
  labels: { nav: string; previous: string; next: string; current: string };
}

export function Pagination({ page, totalPages, hrefFor, labels }: PaginationProps) {
  if (totalPages <= 1) return null;
  const hasPrevious = page > 1;
  const hasNext = page < totalPages;
  return (
    <nav className="pagination" aria-label={labels.nav}>
      {hasPrevious ? (
        <Link className="button button--secondary" to={hrefFor(page - 1)} rel="prev">
          {labels.previous}
        </Link>
      ) : (
        <span className="button button--secondary" aria-disabled="true">
          {labels.previous}
        </span>
      )}
      <span className="pagination__status" aria-current="page">
        {labels.current}
      </span>
      {hasNext ? (
        <Link className="button button--secondary" to={hrefFor(page + 1)} rel="next">
          {labels.next}
        </Link>
      ) : (
        <span className="button button--secondary" aria-disabled="true">
          {labels.next}
        </span>
      )}
    </nav>
  );
}
