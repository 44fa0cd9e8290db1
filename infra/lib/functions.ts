import type { FunctionName } from '../../shared/routes';
import type { ConfigPart } from './runtime-env';

/**
 * Which parts of the runtime config contract (functions/shared/config.ts) each Lambda receives. CDK turns a
 * part into environment variables plus the matching least-privilege grants; the local stack can read the same
 * table to know what each handler expects. `base` is always included.
 */

/** Route-table functions (`FUNCTIONS` in shared/routes.ts). Contexts not listed get DEFAULT_ROUTE_FUNCTION_PARTS. */
export const ROUTE_FUNCTION_PARTS: Partial<Record<FunctionName, readonly ConfigPart[]>> = {
  auth: ['database', 'redis', 'jwt', 'jwtSigning'],
  events: ['database', 'redis'],
  platform: ['database', 'redis', 'connections'],
};

/** Every business context reads PostgreSQL and Redis; anything more must be declared above. */
export const DEFAULT_ROUTE_FUNCTION_PARTS: readonly ConfigPart[] = ['database', 'redis'];

export const partsOf = (fn: FunctionName): readonly ConfigPart[] =>
  ROUTE_FUNCTION_PARTS[fn] ?? DEFAULT_ROUTE_FUNCTION_PARTS;

/** Lambdas outside the route table. */
export const FUNCTION_PARTS = {
  /** functions/authorizer/handler.ts: `handler` (REST) and `wsHandler` (WebSocket $connect). */
  authorizer: ['jwt', 'jwks'],
  /** functions/realtime/handler.ts: $connect/$disconnect/$default and client actions. */
  realtime: ['jwt', 'jwks', 'connections', 'redis', 'websocketManagement'],
  /** functions/seats/release-hold.ts: the hold-expiry state machine's task. */
  releaseHold: ['database', 'redis'],
  /** functions/db/migrate-handler.ts: migration custom resource (connects to the instance, not the proxy). */
  migrate: ['database'],
} as const satisfies Record<string, readonly ConfigPart[]>;

/** Handler entry of a route-table function. */
export const routeFunctionEntry = (fn: FunctionName): string => `functions/${fn}/handler.ts`;
