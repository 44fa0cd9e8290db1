import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isGone, isThrottling } from './broadcaster';
import { signedConnectionPoster } from './connection-poster';

/**
 * The direct poster must send what the SDK's PostToConnectionCommand sends, signed so that API Gateway accepts
 * it. A loopback server records both requests; the signature is checked by an independent SigV4 verifier
 * written from the AWS specification with node:crypto (double-encoded path, sorted signed headers), which is
 * first shown to accept the SDK's own request and to refuse a tampered one.
 */

interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const region = 'ap-northeast-2';
let server: Server;
let endpoint: string;
let captured: Captured[] = [];
let answer: { status: number; type?: string; delayMs?: number; dropOnce?: string } = { status: 200 };
const dropped = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({
        method: req.method!,
        path: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      // A keep-alive socket closed under the client (the server's idle timeout racing a new request).
      if (answer.dropOnce && req.url!.endsWith(answer.dropOnce) && !dropped.has(req.url!)) {
        dropped.add(req.url!);
        req.socket.destroy();
        return;
      }
      const reply = () => {
        const body = answer.status === 200 ? '' : JSON.stringify({ message: 'nope' });
        res.writeHead(answer.status, {
          'Content-Length': Buffer.byteLength(body),
          ...(answer.type ? { 'x-amzn-ErrorType': answer.type } : {}),
        });
        res.end(body);
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  captured = [];
  answer = { status: 200 };
});

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 for a non-S3 service, from the specification: true when the Authorization header is valid. */
function verifies(req: Captured, secret = credentials.secretAccessKey): boolean {
  const auth = String(req.headers.authorization);
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return false;
  const [, , day, reg, service, signedHeaders, signature] = m as unknown as string[];
  const amzDate = String(req.headers['x-amz-date']);
  const names = signedHeaders!.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join('');
  // Non-S3 services: every path segment is URI-encoded once more on top of what was sent.
  const canonicalPath = req.path
    .split('?')[0]!
    .split('/')
    .map((seg) => encode(seg))
    .join('/');
  const canonical = [
    req.method,
    canonicalPath,
    '',
    canonicalHeaders,
    signedHeaders,
    req.headers['x-amz-content-sha256'] ?? sha256(req.body),
  ].join('\n');
  const scope = `${day}/${reg}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day!), reg!), service!), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === signature;
}

const data = Buffer.from(JSON.stringify({ type: 'pong', data: {} }));

describe('signedConnectionPoster', () => {
  it('sends the request the SDK sends, with a signature API Gateway accepts', async () => {
    // Prepare
    const sdk = new ApiGatewayManagementApiClient({ endpoint, region, credentials, maxAttempts: 1 });
    const poster = signedConnectionPoster({
      endpoint,
      region,
      credentials: async () => credentials,
      maxSockets: 2,
    });
    const connectionId = 'Xy9_abc=';

    // Act
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    await poster.post(connectionId, data);

    // Assess
    const [fromSdk, ours] = captured as [Captured, Captured];
    expect(verifies(fromSdk)).toBe(true); // the verifier agrees with the SDK…
    expect(verifies({ ...fromSdk, path: fromSdk.path.replace('Xy9', 'Xy8') })).toBe(false); // …and is not blind
    expect(verifies(fromSdk, 'wrong-secret')).toBe(false);
    expect(ours.method).toBe('POST');
    expect(ours.path).toBe(fromSdk.path);
    expect(ours.body.equals(data)).toBe(true);
    expect(ours.headers.authorization).toContain(`/${region}/execute-api/aws4_request`);
    expect(verifies(ours)).toBe(true);
    sdk.destroy();
  });

  it('maps 410 to a gone error and 429 to throttling, with the SDK error shape', async () => {
    const poster = signedConnectionPoster({
      endpoint,
      region,
      credentials: async () => credentials,
      maxSockets: 2,
    });

    answer = { status: 410, type: 'GoneException' };
    const gone = await poster.post('c1', data).catch((e: unknown) => e);
    answer = { status: 429, type: 'LimitExceededException:http://internal' };
    const throttled = await poster.post('c2', data).catch((e: unknown) => e);
    answer = { status: 403, type: 'ForbiddenException' };
    const forbidden = await poster.post('c3', data).catch((e: unknown) => e);

    expect(isGone(gone)).toBe(true);
    expect(isThrottling(throttled)).toBe(true);
    expect((throttled as Error).name).toBe('LimitExceededException');
    expect(isGone(forbidden) || isThrottling(forbidden)).toBe(false);
    expect(forbidden).toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });
    expect((forbidden as Error).message).toBe('nope');
  });

  it('gives up on a request that hangs past its timeout', async () => {
    const poster = signedConnectionPoster({
      endpoint,
      region,
      credentials: async () => credentials,
      maxSockets: 2,
      requestTimeoutMs: 100,
    });
    answer = { status: 200, delayMs: 1_000 };
    await expect(poster.post('slow', data)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('retries once when a reused keep-alive socket was closed under it, not when a fresh one fails', async () => {
    const poster = signedConnectionPoster({
      endpoint,
      region,
      credentials: async () => credentials,
      maxSockets: 1,
    });
    await poster.post('warm', data); // the pool now holds one idle socket
    answer = { status: 200, dropOnce: 'stale' };

    await poster.post('stale', data);
    expect(captured.filter((c) => c.path.endsWith('stale'))).toHaveLength(2);

    const fresh = signedConnectionPoster({
      endpoint,
      region,
      credentials: async () => credentials,
      maxSockets: 1,
    });
    answer = { status: 200, dropOnce: 'first' };
    await expect(fresh.post('first', data)).rejects.toThrow();
    expect(captured.filter((c) => c.path.endsWith('first'))).toHaveLength(1);
  });

  it('reuses keep-alive sockets across posts', async () => {
    const poster = signedConnectionPoster({
      endpoint,
      region,
      credentials: async () => credentials,
      maxSockets: 4,
    });
    const sockets = new Set<unknown>();
    const onConnection = (socket: unknown) => sockets.add(socket);
    server.on('connection', onConnection);
    for (let i = 0; i < 20; i++) await poster.post(`c${i}`, data);
    server.off('connection', onConnection);
    expect(captured).toHaveLength(20);
    expect(sockets.size).toBe(1);
  });
});
