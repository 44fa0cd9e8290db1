import { randomUUID } from 'node:crypto';
import type { AuthResult } from '../../../shared/routes';
import { ConflictError } from '../../shared/errors';
import type { AuthDeps } from '../ports';
import { issueSession } from './issue-session';

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  sourceIp: string;
}

/** Every new account is a plain `user`: a role in the request never reaches this use case. */
export async function register(deps: AuthDeps, input: RegisterInput): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
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
