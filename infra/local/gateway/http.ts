import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ErrorCode, errorEnvelope } from '../../../shared/errors';

/** API Gateway REST's payload limit. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Reads the whole body, up to `limit` bytes. Over the limit it stops buffering but keeps draining the socket,
 * so the client finishes sending and reads our 413 instead of seeing a reset connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorEnvelope(code, message), headers);
}

/** The caller's address without the IPv4-mapped-IPv6 prefix, as API Gateway reports `sourceIp`. */
export function sourceIpOf(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/** Host header, if it looks like a host[:port]; otherwise the address we listen on. */
export function hostOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host ?? '';
  return /^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host) ? host : fallback;
}

/**
 * DNS rebinding: a page on evil.example whose name later resolves to 127.0.0.1 talks to this gateway as a
 * same-origin site. Its requests still say `Host: evil.example`, so only loopback names on our port get in.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const allowed = ['localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`);
  return allowed.includes(host.toLowerCase());
}
