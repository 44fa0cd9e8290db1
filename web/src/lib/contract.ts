/**
 * The one place the web app reaches into the repository's `shared/` contract (route table, domain schemas,
 * error codes, WebSocket protocol). Relative imports work for both `tsc` (the root tsconfig has no `paths`)
 * and Vite; the rest of the app imports from here. Import the individual modules, not `shared/index.ts`, so
 * the OpenAPI generator stays out of the bundle.
 */
import type { RESERVATION_STATUSES } from '../../../shared/domain';

export {
  BOOKING_LIMITS,
  CURRENCY,
  compactUuid,
  expandUuid,
  type Hold,
  type HoldResponse,
  PAYMENT_STATUSES,
  type PaymentPrepared,
  type PaymentStatus,
  type PaymentStatusResult,
  type Reservation,
  type ReservationCreateBody,
  type ReservationList,
  SANDBOX_TEST_CARDS,
  SEAT_ID_CHARS,
  SEAT_STATUS_CODES,
  type SeatMap,
  type SeatStatusView,
  seatIdAt,
} from '../../../shared/booking';
export {
  type Availability,
  EVENT_STATUSES,
  type EventDetail,
  type EventStatus,
  type EventSummary,
  LIMITS,
  RESERVATION_STATUSES,
  SEAT_STATUSES,
  type SeatStatus,
  type TicketType,
  type User,
  userSchema,
} from '../../../shared/domain';
export { ERROR_CODES, type ErrorCode } from '../../../shared/errors';
export {
  ADMISSION_HEADER,
  type QueueEntryAllowed,
  type QueueLeft,
  type QueueRoom,
  type QueueStatus,
  type QueueTicket,
} from '../../../shared/queue';
export {
  type AuthResult,
  buildPath,
  type EventList,
  type EventListQuery,
  loginBodySchema,
  type RouteBody,
  type RouteDef,
  type RouteId,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
  registerBodySchema,
  routeById,
} from '../../../shared/routes';
export {
  type ClientMessage,
  type SeatChange,
  type SeatChangesData,
  type ServerMessage,
  type ServerMessageType,
  serverMessageSchema,
  WS_HEARTBEAT_MS,
  WS_MAX_FRAME_BYTES,
} from '../../../shared/ws';

export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
