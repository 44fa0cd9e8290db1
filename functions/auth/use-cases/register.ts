import { randomUUID } from 'node:crypto';
import type { AuthResult } from '../../../shared/routes';
import { ConflictError } from '../../shared/errors';
import type { AuthDeps } from '../ports';
import { issueSession } from './issue-session';
import { throttleClient } from './throttle';

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  sourceIp: string;
}

/**
 * Every new account is a plain `user`: a role in the request never reaches this use case. The client address's
 * sign-up budget is spent before the (deliberately slow) password hash.
 */
export async function register(deps: AuthDeps, input: RegisterInput): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  await throttleClient(deps, 'register', input.sourceIp);
  const passwordHash = await deps.hasher.hash(input.password);
  const user = await deps.users.create({ email, name: input.name, passwordHash, role: 'user' });
  if (!user) {
    await deps.audit.record({ action: 'auth.register.duplicate', subject: email, sourceIp: input.sourceIp });
    throw new ConflictError('EMAIL_TAKEN', 'An account with this email already exists');
  }
  await deps.audit.record({
    action: 'auth.register',
    actorId: user.id,
    subject: email,
    sourceIp: input.sourceIp,
  });
  return issueSession(deps, user, { familyId: randomUUID(), parentId: null });
}
