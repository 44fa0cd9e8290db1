/**
 * One event's waiting room in Redis. The `{wr:<eventId>}` hash tag keeps every key of a room in one slot, so
 * the room's multi-key scripts also run on a Redis cluster.
 *
 * - `seq`     ticket counter (INCR);
 * - `queue`   ZSET waiting users, score = ticket number;
 * - `seen`    ZSET waiting users, score = last heartbeat (ms);
 * - `pre`     ZSET pre-queue arrivals, score = a random draw, turned into tickets at on-sale;
 * - `active`  ZSET admitted users, score = end of their shopping session (ms);
 * - `admits`  ZSET of recent admission batches (`<ms>:<count>`, score ms) for the measured rate;
 * - `state`   HASH `active` (0/1: the room gates purchases), `soldOut`, `serving` (highest ticket passed),
 *             `lease` (ms until which an admission loop is running), `drawNext` (next ticket of the draw).
 */
export const roomKeys = (eventId: string) => {
  const tag = `{wr:${eventId}}`;
  return {
    seq: `${tag}:seq`,
    queue: `${tag}:queue`,
    seen: `${tag}:seen`,
    pre: `${tag}:pre`,
    active: `${tag}:active`,
    admits: `${tag}:admits`,
    state: `${tag}:state`,
  };
};
export type RoomKeys = ReturnType<typeof roomKeys>;

/** The keys in the order every room script takes them (KEYS[1..7]). */
export const roomKeyList = (eventId: string): string[] => {
  const k = roomKeys(eventId);
  return [k.seq, k.queue, k.seen, k.pre, k.active, k.admits, k.state];
};
