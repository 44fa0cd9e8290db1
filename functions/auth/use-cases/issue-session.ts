import type { User } from '../../../shared/domain';
import type { AuthResult } from '../../../shared/routes';
import type { AuthDeps, RefreshTokenTx } from '../ports';

/**
 * Access token + a refresh token in `familyId` (a new family for a new sign-in). The family is the session: its
 * id is the access token's `sid`. A rotation passes the family's `expiresAt` on, so a family lives 30 days from
 * its sign-in however often it is rotated (an absolute lifetime, not a sliding one).
 */
export async function issueSession(
  deps: Pick<AuthDeps, 'tokens' | 'refreshTokens' | 'clock'>,
  user: User,
  family: { familyId: string; parentId: string | null; expiresAt?: Date; tx?: RefreshTokenTx },
): Promise<AuthResult> {
  const access = deps.tokens.accessToken(user, family.familyId);
  const refresh = deps.tokens.refreshToken();
  const expiresAt =
    family.expiresAt ?? new Date(deps.clock.now().getTime() + deps.tokens.refreshTtlSeconds * 1000);
  await (family.tx ?? deps.refreshTokens).insert({
    userId: user.id,
    familyId: family.familyId,
    tokenHash: refresh.hash,
    parentId: family.parentId,
    expiresAt,
  });
  return { user, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
}
