import type { ErrorCode } from '../../../shared/errors';
import {
  type ClientMessage,
  clientMessageSchema,
  type ServerMessage,
  WS_IDENTITY_FIELDS,
} from '../../../shared/ws';
import type { Caller, RealtimeDeps } from '../ports';
import { joinEvent, joinSeatSelection, leaveEvent } from './event-topics';
import { heartbeat } from './heartbeat';
import { joinQueue } from './join-queue';
import { resume } from './resume';
import { changeSeatSelection } from './seat-selection';

export type ParsedFrame =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string };

/**
 * A frame → a client message, or the error to answer with. A frame naming a user is refused outright (not
 * silently stripped): the user is whoever the `$connect` token proved, and a client trying otherwise should
 * hear so. Unknown fields and actions fail the strict schema.
 */
export function parseFrame(body: string | undefined): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return { ok: false, code: 'MALFORMED_JSON', message: 'Frames must be JSON objects with an "action"' };
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    if (WS_IDENTITY_FIELDS.some((f) => Object.hasOwn(json as object, f))) {
      return {
        ok: false,
        code: 'FORBIDDEN',
        message: "Frames must not name a user; the connection's sign-in decides who you are",
      };
    }
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, code: 'VALIDATION_FAILED', message: 'Unknown action or invalid fields' };
  return { ok: true, message: parsed.data };
}

/** Runs the use case of one client message; returns the reply, if the action has one. */
export async function handleClientMessage(
  deps: RealtimeDeps,
  caller: Caller,
  message: ClientMessage,
): Promise<ServerMessage | undefined> {
  switch (message.action) {
    case 'ping':
      return heartbeat(deps, caller);
    case 'join-event':
      await joinEvent(deps, caller, message);
      return undefined;
    case 'join-seat-selection':
      await joinSeatSelection(deps, caller, message);
      return undefined;
    case 'leave-event':
      await leaveEvent(deps, caller, message);
      return undefined;
    case 'seat-selection-changed':
      await changeSeatSelection(deps, caller, message);
      return undefined;
    case 'join-queue':
      await joinQueue(deps, caller, message);
      return undefined;
    case 'resume':
      return resume(deps, caller);
  }
}
