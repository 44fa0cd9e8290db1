import type { Redis } from 'ioredis';
import { getRedis } from './clients';
import { once } from './once';

/**
 * Ended sessions, in Redis until the last access token they could have issued expires. Logout denylists the
 * session id (`sid`, the refresh-token family) rather than one `jti`: every access token the session holds —
 * including ones an earlier refresh issued that are still within their 15 minutes — dies with it. A single token
 * can be denied by `jti` as well. Checked by the authorizers, every REST route (http.ts) and WebSocket $connect.
 */
export interface SessionDenylist {
  deny(entry: { sid?: string; jti?: string }, ttlSeconds: number): Promise<void>;
  isDenied(token: { sid?: string; jti?: string }): Promise<boolean>;
}

const sidKey = (sid: string) => `auth:denied-session:${sid}`;
const jtiKey = (jti: string) => `auth:denied-token:${jti}`;

export function redisSessionDenylist(redis: Redis): SessionDenylist {
  return {
    async deny({ sid, jti }, ttlSeconds) {
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      const tx = redis.multi();
      if (sid) tx.set(sidKey(sid), '1', 'EX', ttl);
      if (jti) tx.set(jtiKey(jti), '1', 'EX', ttl);
      await tx.exec();
    },
    async isDenied({ sid, jti }) {
      const keys = [...(sid ? [sidKey(sid)] : []), ...(jti ? [jtiKey(jti)] : [])];
      return keys.length > 0 && (await redis.exists(...keys)) > 0;
    },
  };
}

export const getSessionDenylist = once(async () => redisSessionDenylist(await getRedis()));
