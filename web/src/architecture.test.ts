import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Import rules (bulletproof-react): shared code (components, lib) → features → app, never backwards, and no
 * feature imports another feature. Also: kebab-case file names. Checked here since the root lint config
 * is shared by the whole repository.
 */
const srcDir = fileURLToPath(new URL('.', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

function layerOf(file: string): {
  layer: 'app' | 'feature' | 'shared' | 'contract' | 'other';
  feature?: string;
} {
  const rel = path.relative(srcDir, file).split(path.sep);
  if (rel[0] === '..') return rel.includes('shared') ? { layer: 'contract' } : { layer: 'other' };
  if (rel[0] === 'app') return { layer: 'app' };
  if (rel[0] === 'features') return { layer: 'feature', feature: rel[1] };
  if (rel[0] === 'components' || rel[0] === 'lib' || rel[0] === 'test-utils') return { layer: 'shared' };
  return { layer: 'other' };
}

const files = sourceFiles(srcDir);
const imports = files.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map(
    (m) => ({
      file: path.relative(srcDir, file),
      from: layerOf(file),
      to: layerOf(path.resolve(path.dirname(file), m[1] ?? '')),
      specifier: m[1],
    }),
  ),
);

describe('web/src architecture', () => {
  it('found the sources', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(imports.length).toBeGreaterThan(20);
  });

  it('shared code imports neither features nor app', () => {
    const bad = imports.filter(
      (i) => i.from.layer === 'shared' && (i.to.layer === 'feature' || i.to.layer === 'app'),
    );
    expect(bad).toEqual([]);
  });

  it('features do not import app or other features', () => {
    const bad = imports.filter(
      (i) =>
        i.from.layer === 'feature' &&
        (i.to.layer === 'app' || (i.to.layer === 'feature' && i.to.feature !== i.from.feature)),
    );
    expect(bad).toEqual([]);
  });

  it('only lib/contract.ts reaches into the repository shared/ folder', () => {
    const bad = imports.filter(
      (i) => i.to.layer === 'contract' && i.file !== path.join('lib', 'contract.ts'),
    );
    expect(bad).toEqual([]);
  });

  it('file names are kebab-case', () => {
    const bad = files
      .map((file) => path.relative(srcDir, file))
      .filter(
        (rel) =>
          !rel.split(path.sep).every((part) => /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)*$/.test(part)),
      );
    expect(bad).toEqual([]);
  });
});
