import type { AuthResult } from '../../../shared/routes';
import { UnauthenticatedError } from '../../shared/errors';
import type { AuthDeps } from '../ports';
import { issueSession } from './issue-session';

const invalid = () =>
  new UnauthenticatedError('REFRESH_TOKEN_INVALID', 'Refresh token is invalid or expired');

/**
 * Rotates a refresh token. A token that was already rotated is a replay (a stolen copy or a race):
 * the whole family is revoked and both holders must sign in again.
 */
export async function refresh(
  deps: AuthDeps,
  input: { refreshToken: string; sourceIp: string },
): Promise<AuthResult> {
  const hash = deps.tokens.hashRefreshToken(input.refreshToken);
  const outcome = await deps.refreshTokens.withLockedToken(hash, async (token, tx) => {
    if (!token || token.revokedAt) return { kind: 'invalid' as const };
    if (token.rotatedAt) {
      await tx.revokeFamily(token.familyId, 'reuse_detected');
      return { kind: 'reuse' as const, userId: token.userId, familyId: token.familyId };
    }
    if (token.expiresAt.getTime() <= deps.clock.now().getTime()) return { kind: 'invalid' as const };
    const user = await deps.users.findById(token.userId);
    if (!user) return { kind: 'invalid' as const };
    await tx.markRotated(token.id);
    const session = await issueSession(deps, user, {
      familyId: token.familyId,
      parentId: token.id,
      expiresAt: token.expiresAt,
      tx,
    });
    return { kind: 'ok' as const, session };
  });
  if (outcome.kind === 'ok') return outcome.session;
  if (outcome.kind === 'reuse') {
    await deps.audit.record({
      action: 'auth.refresh.reuse_detected',
      actorId: outcome.userId,
      sourceIp: input.sourceIp,
      details: { familyId: outcome.familyId },
    });
  }
  throw invalid();
}
