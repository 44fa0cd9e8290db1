import type { AuthDeps } from '../ports';

/**
 * Ends the session the refresh token belongs to: its family is revoked (no more refreshes), its id is denylisted
 * for an access token's lifetime (every access token it issued is refused from now on), and its open WebSockets
 * are closed. Unknown tokens are ignored: logout never tells whether a token existed.
 */
export async function logout(
  deps: AuthDeps,
  input: { refreshToken: string; sourceIp: string },
): Promise<void> {
  const session = await deps.refreshTokens.revokeFamilyOf(
    deps.tokens.hashRefreshToken(input.refreshToken),
    'logout',
  );
  if (!session) return;
  // Denylist first, then close: a socket opening meanwhile is refused at $connect by the denylist.
  await deps.denylist.deny({ sid: session.familyId }, deps.tokens.accessTtlSeconds);
  const closed = await deps.sockets.closeSession(session.userId, session.familyId);
  await deps.audit.record({
    action: 'auth.logout',
    actorId: session.userId,
    sourceIp: input.sourceIp,
    details: { sessionId: session.familyId, socketsClosed: closed },
  });
}
