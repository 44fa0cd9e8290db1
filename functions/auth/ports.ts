import type { Role, User } from '../../shared/domain';

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
  revokeFamilyOf(tokenHash: string, reason: string): Promise<string | null>;
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
export interface LoginAttempts {
  /** Seconds left on the account's lock, or 0 when not locked. */
  lockedFor(email: string): Promise<number>;
  /** Counts a failure in the sliding window; returns the failures so far and whether this one locked the account. */
  recordFailure(email: string): Promise<{ failures: number; locked: boolean }>;
  reset(email: string): Promise<void>;
}

export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  verify(plain: string, hash: string): Promise<boolean>;
}

export interface TokenIssuer {
  /** Signs an access token; returns it with its lifetime in seconds. */
  accessToken(user: Pick<User, 'id' | 'role' | 'email'>): { token: string; expiresIn: number };
  /** A new opaque refresh token and the hash that is stored instead of it. */
  refreshToken(): { token: string; hash: string };
  hashRefreshToken(token: string): string;
  refreshTtlSeconds: number;
  jwks(): unknown;
}

export interface Clock {
  now(): Date;
}

export interface AuthDeps {
  users: UserRepository;
  refreshTokens: RefreshTokenRepository;
  audit: AuditLog;
  attempts: LoginAttempts;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  clock: Clock;
}
