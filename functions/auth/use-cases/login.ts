import { randomUUID } from 'node:crypto';
import type { AuthResult } from '../../../shared/routes';
import { TooManyRequestsError, UnauthenticatedError } from '../../shared/errors';
import type { AuthDeps } from '../ports';
import { issueSession } from './issue-session';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;

// Compared against when the email is unknown, so a miss costs the same time as a wrong password.
const DUMMY_HASH = '$2b$10$X4vgD/agPav.QHcf/AD7Ru26/73jIJvBrzma3fv1X6PbaxqA1Mn6q';

export interface LoginInput {
  email: string;
  password: string;
  sourceIp: string;
}

/**
 * Five failures within 15 minutes lock the account for 15 minutes: the 6th attempt is refused with 429
 * and Retry-After, even with the right password. Every failure and lockout is audited.
 */
export async function login(deps: AuthDeps, input: LoginInput): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  const locked = await deps.attempts.lockedFor(email);
  if (locked > 0) {
    await deps.audit.record({
      action: 'auth.login.refused_locked',
      subject: email,
      sourceIp: input.sourceIp,
      details: { retryAfterSeconds: locked },
    });
    throw new TooManyRequestsError(
      locked,
      'ACCOUNT_LOCKED',
      'Too many failed sign-in attempts; try again later',
    );
  }

  const user = await deps.users.findByEmail(email);
  const ok = await deps.hasher.verify(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) {
    const { failures, locked: nowLocked } = await deps.attempts.recordFailure(email);
    await deps.audit.record({
      action: 'auth.login.failed',
      actorId: user?.id ?? null,
      subject: email,
      sourceIp: input.sourceIp,
      details: { failures, reason: user ? 'wrong_password' : 'unknown_email' },
    });
    if (nowLocked) {
      await deps.audit.record({
        action: 'auth.login.locked',
        actorId: user?.id ?? null,
        subject: email,
        sourceIp: input.sourceIp,
        details: { lockSeconds: LOCKOUT_SECONDS },
      });
    }
    throw new UnauthenticatedError('INVALID_CREDENTIALS', 'Email or password is incorrect');
  }

  await deps.attempts.reset(email);
  await deps.audit.record({
    action: 'auth.login',
    actorId: user.id,
    subject: email,
    sourceIp: input.sourceIp,
  });
  const { passwordHash: _hash, ...publicUser } = user;
  return issueSession(deps, publicUser, { familyId: randomUUID(), parentId: null });
}
