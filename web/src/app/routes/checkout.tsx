import { useParams } from 'react-router';
import { Checkout } from '../../features/reservations/components/checkout';
import { RequireSignIn } from '../require-sign-in';

export function CheckoutRoute() {
  const { reservationId } = useParams();
  return (
    <RequireSignIn>
      <Checkout key={reservationId} reservationId={reservationId} />
    </RequireSignIn>
  );
}
