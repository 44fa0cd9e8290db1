import { useLocation, useParams } from 'react-router';
import { useSession } from '../../features/auth/hooks/use-session';
import { loginPathFor } from '../../features/auth/utils/redirect';
import { EventDetail } from '../../features/events/components/event-detail';
import { GaTicketSelection } from '../../features/reservations/components/ga-ticket-selection';
import { ReserveButton } from '../../features/reservations/components/reserve-button';
import { SeatBooking } from '../../features/seat-map/components/seat-booking';
import { WaitingRoomGate } from '../../features/waiting-room/components/waiting-room-gate';
import type { EventDetail as EventDetailData } from '../../lib/contract';
import { useI18n } from '../../lib/i18n';

/**
 * The event page: the event's detail, and (while on sale) its booking UI: the live seat map for seated
 * events, ticket-type steppers for general admission. Composed here because booking spans features. For an
 * event with a waiting room, a signed-in user goes through the room first (full screen over the page); the
 * booking UI appears once admitted.
 */
export function EventRoute() {
  const { id } = useParams();
  // `key` resets per-event state when navigating from one event to another.
  return <EventDetail key={id} eventId={id} booking={(event) => <EventBooking event={event} />} />;
}

function EventBooking({ event }: { event: EventDetailData }) {
  const { t } = useI18n();
  const { signedIn, user } = useSession();
  const location = useLocation();
  const signInHref = loginPathFor(`${location.pathname}${location.search}`);

  return (
    <WaitingRoomGate
      eventId={event.id}
      enabled={signedIn && event.waitingRoom !== null}
      eventTitle={event.title}
    >
      {event.hasSeatMap ? (
        <SeatBooking
          eventId={event.id}
          maxSeatsPerUser={event.maxSeatsPerUser}
          signedIn={signedIn}
          userId={user?.id ?? null}
          signInHref={signInHref}
          renderReserve={(hold, { refreshHold, busy }) => (
            <ReserveButton
              body={{ eventId: event.id, seatIds: hold.seats.map((seat) => seat.id) }}
              label={t('hold.reserve', { count: hold.seats.length })}
              disabled={busy}
              maxSeats={hold.maxSeats}
              onRefused={refreshHold}
            />
          )}
        />
      ) : (
        <GaTicketSelection event={event} signedIn={signedIn} signInHref={signInHref} />
      )}
    </WaitingRoomGate>
  );
}
