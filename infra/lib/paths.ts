import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, independent of the directory `cdk` or vitest was started from. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const repoPath = (...parts: string[]): string => resolve(REPO_ROOT, ...parts);
