import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Context boundaries (ARCHITECTURE.md §2.8): `functions/<context>/` is handler → use cases → ports ← adapters.
 * Another context is reached only through its `public.ts`; `functions/shared` belongs to no context and imports
 * none; a context's use cases import only their own ports and errors, other use cases of the context, `functions/shared`
 * and the contract in the repository's `shared/`.
 */
const functionsDir = fileURLToPath(new URL('.', import.meta.url));
const repoShared = path.resolve(functionsDir, '..', 'shared');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** `auth`, `seats`… for a file under functions/; `shared` for functions/shared; null outside functions/. */
function contextOf(file: string): string | null {
  const rel = path.relative(functionsDir, file).split(path.sep);
  if (rel[0] === '..' || rel.length < 2) return null;
  return rel[0] ?? null;
}

const files = sourceFiles(functionsDir);
const imports = files.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map(
    (m) => {
      const target = path.resolve(path.dirname(file), m[1] ?? '');
      return {
        file: path.relative(functionsDir, file),
        from: contextOf(file),
        to: contextOf(target),
        target,
        specifier: m[1] ?? '',
      };
    },
  ),
);
const rel = (target: string) => path.relative(functionsDir, target).split(path.sep);

describe('functions/ architecture', () => {
  it('found the sources', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(imports.length).toBeGreaterThan(100);
  });

  it('functions/shared imports no context', () => {
    const bad = imports.filter((i) => i.from === 'shared' && i.to !== null && i.to !== 'shared');
    expect(bad.map((i) => `${i.file} → ${i.specifier}`)).toEqual([]);
  });

  it('another context is reached only through its public.ts', () => {
    const bad = imports.filter((i) => {
      if (!i.from || !i.to || i.from === i.to || i.to === 'shared' || i.from === 'shared') return false;
      const parts = rel(i.target);
      return !(parts.length === 2 && /^public(\.ts)?$/.test(parts[1] ?? ''));
    });
    expect(bad.map((i) => `${i.file} → ${i.specifier}`)).toEqual([]);
  });

  it("use cases import only their context's ports and use cases, functions/shared and the contract", () => {
    const bad = imports.filter((i) => {
      const from = i.file.split(path.sep);
      if (from[1] !== 'use-cases') return false;
      if (i.to === 'shared') return false;
      if (!i.to) return !i.target.startsWith(repoShared + path.sep);
      if (i.to !== i.from) return true;
      const parts = rel(i.target);
      return !(parts[1] === 'use-cases' || /^(ports|errors)(\.ts)?$/.test(parts[1] ?? ''));
    });
    expect(bad.map((i) => `${i.file} → ${i.specifier}`)).toEqual([]);
  });
});
