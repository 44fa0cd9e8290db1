import { useRefusedAdmissions } from '../hooks/use-admission';
import { WaitingRoomGate } from './waiting-room-gate';

/**
 * For pages past the event page (checkout): when a protected call there is refused with 403
 * ADMISSION_REQUIRED (the admission lapsed), the event's waiting room shows again; once admitted it closes
 * and the user can retry. Nothing otherwise.
 */
export function RefusedAdmissionRoom() {
  const [eventId] = useRefusedAdmissions();
  if (!eventId) return null;
  return <WaitingRoomGate key={eventId} eventId={eventId} enabled />;
}
