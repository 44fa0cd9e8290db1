import { useParams } from 'react-router';
import { Checkout } from '../../features/reservations/components/checkout';
import { RefusedAdmissionRoom } from '../../features/waiting-room/components/refused-admission-room';
import { RequireSignIn } from '../require-sign-in';

export function CheckoutRoute() {
  const { reservationId } = useParams();
  return (
    <RequireSignIn>
      <Checkout key={reservationId} reservationId={reservationId} />
      {/* Paying needs a live waiting-room admission while the event's room is on: refused, enter it again. */}
      <RefusedAdmissionRoom />
    </RequireSignIn>
  );
}
