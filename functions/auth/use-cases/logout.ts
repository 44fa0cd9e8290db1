import type { AuthDeps } from '../ports';

/** Revokes the token's family. Unknown tokens are ignored: logout never tells whether a token existed. */
export async function logout(
  deps: AuthDeps,
  input: { refreshToken: string; sourceIp: string },
): Promise<void> {
  const userId = await deps.refreshTokens.revokeFamilyOf(
    deps.tokens.hashRefreshToken(input.refreshToken),
    'logout',
  );
  if (userId) await deps.audit.record({ action: 'auth.logout', actorId: userId, sourceIp: input.sourceIp });
}
