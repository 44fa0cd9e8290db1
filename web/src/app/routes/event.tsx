import { useParams } from 'react-router';
import { EventDetail } from '../../features/events/components/event-detail';

export function EventRoute() {
  const { id } = useParams();
  // `key` resets per-event state when navigating from one event to another.
  return <EventDetail key={id} eventId={id} />;
}
