import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Countdown } from '../../../components/ui/countdown';
import { ErrorState } from '../../../components/ui/error-state';
import { NotFoundView } from '../../../components/ui/not-found-view';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiError } from '../../../lib/api';
import type { PaymentStatusResult, Reservation } from '../../../lib/contract';
import { errorMessage } from '../../../lib/error-message';
import { useCountdown } from '../../../lib/hooks/use-countdown';
import { useDocumentTitle } from '../../../lib/hooks/use-document-title';
import { useI18n } from '../../../lib/i18n';
import { usePaymentStatus } from '../api/get-payment-status';
import { isReservationId, useReservation } from '../api/get-reservation';
import { usePay } from '../api/pay';
import { reservationKeys } from '../api/reservation-keys';
import {
  type FailureReason,
  failureReason,
  PAYMENT_POLL_TIMEOUT_MS,
  paymentOutcome,
} from '../utils/payment-outcome';
import { PaymentForm } from './payment-form';
import { ReservationStatusBadge } from './reservation-status-badge';
import { ReservationSummary } from './reservation-summary';

const FAILURE_KEYS = {
  declined: 'payment.failed.declined',
  timeout: 'payment.failed.timeout',
  expired: 'payment.failed.expired',
  cancelled: 'payment.failed.cancelled',
  refunded: 'payment.failed.refunded',
  other: 'payment.failed.other',
} as const satisfies Record<FailureReason, string>;

interface Attempt {
  paymentId: string;
  startedAt: number;
}

/** The checkout page: reservation summary with its payment deadline, the sandbox payment, and the result. */
export function Checkout({ reservationId }: { reservationId: string | undefined }) {
  const { t } = useI18n();
  const reservation = useReservation(reservationId);
  useDocumentTitle(t('checkout.title'));

  const notFound =
    !isReservationId(reservationId) || (isApiError(reservation.error) && reservation.error.status === 404);
  if (notFound) {
    return (
      <NotFoundView
        title={t('checkout.notFoundTitle')}
        body={t('checkout.notFoundBody')}
        linkLabel={t('reservations.title')}
        linkTo="/reservations"
      />
    );
  }
  if (reservation.isPending) {
    return (
      <div className="checkout">
        <p className="visually-hidden" role="status">
          {t('common.loading')}
        </p>
        <Skeleton width="40%" height="2.25rem" />
        <Skeleton width="100%" height="10rem" />
      </div>
    );
  }
  if (reservation.isError) {
    return (
      <ErrorState
        title={t('checkout.loadError')}
        message={errorMessage(reservation.error)(t)}
        retryLabel={t('common.retry')}
        onRetry={() => void reservation.refetch()}
      />
    );
  }
  return <CheckoutView reservation={reservation.data} onRefresh={() => void reservation.refetch()} />;
}

function CheckoutView({ reservation, onRefresh }: { reservation: Reservation; onRefresh: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const titleId = useId();
  const pay = usePay(reservation.id, reservation.eventId);
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  // A payment already under way when the page opened (a reload while it was being confirmed): follow it.
  const [openedAt] = useState(() => Date.now());
  const resumable =
    reservation.status === 'pending_payment' &&
    reservation.payment &&
    (reservation.payment.status === 'in_progress' || reservation.payment.status === 'approved')
      ? reservation.payment.id
      : null;
  const active: Attempt | null =
    attempt ?? (resumable ? { paymentId: resumable, startedAt: openedAt } : null);
  const status = usePaymentStatus(active?.paymentId ?? null, active?.startedAt ?? openedAt);
  const outcome = status.data ? paymentOutcome(status.data) : 'pending';

  // A final outcome changes the reservation: re-read it (and "my reservations") once.
  const settled = active && outcome !== 'pending' ? `${active.paymentId}:${outcome}` : null;
  useEffect(() => {
    if (!settled) return;
    void queryClient.invalidateQueries({ queryKey: reservationKeys.detail(reservation.id) });
    void queryClient.invalidateQueries({ queryKey: reservationKeys.lists() });
  }, [settled, queryClient, reservation.id]);

  const startPayment = (card: string) =>
    pay.mutate(card, {
      onSuccess: (result) => setAttempt({ paymentId: result.paymentId, startedAt: Date.now() }),
      onError: (error) => {
        // The reservation is no longer payable (expired, cancelled): show its state.
        if (isApiError(error) && error.code === 'RESERVATION_NOT_PENDING') onRefresh();
      },
    });

  const tryAgain = () => {
    pay.startOver();
    setAttempt(null);
  };

  let content: ReactNode;
  if (active && outcome === 'approved') {
    content = <PaymentApproved reservation={reservation} />;
  } else if (active && outcome === 'failed' && status.data) {
    content = (
      <PaymentFailed
        status={status.data}
        reservation={reservation}
        onTryAgain={reservation.status === 'pending_payment' ? tryAgain : null}
      />
    );
  } else if (active) {
    content = <PaymentProgress key={active.paymentId} startedAt={active.startedAt} error={status.error} />;
  } else if (reservation.status === 'confirmed') {
    content = <PaymentApproved reservation={reservation} already />;
  } else if (reservation.status !== 'pending_payment') {
    content = <NotPayable reservation={reservation} />;
  } else {
    content = (
      <section className="panel" aria-labelledby={`${titleId}-pay`}>
        <h2 id={`${titleId}-pay`} className="section__title">
          {t('checkout.payment')}
        </h2>
        <PaymentForm
          amount={reservation.total}
          currency={reservation.currency}
          pending={pay.isPending}
          error={pay.error}
          onPay={startPayment}
        />
      </section>
    );
  }

  const payable = reservation.status === 'pending_payment' && !(active && outcome !== 'pending');
  return (
    <article className="checkout" aria-labelledby={titleId}>
      <h1 id={titleId} className="page-title" tabIndex={-1}>
        {t('checkout.title')}
      </h1>
      <div className="checkout__layout">
        <section className="panel checkout__summary" aria-labelledby={`${titleId}-summary`}>
          <h2 id={`${titleId}-summary`} className="section__title">
            {reservation.eventTitle}
          </h2>
          <p>
            <ReservationStatusBadge status={reservation.status} />
          </p>
          {payable ? (
            <Countdown
              expiresAt={reservation.expiresAt}
              label={t('checkout.deadline')}
              expiredText={t('checkout.deadlinePassed')}
              onExpire={onRefresh}
            />
          ) : null}
          <ReservationSummary reservation={reservation} />
        </section>
        <div className="checkout__main">{content}</div>
      </div>
    </article>
  );
}

/** Moves focus to a result's heading when it appears, so it is read first. */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}

