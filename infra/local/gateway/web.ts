import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { REPO_ROOT } from '../lambda';

/**
 * The web app on the gateway's origin: through Vite's middleware in dev mode (HMR over the same server), or
 * from `web/dist` in static mode (SPA fallback, immutable caching for hashed assets), like CloudFront + S3.
 */

export type WebMode = 'dev' | 'static' | 'none';

export interface WebApp {
  mode: WebMode;
  /** Why the requested mode was not used, if it was not. */
  note?: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Vite puts content-hashed files under /assets and names them `name-<hash>.ext`. */
export function isHashedAsset(pathname: string): boolean {
  return pathname.startsWith('/assets/') || /[.-][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/i.test(pathname);
}

/** Resolves a URL path inside `root`; undefined for anything that escapes it. */
export function resolveInside(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = resolve(root, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

function text(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>TIKETI</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>TIKETI web app not built</h1>
<p>The API is running (<a href="/health">/health</a>, <a href="/api/v1/openapi.json">OpenAPI</a>),
but there is no web build to serve. Run <code>npm run build:web</code>, or start without
<code>--static</code> to serve it through Vite.</p></body>`;

export function createStaticWeb(dist = join(REPO_ROOT, 'web', 'dist')): WebApp {
  const serveFile = async (req: IncomingMessage, res: ServerResponse, file: string, cache: string) => {
    const info = await stat(file);
    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': cache,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': info.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'Method not allowed');
    const pathname = new URL(req.url ?? '/', 'http://local').pathname;
    const index = join(dist, 'index.html');
    if (!existsSync(index)) return text(res, 200, NOT_BUILT, 'text/html; charset=utf-8');
    const file = resolveInside(dist, pathname);
    if (!file) return text(res, 404, 'Not found');
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) {
      return serveFile(
        req,
        res,
        file,
        file === index ? 'no-cache' : isHashedAsset(pathname) ? IMMUTABLE : 'no-cache',
      );
    }
    // Client-side routes (no extension) get the app shell; a missing file with an extension is a real 404.
    if (info?.isDirectory() || !extname(pathname)) return serveFile(req, res, index, 'no-cache');
    return text(res, 404, 'Not found');
  };

  return {
    mode: 'static',
    handle(req, res) {
      handle(req, res).catch(() => {
        if (!res.headersSent) text(res, 500, 'Internal server error');
        else res.destroy();
      });
    },
    close: async () => {},
  };
}

export function createNoWeb(): WebApp {
  return {
    mode: 'none',
    handle: (_req, res) => text(res, 404, 'Not found (the web app is not served in this mode)'),
    close: async () => {},
  };
}

export async function createDevWeb(server: Server, quiet: boolean, root = REPO_ROOT): Promise<WebApp> {
  const configFile = join(root, 'web', 'vite.config.ts');
  if (!existsSync(configFile) || !existsSync(join(root, 'web', 'index.html'))) {
    return {
      ...createStaticWeb(join(root, 'web', 'dist')),
      note: 'web/vite.config.ts or web/index.html missing',
    };
  }
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile,
    root: join(root, 'web'),
    // HMR's WebSocket shares the gateway's server (and port); Vite only takes upgrades with its own protocol.
    server: { middlewareMode: true, ws: { server } },
    appType: 'spa',
    clearScreen: false,
    logLevel: quiet ? 'silent' : 'warn',
  });
  return {
    mode: 'dev',
    handle(req, res) {
      vite.middlewares(req, res, () => text(res, 404, 'Not found'));
    },
    close: () => vite.close(),
  };
}

export async function createWebApp(mode: WebMode, server: Server, quiet: boolean): Promise<WebApp> {
  if (mode === 'dev') return createDevWeb(server, quiet);
  if (mode === 'static') return createStaticWeb();
  return createNoWeb();
}
