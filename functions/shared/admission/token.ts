import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Waiting-room admission tokens: `v1.<payload>.<signature>`, the payload `{ e: eventId, u: userId, x: expiry in
 * epoch seconds }` in base64url and an HMAC-SHA256 over `v1.<payload>` with the stage's admission secret.
 * Short-lived (the admitted session's end) and bound to one event and one user, so a token copied to another
 * account or event is worthless. Symmetric on purpose: only our own functions sign and verify, and a hash is
 * ~1 µs where an RSA verify costs a hundred times that on every lock.
 */

export interface AdmissionClaims {
  eventId: string;
  userId: string;
  expiresAt: Date;
}

const VERSION = 'v1';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export function signAdmissionToken(secret: string, claims: AdmissionClaims): string {
  const payload = b64(
    JSON.stringify({ e: claims.eventId, u: claims.userId, x: Math.floor(claims.expiresAt.getTime() / 1000) }),
  );
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${mac(secret, signed).toString('base64url')}`;
}

/** The claims of a well-formed token signed with `secret`, expired or not; null for anything else. */
export function verifyAdmissionToken(
  secret: string,
  token: string | undefined | null,
): AdmissionClaims | null {
  if (!token || token.length > 1024) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  // Compared as canonical text, not decoded bytes: base64url's unused low bits would otherwise let several
  // spellings of one signature pass.
  const expected = Buffer.from(mac(secret, `${parts[0]}.${parts[1]}`).toString('base64url'));
  const given = Buffer.from(parts[2]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const p = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof p.e !== 'string' || typeof p.u !== 'string' || typeof p.x !== 'number') return null;
    return { eventId: p.e, userId: p.u, expiresAt: new Date(p.x * 1000) };
  } catch {
    return null;
  }
}
