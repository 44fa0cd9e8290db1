import type { User } from '../../../shared/domain';
import { NotFoundError } from '../../shared/errors';
import type { AuthDeps } from '../ports';

/** The caller's own profile; the id comes from the verified token only. */
export async function me(deps: Pick<AuthDeps, 'users'>, callerId: string): Promise<{ user: User }> {
  const user = await deps.users.findById(callerId);
  if (!user) throw new NotFoundError('NOT_FOUND', 'User not found');
  return { user };
}
