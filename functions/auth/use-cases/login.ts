import { randomUUID } from 'node:crypto';
import type { AuthResult } from '../../../shared/routes';
import { TooManyRequestsError, UnauthenticatedError } from '../../shared/errors';
import type { Admission, AuthDeps } from '../ports';
import { issueSession } from './issue-session';
import { throttleClient } from './throttle';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;

// Compared against when the email is unknown, so a miss costs the same time as a wrong password.
const DUMMY_HASH = '$2b$10$X4vgD/agPav.QHcf/AD7Ru26/73jIJvBrzma3fv1X6PbaxqA1Mn6q';

export interface LoginInput {
  email: string;
  password: string;
  sourceIp: string;
}

export interface LoginOptions {
  /**
   * Test-only (local stage with test switches): the old order, lock check → bcrypt → count, which lets every
   * concurrent guess through. The race test uses it to show what the atomic admission prevents.
   */
  unguarded?: boolean;
}

/**
 * Five wrong passwords within 15 minutes lock the account for 15 minutes: later attempts are refused with 429
 * and Retry-After, even with the right password. Each attempt is counted before bcrypt runs (one atomic Redis
 * step with the lock check), so concurrent guesses cannot exceed five checks per window. A wrong password is
 * answered with how many attempts are left. The client address has its own budget across accounts.
 */
export async function login(
  deps: AuthDeps,
  input: LoginInput,
  options: LoginOptions = {},
): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  await throttleClient(deps, 'login', input.sourceIp);
  const admission = options.unguarded
    ? await unguardedAdmission(deps, email)
    : await deps.attempts.admit(email);
  if (!admission.admitted) {
    await deps.audit.record({
      action: 'auth.login.refused_locked',
      subject: email,
      sourceIp: input.sourceIp,
      details: { retryAfterSeconds: admission.retryAfterSeconds },
    });
    throw new TooManyRequestsError(
      admission.retryAfterSeconds,
      'ACCOUNT_LOCKED',
      'Too many failed sign-in attempts; try again later',
    );
  }

  const user = await deps.users.findByEmail(email);
  const ok = await deps.hasher.verify(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) {
    const attempt = options.unguarded ? await countAfterCheck(deps, email) : admission.attempt;
    const nowLocked = await deps.attempts.failed(email, attempt);
    const attemptsLeft = Math.max(0, deps.attempts.maxFailures - attempt);
    await deps.audit.record({
      action: 'auth.login.failed',
      actorId: user?.id ?? null,
      subject: email,
      sourceIp: input.sourceIp,
      details: { failures: attempt, reason: user ? 'wrong_password' : 'unknown_email' },
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
    // Unknown emails are counted the same way, so attemptsLeft tells nothing about whether an account exists.
    throw new UnauthenticatedError(
      'INVALID_CREDENTIALS',
      attemptsLeft > 0
        ? `Email or password is incorrect; ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left`
        : `Email or password is incorrect; sign-in is locked for ${LOCKOUT_SECONDS / 60} minutes`,
      { details: { attemptsLeft } },
    );
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

async function unguardedAdmission(deps: AuthDeps, email: string): Promise<Admission> {
  const locked = await deps.attempts.lockedFor(email);
  return locked > 0 ? { admitted: false, retryAfterSeconds: locked } : { admitted: true, attempt: 0 };
}

async function countAfterCheck(deps: AuthDeps, email: string): Promise<number> {
  const counted = await deps.attempts.admit(email);
  return counted.admitted ? counted.attempt : deps.attempts.maxFailures;
}
