/**
 * API Gateway REST resource matching for the route table. A request path selects one resource (path
 * template) — the most specific: literal segments beat `{param}`, which beats `{proxy+}` — and then the
 * method on that resource: a known resource with another method is 405, not a fallback to another resource.
 */

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

export interface RouteLike {
  readonly method: string;
  readonly path: string;
}

interface Resource<R extends RouteLike> {
  path: string;
  segments: Segment[];
  methods: Map<string, R>;
}

export type MatchResult<R extends RouteLike> =
  | { kind: 'match'; route: R; resource: string; params: Record<string, string> }
  | { kind: 'method-not-allowed'; resource: string; allowed: string[] }
  | { kind: 'not-found' };

function parseTemplate(path: string): Segment[] {
  return splitPath(path).map((part) => {
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy?.[1]) return { kind: 'greedy', name: greedy[1] };
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1]) return { kind: 'param', name: param[1] };
    return { kind: 'literal', value: part };
  });
}

/** `/a/b/` and `/a/b` are the same resource; empty segments (`/a//b`) are kept so they never match. */
export function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '/' || trimmed === '' ? [] : trimmed.replace(/^\//, '').split('/');
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Specificity rank per segment; compared left to right. */
const RANK = { literal: 2, param: 1, greedy: 0 } as const;

function bind(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as Segment;
    if (seg.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.some((p) => p === '')) return undefined;
      params[seg.name] = rest.map(decode).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined || part === '') return undefined;
    if (seg.kind === 'literal') {
      if (decode(part) !== seg.value) return undefined;
    } else {
      params[seg.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function moreSpecific(a: Segment[], b: Segment[]): boolean {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ra = a[i] ? RANK[a[i]!.kind] : -1;
    const rb = b[i] ? RANK[b[i]!.kind] : -1;
    if (ra !== rb) return ra > rb;
  }
  return false;
}

export class RouteTable<R extends RouteLike> {
  private readonly resources: Resource<R>[] = [];

  constructor(routes: readonly R[]) {
    const byPath = new Map<string, Resource<R>>();
    for (const route of routes) {
      let resource = byPath.get(route.path);
      if (!resource) {
        resource = { path: route.path, segments: parseTemplate(route.path), methods: new Map() };
        byPath.set(route.path, resource);
        this.resources.push(resource);
      }
      if (resource.methods.has(route.method))
        throw new Error(`Duplicate route ${route.method} ${route.path}`);
      resource.methods.set(route.method, route);
    }
  }

  /** `pathname` is the raw (still percent-encoded) path, without query string. */
  match(method: string, pathname: string): MatchResult<R> {
    const parts = splitPath(pathname);
    let best: { resource: Resource<R>; params: Record<string, string> } | undefined;
    for (const resource of this.resources) {
      const params = bind(resource.segments, parts);
      if (params && (!best || moreSpecific(resource.segments, best.resource.segments)))
        best = { resource, params };
    }
    if (!best) return { kind: 'not-found' };
    const route = best.resource.methods.get(method.toUpperCase());
    if (!route)
      return {
        kind: 'method-not-allowed',
        resource: best.resource.path,
        allowed: [...best.resource.methods.keys()],
      };
    return { kind: 'match', route, resource: best.resource.path, params: best.params };
  }

  /** True when some resource has this path (any method). */
  has(pathname: string): boolean {
    return this.match('*', pathname).kind !== 'not-found';
  }
}
