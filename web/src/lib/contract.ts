/**
 * The one place the web app reaches into the repository's `shared/` contract (route table, domain schemas,
 * error codes, WebSocket protocol). Relative imports work for both `tsc` (the root tsconfig has no `paths`)
 * and Vite; the rest of the app imports from here. Import the individual modules, not `shared/index.ts`, so
 * the OpenAPI generator stays out of the bundle.
 */
export {
  type Availability,
  EVENT_STATUSES,
  type EventDetail,
  type EventStatus,
  type EventSummary,
  LIMITS,
  type TicketType,
  type User,
  userSchema,
} from '../../../shared/domain';
export { ERROR_CODES, type ErrorCode } from '../../../shared/errors';
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
  type ServerMessage,
  type ServerMessageType,
  serverMessageSchema,
  WS_HEARTBEAT_MS,
  WS_MAX_FRAME_BYTES,
} from '../../../shared/ws';
