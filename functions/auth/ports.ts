import type { Role, User } from '../../shared/domain';
import type { SessionDenylist } from '../shared/session-denylist';

/** What the auth use cases need from the outside world. Adapters live in ./adapters. */

export interface UserRecord extends User {
  passwordHash: string;
}

export interface UserRepository {
  /** Inserts a user; returns null when the email is already registered (unique index, not a pre-check). */
  create(input: { email: string; name: string; passwordHash: string; role: Role }): Promise<User | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<User | null>;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewRefreshToken {
  userId: string;
  familyId: string;
  tokenHash: string;
  parentId: string | null;
  expiresAt: Date;
}

export interface RefreshTokenRepository {
  insert(input: NewRefreshToken): Promise<void>;
  /**
   * Runs `fn` with the token row locked (SELECT … FOR UPDATE) so concurrent rotations of one token
   * serialize: the first rotates, the second sees a rotated token and revokes the family.
   */
  withLockedToken<T>(
    tokenHash: string,
    fn: (token: RefreshTokenRecord | null, tx: RefreshTokenTx) => Promise<T>,
  ): Promise<T>;
  /** Revokes the token's family; its user and family (the session id), or null for an unknown token. */
  revokeFamilyOf(tokenHash: string, reason: string): Promise<{ userId: string; familyId: string } | null>;
}

export interface RefreshTokenTx {
  markRotated(id: string): Promise<void>;
  revokeFamily(familyId: string, reason: string): Promise<void>;
  insert(input: NewRefreshToken): Promise<void>;
}

export interface AuditEntry {
  action: string;
  actorId?: string | null;
  subject?: string | null;
  sourceIp?: string | null;
  details?: Record<string, unknown>;
}
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

/** Failed-login bookkeeping shared by every Lambda instance (Redis). */
export type Admission = { admitted: true; attempt: number } | { admitted: false; retryAfterSeconds: number };
export interface LoginAttempts {
  /** Failures allowed per window; the attempt numbered `maxFailures` is the last one whose password is checked. */
  maxFailures: number;
  /**
   * Atomically: refused while the account is locked or its window's attempts are used up; otherwise this attempt
   * is counted (before its password is checked) and gets its number in the window, 1-based.
   */
  admit(email: string): Promise<Admission>;
  /** Seconds left on the account's lock, or 0 (the test-only unguarded path reads it instead of admitting). */
  lockedFor(email: string): Promise<number>;
  /** The admitted attempt `attempt` had a wrong password; true when it was the last allowed one (now locked). */
  failed(email: string, attempt: number): Promise<boolean>;
  /** A successful sign-in clears the count and any lock. */
  reset(email: string): Promise<void>;
}

export type ThrottledAction = 'login' | 'register';
/** Per-client-IP budget for sign-in and sign-up, across accounts. */
export interface ClientThrottle {
  consume(
    action: ThrottledAction,
    ip: string,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  verify(plain: string, hash: string): Promise<boolean>;
}

export interface TokenIssuer {
  /** Signs an access token of session `sessionId` (its `sid`); returns it with its lifetime in seconds. */
  accessToken(
    user: Pick<User, 'id' | 'role' | 'email'>,
    sessionId: string,
  ): { token: string; expiresIn: number };
  accessTtlSeconds: number;
  /** A new opaque refresh token and the hash that is stored instead of it. */
  refreshToken(): { token: string; hash: string };
  hashRefreshToken(token: string): string;
  refreshTtlSeconds: number;
  jwks(): unknown;
}

/** The session's open WebSockets: listed from the connections table, closed through the management API. */
export interface SessionSockets {
  /** Closes every open connection of `userId` whose `$connect` token carried `sessionId`; returns how many. */
  closeSession(userId: string, sessionId: string): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export interface AuthDeps {
  users: UserRepository;
  refreshTokens: RefreshTokenRepository;
  audit: AuditLog;
  attempts: LoginAttempts;
  throttle: ClientThrottle;
  denylist: SessionDenylist;
  sockets: SessionSockets;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  clock: Clock;
  /** True only in the local stage with TIKETI_TEST_SWITCHES=1 (the login race test's guard bypass). */
  testSwitches?: boolean;
}
