import { type ReactNode, useId, useMemo } from 'react';
import { Link } from 'react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { Skeleton } from '../../../components/ui/skeleton';
import type { Hold } from '../../../lib/contract';
import { errorMessage } from '../../../lib/error-message';
import { useI18n } from '../../../lib/i18n';
import { useLiveSeatMap } from '../hooks/use-live-seat-map';
import { useSeatSelection } from '../hooks/use-seat-selection';
import { availableByTier } from '../utils/live-seat-store';
import { seatIdOf, seatLabel } from '../utils/seat-map-model';
import { HoldPanel } from './hold-panel';
import { SeatMapCanvas } from './seat-map-canvas';
import { SeatMapLegend } from './seat-map-legend';

export interface SeatBookingProps {
  eventId: string;
  maxSeatsPerUser: number;
  signedIn: boolean;
  userId: string | null;
  /** Where "sign in to select seats" goes (with a way back here). */
  signInHref: string;
  /** The reserve action for the hold: composed in by the page (reservations live in another feature). */
  renderReserve: (hold: Hold, state: { refreshHold: () => void; busy: boolean }) => ReactNode;
}

/** Seat selection for a seated event: the live map, its legend, my hold with its countdown, and feedback. */
export function SeatBooking(props: SeatBookingProps) {
  const { eventId, maxSeatsPerUser, signedIn, userId, signInHref, renderReserve } = props;
  const { t } = useI18n();
  const headingId = useId();
  const live = useLiveSeatMap(eventId);
  const { model, store, version } = live;
  const selection = useSeatSelection({ eventId, model, store, signedIn, userId, maxSeatsPerUser });

  const available = useMemo(() => {
    const statuses = store.getStatuses();
    return model && statuses && version >= 0 ? availableByTier(model, statuses) : [];
  }, [model, store, version]);

  const adding = useMemo(
    () =>
      model
        ? [...selection.pending]
            .filter(([, kind]) => kind === 'add')
            .map(([index]) => ({ key: String(index), label: seatLabel(model, index) }))
        : [],
    [model, selection.pending],
  );
  const removing = useMemo(
    () =>
      new Set(
        model
          ? [...selection.pending].filter(([, kind]) => kind === 'remove').map(([i]) => seatIdOf(model, i))
          : [],
      ),
    [model, selection.pending],
  );

  let map: ReactNode;
  if (live.error) {
    map = (
      <ErrorState
        title={t('seatMap.loadError')}
        message={errorMessage(live.error)(t)}
        retryLabel={t('common.retry')}
        onRetry={live.refetch}
      />
    );
  } else if (!model) {
    map = (
      <div className="seat-map seat-map--loading">
        <p className="visually-hidden" role="status">
          {t('seatMap.loading')}
        </p>
        <Skeleton className="seat-map__skeleton" width="100%" height="100%" />
      </div>
    );
  } else if (model.count === 0) {
    map = <p className="muted">{t('seatMap.empty')}</p>;
  } else {
    map = (
      <>
        <SeatMapCanvas
          model={model}
          store={store}
          version={version}
          mine={selection.mine}
          pending={selection.pending}
          onToggle={selection.toggle}
        />
        <SeatMapLegend model={model} available={available} />
      </>
    );
  }

  const { feedback } = selection;
  return (
    <section className="seat-booking" aria-labelledby={headingId}>
      <h2 id={headingId} className="section__title">
        {t('seatMap.title')}
      </h2>
      {signedIn ? null : (
        <p className="notice small">
          {t('seatMap.signInNote')} <Link to={signInHref}>{t('seatMap.signInLink')}</Link>
        </p>
      )}
      <div className="seat-booking__layout">
        <div className="seat-booking__map">{map}</div>
        <div className="seat-booking__side">
          {/* Errors interrupt; confirmations wait their turn. Both regions exist before they have text. */}
          <div className="seat-booking__feedback" role="alert">
            {feedback?.tone === 'error' ? (
              <p key={feedback.id} className="form-alert">
                {feedback.message(t)}
                {!signedIn ? (
                  <>
                    {' '}
                    <Link to={signInHref}>{t('seatMap.signInLink')}</Link>
                  </>
                ) : null}
              </p>
            ) : null}
          </div>
          <p className="visually-hidden" role="status" aria-live="polite">
            {feedback?.tone === 'info' ? feedback.message(t) : ''}
          </p>
          {signedIn ? (
            <HoldPanel
              hold={selection.hold}
              loading={selection.holdQuery.isPending}
              error={selection.holdQuery.error}
              onRetry={selection.refreshHold}
              adding={adding}
              removing={removing}
              maxSeats={selection.maxSeats}
              onRemove={selection.remove}
              onExpire={selection.refreshHold}
              reserve={
                selection.hold
                  ? renderReserve(selection.hold, {
                      refreshHold: selection.refreshHold,
                      // Not while a seat is still being added or released: the request would miss it.
                      busy: selection.pending.size > 0,
                    })
                  : null
              }
            />
          ) : null}
        </div>
      </div>
    </section>
  );
}
