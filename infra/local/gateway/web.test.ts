import { describe, expect, it } from 'vitest';
import { isHashedAsset, resolveInside } from './web';

describe('static web helpers', () => {
  it('keeps paths inside the dist directory', () => {
    expect(resolveInside('/srv/dist', '/assets/app.js')).toBe('/srv/dist/assets/app.js');
    expect(resolveInside('/srv/dist', '/')).toBe('/srv/dist');
    expect(resolveInside('/srv/dist', '/../secret')).toBeUndefined();
    expect(resolveInside('/srv/dist', '/%2e%2e/secret')).toBeUndefined();
    expect(resolveInside('/srv/dist', '/a%00b')).toBeUndefined();
    expect(resolveInside('/srv/dist', '/%E0%A4%A')).toBeUndefined();
  });

  it('recognises Vite’s content-hashed assets (long cache) vs. everything else', () => {
    expect(isHashedAsset('/assets/index-DkZ3x9aB.js')).toBe(true);
    expect(isHashedAsset('/assets/logo.svg')).toBe(true);
    expect(isHashedAsset('/index.html')).toBe(false);
    expect(isHashedAsset('/favicon.ico')).toBe(false);
  });
});
