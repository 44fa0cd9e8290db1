import { type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Pagination } from '../../../components/ui/pagination';
import { SkeletonList } from '../../../components/ui/skeleton';
import { LIMITS, type Reservation } from '../../../lib/contract';
import { errorMessage, type Message } from '../../../lib/error-message';
import { type Translate, useI18n } from '../../../lib/i18n';
import { useCancelReservation } from '../api/cancel-reservation';
import { useMyReservations } from '../api/get-my-reservations';
import { CancelDialog } from './cancel-dialog';
import { ReservationCard, ReservationCardSkeleton } from './reservation-card';

function parsePage(value: string | null): number {
  if (!value || !/^\d+$/.test(value)) return 1;
  const page = Number(value);
  return page >= 1 && page <= LIMITS.pageMax ? page : 1;
}

/** The signed-in user's reservations: paginated (page in the URL), with pay-now and cancel. */
export function MyReservations() {
  const { t } = useI18n();
  const [searchParams] = useSearchParams();
  const page = parsePage(searchParams.get('page'));
  const reservations = useMyReservations(page);
  const cancel = useCancelReservation();
  const [cancelling, setCancelling] = useState<Reservation | null>(null);
  const [notice, setNotice] = useState<Message | null>(null);

  const closeDialog = () => {
    setCancelling(null);
    cancel.reset();
  };
  const confirmCancel = () => {
    if (!cancelling) return;
    const wasConfirmed = cancelling.status === 'confirmed';
    cancel.mutate(cancelling.id, {
      onSuccess: (result) => {
        setCancelling(null);
        const title = result.eventTitle;
        setNotice(() =>
          result.status === 'refunded' || wasConfirmed
            ? (tr: Translate) => tr('reservations.refunded', { title })
            : (tr: Translate) => tr('reservations.cancelled', { title }),
        );
      },
    });
  };

  let content: ReactNode;
  if (reservations.isPending) {
    content = (
      <SkeletonList
        label={t('common.loading')}
        count={3}
        className="reservation-list"
        item={ReservationCardSkeleton}
      />
    );
  } else if (reservations.isError) {
    content = (
      <ErrorState
        title={t('reservations.loadError')}
        message={errorMessage(reservations.error)(t)}
        retryLabel={t('common.retry')}
        onRetry={() => void reservations.refetch()}
      />
    );
  } else if (reservations.data.items.length === 0) {
    content = (
      <EmptyState title={t('reservations.empty')} hint={t('reservations.emptyHint')}>
        <Link className="button button--primary" to="/">
          {t('reservations.browse')}
        </Link>
      </EmptyState>
    );
  } else {
    const { items, totalPages } = reservations.data;
    content = (
      <>
        <ul className="reservation-list" aria-busy={reservations.isPlaceholderData}>
          {items.map((reservation) => (
            <li key={reservation.id}>
              <ReservationCard
                reservation={reservation}
                onCancel={setCancelling}
                onExpire={() => void reservations.refetch()}
              />
            </li>
          ))}
        </ul>
        <Pagination
          page={page}
          totalPages={totalPages}
          hrefFor={(p) => ({ search: p > 1 ? `?page=${p}` : '' })}
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
      <div role="status">{notice ? <p className="notice notice--success">{notice(t)}</p> : null}</div>
      {content}
      {cancelling ? (
        <CancelDialog
          reservation={cancelling}
          pending={cancel.isPending}
          error={cancel.error}
          onConfirm={confirmCancel}
          onClose={closeDialog}
        />
      ) : null}
    </>
  );
}
