import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  type ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';

/**
 * How the broadcaster posts one frame to one connection (`POST {endpoint}/@connections/{id}`).
 *
 * Production uses `signedConnectionPoster`: the request the SDK's PostToConnectionCommand would send (same path,
 * SigV4 for `execute-api` with the SDK client's own credential chain and region), written straight onto a
 * keep-alive agent. Measured on this machine kind, the SDK's per-command middleware stack costs about 0.5 ms of
 * CPU per post (≈2,000 posts/s per process against a no-op server); the direct path does ≈7,000/s. A broadcast is
 * thousands of identical posts, so that overhead is the fan-out's ceiling. `sdkConnectionPoster` keeps the SDK
 * path (unit tests with aws-sdk-client-mock). Errors carry the SDK's shape (`name` from `x-amzn-ErrorType`,
 * `$metadata.httpStatusCode`), so 410/429 handling is the same for both.
 */
export interface ConnectionPoster {
  post(connectionId: string, data: Uint8Array): Promise<void>;
}

export class ManagementApiError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

export function sdkConnectionPoster(client: Pick<ApiGatewayManagementApiClient, 'send'>): ConnectionPoster {
  return {
    async post(connectionId, data) {
      await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    },
  };
}

/** node:crypto behind the Checksum interface SignatureV4 expects (hash, or HMAC when given a secret). */
class NodeSha256 implements Checksum {
  private hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', toBuffer(secret)) : createHash('sha256');
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('not supported');
  }
}
const toBuffer = (data: SourceData) =>
  typeof data === 'string'
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

export interface SignedPosterOptions {
  /** The management endpoint, e.g. https://{api}.execute-api.{region}.amazonaws.com/{stage}. */
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Sockets kept open to the endpoint (the fan-out concurrency plus replies). */
  maxSockets: number;
  /** Socket inactivity limit for one post, connecting included. */
  requestTimeoutMs?: number;
  /** Signing clock (tests). */
  now?: () => Date;
}

export function signedConnectionPoster(options: SignedPosterOptions): ConnectionPoster {
  const url = new URL(options.endpoint);
  const https = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 30_000 };
  const agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = https ? httpsRequest : httpRequest;
  const basePath = url.pathname.replace(/\/+$/, '');
  const host = url.host;
  const port = url.port ? Number(url.port) : undefined;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'execute-api',
    sha256: NodeSha256,
    // Non-S3 services sign the path URI-encoded once more on top of how it is sent, as the SDK does.
    uriEscapePath: true,
  });
  const now = options.now ?? (() => new Date());
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;

  /** One request/response on the pool; 2xx or an error status both resolve, transport failures reject. */
  const exchange = (path: string, headers: Record<string, string>, data: Uint8Array) =>
    new Promise<Answer>((resolve, reject) => {
      const req = send(
        { agent, protocol: url.protocol, hostname: url.hostname, port, method: 'POST', path, headers },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            res.resume();
            res.once('end', () => resolve({ status, body: '' }));
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('end', () =>
            resolve({
              status,
              type: String(res.headers['x-amzn-errortype'] ?? '').split(':')[0] || undefined,
              body: Buffer.concat(chunks).toString('utf8').slice(0, 500),
            }),
          );
          res.once('error', reject);
        },
      );
      req.setTimeout(requestTimeoutMs, () =>
        req.destroy(new ManagementApiError('TimeoutError', 0, 'request timed out')),
      );
      req.once('error', (error: Error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(data);
    });

  return {
    async post(connectionId, data) {
      const path = `${basePath}/@connections/${encodePathSegment(connectionId)}`;
      const signed = await signer.sign(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          port,
          path,
          query: {},
          headers: { host, 'content-type': 'application/json', 'content-length': String(data.byteLength) },
          body: data,
        },
        { signingDate: now() },
      );
      let response: Answer;
      try {
        response = await exchange(path, signed.headers, data);
      } catch (error) {
        // A keep-alive socket the server closed just as we picked it fails before the request is read; Node's
        // documented remedy is one retry on a fresh socket. Other transport failures are the caller's to judge.
        if (!isStaleSocket(error)) throw error;
        response = await exchange(path, signed.headers, data);
      }
      if (response.status >= 200 && response.status < 300) return;
      throw new ManagementApiError(
        response.type ?? (response.status === 410 ? 'GoneException' : `Http${response.status}`),
        response.status,
        messageOf(response.body) ?? `PostToConnection answered ${response.status}`,
      );
    },
  };
}

interface Answer {
  status: number;
  type?: string;
  body: string;
}

const isStaleSocket = (error: unknown) => {
  const e = error as NodeJS.ErrnoException & { reusedSocket?: boolean };
  return e?.reusedSocket === true && (e.code === 'ECONNRESET' || e.message === 'socket hang up');
};

/** The SDK's extended encoding (RFC 3986: also !'()*), so the path and its signature match what it sends. */
const encodePathSegment = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function messageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
