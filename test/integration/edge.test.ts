import { request } from 'node:http';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { HEALTH_KEY_HEADER, VIEWER_IP_HEADER } from '../../shared/edge';
import { createDb } from '../support/db';
import { api, uniqueEmail } from '../support/http';

/**
 * The local gateway plays CloudFront's part: it refuses Host names other than its own (DNS rebinding), sets the
 * viewer address itself (a client cannot choose the address the audit log records), and /health is shallow
 * unless the platform's health-check key comes with it.
 */

const stack = inject('stack');
const db = createDb(stack.databaseUrl);
afterAll(() => db.end());
const port = Number(new URL(stack.url).port);

/** A GET with an arbitrary Host header (fetch does not let a caller choose it). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host header (DNS rebinding)', () => {
  it('refuses an unknown Host with 403 in the error envelope', async () => {
    const res = await getWithHost('/api/v1/events', `evil.example:${port}`);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/Host/) },
    });
    expect((await getWithHost('/config.json', 'evil.example')).status).toBe(403);
  });

  it('serves localhost and 127.0.0.1 on its port', async () => {
    expect((await getWithHost('/health', `localhost:${port}`)).status).toBe(200);
    expect((await getWithHost('/health', `127.0.0.1:${port}`)).status).toBe(200);
  });

  it('refuses a WebSocket upgrade with an unknown Host', async () => {
    const socket = new WebSocket(stack.wsUrl, { headers: { Host: `evil.example:${port}` } });
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', () => resolve(-1));
    });
    socket.terminate();
    expect(status).toBe(403);
  });
});

describe('viewer address', () => {
  it('records the connection’s address in the audit log, not one the client sent', async () => {
    const email = uniqueEmail('viewer-ip');
    const res = await api('/api/v1/auth/register', {
      body: { email, password: 'Pw-viewer-address-long', name: 'Viewer' },
      headers: { [VIEWER_IP_HEADER]: '6.6.6.6', 'X-Forwarded-For': '6.6.6.6' },
    });
    expect(res.status, res.text).toBe(201);
    const audit = await db.query<{ source_ip: string }>(
      "SELECT source_ip FROM audit_log WHERE action = 'auth.register' AND subject = $1",
      [email],
    );
    expect(audit.rows).toEqual([{ source_ip: '127.0.0.1' }]);
  });
});

describe('/health', () => {
  it('is shallow for the public: no dependency is listed', async () => {
    const res = await api<{ status: string; dependencies: Record<string, unknown> }>('/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', dependencies: {} });
  });

  it('checks every dependency with the platform’s health-check key', async () => {
    const key = stack.env.HEALTH_CHECK_KEY;
    expect(key).toBeTruthy();
    const res = await api<{ status: string; dependencies: Record<string, { status: string }> }>('/health', {
      headers: { [HEALTH_KEY_HEADER]: key as string },
    });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.json.dependencies).sort()).toEqual(['dynamodb', 'postgres', 'redis']);
    expect(Object.values(res.json.dependencies).every((d) => d.status === 'ok')).toBe(true);
  });
});
