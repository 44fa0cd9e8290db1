import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('lists every missing variable in one error', () => {
    const act = () => loadConfig(['database', 'redis', 'jwt', 'connections'], {});
    expect(act).toThrow(ConfigError);
    try {
      act();
    } catch (err) {
      const msg = (err as Error).message;
      for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_ISSUER', 'CONNECTIONS_TABLE'])
        expect(msg).toContain(name);
    }
  });

  it('parses and defaults the parts asked for', () => {
    const c = loadConfig(['database', 'jwt'], {
      DATABASE_URL: 'postgres://x',
      JWT_ISSUER: 'i',
      DB_POOL_MAX: '3',
    });
    expect(c).toMatchObject({
      DATABASE_URL: 'postgres://x',
      DB_POOL_MAX: 3,
      JWT_AUDIENCE: 'tiketi-api',
      STAGE: 'local',
    });
  });

  it('accepts the AWS shape (endpoint + secret) instead of a URL', () => {
    const c = loadConfig(['database'], { DB_HOST: 'proxy', DB_SECRET_ARN: 'arn:secret' });
    expect(c.DB_HOST).toBe('proxy');
  });
});