function PaymentProgress({ startedAt, error }: { startedAt: number; error: unknown }) {
  const { t } = useI18n();
  const [deadline] = useState(() => new Date(startedAt + PAYMENT_POLL_TIMEOUT_MS).toISOString());
  const [timedOut, setTimedOut] = useState(false);
  const left = useCountdown(deadline, () => setTimedOut(true)) ?? 0;
  const elapsed = Math.min(PAYMENT_POLL_TIMEOUT_MS, PAYMENT_POLL_TIMEOUT_MS - left);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();

  if (timedOut) {
    return (
      <section className="panel payment-result payment-result--pending" role="alert">
        <h2 className="section__title">{t('payment.slowTitle')}</h2>
        <p>{t('payment.slowBody')}</p>
        <Link className="button button--primary" to="/reservations">
          {t('reservations.title')}
        </Link>
      </section>
    );
  }
  return (
    <section className="panel payment-result payment-result--pending" aria-busy="true">
      <h2 ref={headingRef} className="section__title" tabIndex={-1}>
        {t('payment.progressTitle')}
      </h2>
      <p role="status">{t('payment.progressBody')}</p>
      <progress
        className="payment-progress"
        max={PAYMENT_POLL_TIMEOUT_MS / 1000}
        value={Math.round(elapsed / 1000)}
        aria-label={t('payment.progressLabel', { seconds: Math.round(elapsed / 1000) })}
      />
      {error ? <p className="muted small">{errorMessage(error)(t)}</p> : null}
    </section>
  );
}

function PaymentApproved({ reservation, already = false }: { reservation: Reservation; already?: boolean }) {
  const { t } = useI18n();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="panel payment-result payment-result--approved">
      <h2 ref={headingRef} className="section__title" tabIndex={-1}>
        {already ? t('payment.alreadyPaid') : t('payment.approvedTitle')}
      </h2>
      <p>{t('payment.approvedBody', { title: reservation.eventTitle })}</p>
      <div className="state__actions">
        <Link className="button button--primary" to="/reservations">
          {t('payment.toReservations')}
        </Link>
        <Link className="button button--secondary" to={`/events/${reservation.eventId}`}>
          {t('checkout.backToEvent')}
        </Link>
      </div>
    </section>
  );
}

function PaymentFailed({
  status,
  reservation,
  onTryAgain,
}: {
  status: PaymentStatusResult;
  reservation: Reservation;
  onTryAgain: (() => void) | null;
}) {
  const { t } = useI18n();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="panel payment-result payment-result--failed">
      <h2 ref={headingRef} className="section__title" tabIndex={-1}>
        {t('payment.failedTitle')}
      </h2>
      <p>{t(FAILURE_KEYS[failureReason(status)])}</p>
      {onTryAgain ? (
        <p>{t('payment.canRetry')}</p>
      ) : reservation.status === 'cancelled' || reservation.status === 'expired' ? (
        <p>{t('payment.released')}</p>
      ) : null}
      {status.failureCode ? (
        <p className="muted small">{t('payment.failureCode', { code: status.failureCode })}</p>
      ) : null}
      <div className="state__actions">
        {onTryAgain ? (
          <button type="button" className="button button--primary" onClick={onTryAgain}>
            {t('payment.tryAgain')}
          </button>
        ) : null}
        <Link
          className={onTryAgain ? 'button button--secondary' : 'button button--primary'}
          to={`/events/${reservation.eventId}`}
        >
          {t('checkout.backToEvent')}
        </Link>
      </div>
    </section>
  );
}

function NotPayable({ reservation }: { reservation: Reservation }) {
  const { t } = useI18n();
  const key =
    reservation.status === 'expired'
      ? 'checkout.expired'
      : reservation.status === 'refunded'
        ? 'checkout.refunded'
        : 'checkout.cancelled';
  return (
    <section className="panel payment-result payment-result--failed" role="alert">
      <h2 className="section__title">{t('checkout.notPayable')}</h2>
      <p>{t(key)}</p>
      <div className="state__actions">
        <Link className="button button--primary" to={`/events/${reservation.eventId}`}>
          {t('checkout.backToEvent')}
        </Link>
        <Link className="button button--secondary" to="/reservations">
          {t('reservations.title')}
        </Link>
      </div>
    </section>
  );
}
