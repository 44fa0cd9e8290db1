import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi';
import { type RouteDef, routes } from './routes';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('validates against the OpenAPI 3.1 schema', async () => {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has one operation per route, with the route’s auth level and error envelope', () => {
    for (const r of routes as readonly RouteDef[]) {
      const op = (doc.paths[r.path] as Record<string, Record<string, unknown>>)[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.operationId).toBe(r.id);
      expect(op!['x-tiketi-auth']).toBe(r.auth);
      expect(Object.keys(op!.responses as object)).toContain('500');
    }
  });
});

describe('route table', () => {
  it('has unique ids and unique method+path pairs', () => {
    const all = routes as readonly RouteDef[];
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(new Set(all.map((r) => `${r.method} ${r.path}`)).size).toBe(all.length);
  });

  it('declares a params schema for every path parameter', () => {
    for (const r of routes as readonly RouteDef[]) {
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = Object.keys(r.request.params?.shape ?? {});
      expect(declared.sort(), r.id).toEqual(names.sort());
    }
  });
});

describe('docs/openapi.json', () => {
  it('is the document the route table generates (run `npm run openapi` after changing a route)', async () => {
    const { readFile } = await import('node:fs/promises');
    const committed = JSON.parse(await readFile(new URL('../docs/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });
});
