import { describe, expect, it } from 'vitest';
import { isAllowedHost } from './http';

describe('isAllowedHost (DNS rebinding)', () => {
  it('admits the loopback names on the gateway’s port, as the web app, tests and handlers use them', () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST:3000']) {
      expect(isAllowedHost(host, 3000), host).toBe(true);
    }
  });

  it('refuses any other name, another port, no port, and a missing Host', () => {
    for (const host of [
      'evil.example',
      'evil.example:3000',
      'localhost:3001',
      'localhost',
      '127.0.0.1.nip.io:3000',
      '',
    ]) {
      expect(isAllowedHost(host, 3000), host).toBe(false);
    }
    expect(isAllowedHost(undefined, 3000)).toBe(false);
  });
});
