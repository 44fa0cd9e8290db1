/**
 * The WebSocket URL to connect to, from `config.json`'s `wsUrl`: absolute `ws(s)://` URLs as they are,
 * `http(s)://` ones with the matching WebSocket scheme, a path (`/ws`) on the page's own host. Null when
 * none is configured (realtime is then off).
 */
export function resolveWsUrl(wsUrl: string, page: { protocol: string; host: string }): string | null {
  const url = wsUrl.trim();
  if (!url) return null;
  if (/^wss?:\/\//i.test(url)) return url;
  if (/^https?:\/\//i.test(url)) return url.replace(/^http/i, 'ws');
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${page.host}${url.startsWith('/') ? '' : '/'}${url}`;
}
