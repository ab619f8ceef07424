// Locations inside the installed package, valid both from `src/` (tests) and `dist/src/`.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
/** The compiled CLI; worker processes are started from it. */
export const CLI_ENTRY = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');
