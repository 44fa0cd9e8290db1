import type { User } from '../../../shared/domain';
import type { AuthResult } from '../../../shared/routes';
import type { AuthDeps, RefreshTokenTx } from '../ports';

/** Access token + a refresh token in `familyId` (a new family for a new sign-in). */
export async function issueSession(
  deps: Pick<AuthDeps, 'tokens' | 'refreshTokens' | 'clock'>,
  user: User,
  family: { familyId: string; parentId: string | null; tx?: RefreshTokenTx },
): Promise<AuthResult> {
  const access = deps.tokens.accessToken(user);
  const refresh = deps.tokens.refreshToken();
  const expiresAt = new Date(deps.clock.now().getTime() + deps.tokens.refreshTtlSeconds * 1000);
  await (family.tx ?? deps.refreshTokens).insert({
    userId: user.id,
    familyId: family.familyId,
    tokenHash: refresh.hash,
    parentId: family.parentId,
    expiresAt,
  });
  return { user, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
}
