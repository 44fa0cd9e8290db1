import { describe, expect, it } from 'vitest';
import { routes } from '../../../shared/routes';
import { RouteTable, splitPath } from './routes';

const table = new RouteTable([
  { method: 'GET', path: '/api/v1/events' },
  { method: 'GET', path: '/api/v1/events/{id}' },
  { method: 'PATCH', path: '/api/v1/events/{id}' },
  { method: 'GET', path: '/api/v1/events/search' },
  { method: 'GET', path: '/api/v1/events/{id}/seats/{seatId}' },
  { method: 'GET', path: '/files/{proxy+}' },
  { method: 'GET', path: '/health' },
]);

describe('RouteTable', () => {
  it('binds path parameters, decoded', () => {
    expect(table.match('GET', '/api/v1/events/abc%20def')).toEqual({
      kind: 'match',
      route: { method: 'GET', path: '/api/v1/events/{id}' },
      resource: '/api/v1/events/{id}',
      params: { id: 'abc def' },
    });
    expect(table.match('GET', '/api/v1/events/e1/seats/s%2F2')).toMatchObject({
      kind: 'match',
      params: { id: 'e1', seatId: 's/2' },
    });
  });

  it('prefers literal segments over parameters', () => {
    expect(table.match('GET', '/api/v1/events/search')).toMatchObject({ resource: '/api/v1/events/search' });
  });

  it('matches greedy {proxy+} over one or more segments', () => {
    expect(table.match('GET', '/files/a/b/c.txt')).toMatchObject({ params: { proxy: 'a/b/c.txt' } });
    expect(table.match('GET', '/files')).toEqual({ kind: 'not-found' });
  });

  it('treats a trailing slash as the same resource, but not empty segments', () => {
    expect(table.match('GET', '/api/v1/events/')).toMatchObject({
      kind: 'match',
      resource: '/api/v1/events',
    });
    expect(table.match('GET', '/api/v1//events')).toEqual({ kind: 'not-found' });
  });

  it('distinguishes 404 (no resource) from 405 (resource without that method)', () => {
    expect(table.match('GET', '/api/v1/nope')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/api/v1/events/x/y')).toEqual({ kind: 'not-found' });
    expect(table.match('DELETE', '/api/v1/events/x')).toEqual({
      kind: 'method-not-allowed',
      resource: '/api/v1/events/{id}',
      allowed: ['GET', 'PATCH'],
    });
    // A literal resource without the method is 405 even if a parameter resource has it (API Gateway's tree).
    expect(table.match('PATCH', '/api/v1/events/search')).toMatchObject({ kind: 'method-not-allowed' });
  });

  it('matches methods case-insensitively and knows which paths it owns', () => {
    expect(table.match('get', '/health')).toMatchObject({ kind: 'match' });
    expect(table.has('/health')).toBe(true);
    expect(table.has('/healthz')).toBe(false);
  });

  it('rejects duplicate routes', () => {
    expect(
      () =>
        new RouteTable([
          { method: 'GET', path: '/a' },
          { method: 'GET', path: '/a' },
        ]),
    ).toThrow(/Duplicate/);
  });

  it('accepts the real route table and resolves every route to itself', () => {
    const real = new RouteTable(routes);
    for (const route of routes) {
      const concrete = route.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000001');
      expect(real.match(route.method, concrete)).toMatchObject({ kind: 'match', route: { id: route.id } });
    }
  });
});

describe('splitPath', () => {
  it('splits on slashes, ignoring one trailing slash', () => {
    expect(splitPath('/')).toEqual([]);
    expect(splitPath('/a/b/')).toEqual(['a', 'b']);
    expect(splitPath('/a//b')).toEqual(['a', '', 'b']);
  });
});
