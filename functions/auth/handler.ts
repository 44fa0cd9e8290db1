import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { getAuthDeps } from './deps';
import { login } from './use-cases/login';
import { logout } from './use-cases/logout';
import { me } from './use-cases/me';
import { refresh } from './use-cases/refresh';
import { register } from './use-cases/register';

// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.auth.parts);

/** Test-only header (local stage with test switches): `1` checks the password before counting the attempt. */
export const DISABLE_LOGIN_GUARD_HEADER = 'x-test-disable-login-guard';

/** auth: /api/v1/auth/* — parse (shared route table), call a use case, map the result. */
export const handler = createHttpHandler('auth', {
  'auth.register': async ({ body, sourceIp }) => ({
    status: 201,
    body: await register(await getAuthDeps(), { ...body, sourceIp }),
  }),
  'auth.login': async ({ body, sourceIp, headers }) => {
    const deps = await getAuthDeps();
    const unguarded = deps.testSwitches === true && headers[DISABLE_LOGIN_GUARD_HEADER] === '1';
    return { status: 200, body: await login(deps, { ...body, sourceIp }, { unguarded }) };
  },
  'auth.refresh': async ({ body, sourceIp }) => ({
    status: 200,
    body: await refresh(await getAuthDeps(), { refreshToken: body.refreshToken, sourceIp }),
  }),
  'auth.logout': async ({ body, sourceIp }) => {
    await logout(await getAuthDeps(), { refreshToken: body.refreshToken, sourceIp });
    return { status: 204 };
  },
  'auth.me': async ({ auth }) => ({ status: 200, body: await me(await getAuthDeps(), auth.userId) }),
  'auth.jwks': async () => ({ status: 200, body: (await getAuthDeps()).tokens.jwks() }),
});
