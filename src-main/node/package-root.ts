/**
 * The installed package's root folder (where package.json, resources/ and out/ live), found by
 * walking up from this module: the same code runs from TypeScript sources (tests), from tsc's
 * out/node (CLI) and from electron-vite's out/main bundle (app), each at a different depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../common/errors.js';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'eureka') return (cached = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new AppError('INTERNAL', 'cannot find the Eureka installation folder');
    dir = parent;
  }
}

/** A path inside the package; `parts` are fixed strings from our own code, never user input. */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
