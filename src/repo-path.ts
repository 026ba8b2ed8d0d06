import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The repository root (the nearest folder with package.json above this module), so data files
 * (migrations/, schemas/, fixtures/) resolve the same from src/ under tap and from dist/src/.
 */
export function repoRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('metmec: cannot find the repository root (no package.json above the code)');
    dir = parent;
  }
  root = dir;
  return dir;
}

export function repoPath(...parts: string[]): string {
  return resolve(repoRoot(), ...parts);
}
