import { inject } from 'vitest';
import './provided';

/** Tiny fetch helper against the local stack's gateway. `path` is absolute (`/api/v1/...`) or a full URL. */

export interface ApiOptions {
  method?: string;
  /** JSON-encoded, with Content-Type: application/json. */
  body?: unknown;
  /** Sent as is (string or bytes); no Content-Type unless given in `headers`. */
  rawBody?: string | Uint8Array<ArrayBuffer>;
  /** Access token → `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: T;
  text: string;
}

export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const base = inject('stack').url;
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json: json as T, text };
}

let counter = 0;
/** A unique e-mail for a throwaway account. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}@example.test`;
}

/** Registers a throwaway user; returns its tokens and user. */
export async function registerUser(prefix = 'user') {
  const email = uniqueEmail(prefix);
  const password = `Pw-${Math.random().toString(36).slice(2)}-long-enough`;
  const res = await api<{ user: { id: string; email: string }; accessToken: string; refreshToken: string }>(
    '/api/v1/auth/register',
    { method: 'POST', body: { email, password, name: 'Test User' } },
  );
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { ...res.json, email, password };
}
