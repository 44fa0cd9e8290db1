/** Query parameter carrying where to go after signing in. */
export const NEXT_PARAM = 'next';

const AUTH_PAGES = ['/login', '/register'];

/**
 * A same-origin path to return to after sign-in, or `/`. Rejects absolute and protocol-relative URLs
 * (`https://evil`, `//evil`, `/\evil`) so the parameter cannot become an open redirect.
 */
export function safeRedirectPath(raw: string | null | undefined): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // Control characters (tabs, newlines) are stripped by URL parsers and can turn `/\t/evil` into `//evil`.
  if ([...raw].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) return '/';
  const pathname = raw.split(/[?#]/)[0] ?? '/';
  if (AUTH_PAGES.includes(pathname)) return '/';
  return raw;
}

/** `/login?next=%2Fevents%2F123` for the current location. */
export function loginPathFor(current: string, page: '/login' | '/register' = '/login'): string {
  const next = safeRedirectPath(current);
  return next === '/' ? page : `${page}?${NEXT_PARAM}=${encodeURIComponent(next)}`;
}
