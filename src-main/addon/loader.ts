/**
 * Finding and loading `eureka_native.node` once per process, then handing it to the facade
 * (facade.ts). Where the addon is looked for, first hit wins:
 * 1. `EUREKA_NATIVE_ADDON` (a path to a .node file), and nowhere else when it is set;
 * 2. under Electron, `build/native-electron/Release/eureka_native.node` (`npm run app:rebuild`);
 * 3. `build/native/Release/eureka_native.node` (the Node build used by the CLI and tests).
 * Paths 2 and 3 are relative to the package root, found by walking up from this module, because
 * the same code runs from the TypeScript sources (jest), tsc's out/node/src-main/addon/ (CLI) and
 * electron-vite's out/main/index.js bundle (app). Inside an asar archive the `.asar.unpacked`
 * twin is used, since a shared library cannot be loaded from an archive.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError, firstLine } from '../common/errors.js';
import { packageRoot } from '../node/package-root.js';
import { createFacade, type NativeAddon } from './facade.js';
import { rawAddonSchema } from './schemas.js';

/** Environment variable naming an addon file to load instead of the built one. */
export const NATIVE_ADDON_ENV = 'EUREKA_NATIVE_ADDON';

/** The addon's file name inside a cmake-js output folder's Release/ directory. */
const ADDON_FILE = 'eureka_native.node';

let loaded: NativeAddon | undefined;

/**
 * Loads the addon once per process (a shared library cannot be unloaded) and returns its facade.
 * Throws AppError('INTERNAL', 'native addon not built: run npm run build:native …') when no file
 * exists, and an INTERNAL error naming the file when it exists but does not load or does not
 * have the expected exports.
 */
export function loadNativeAddon(): NativeAddon {
  if (loaded) return loaded;
  const file = locateAddon();
  const require = createRequire(import.meta.url);
  let raw: unknown;
  try {
    raw = require(file);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new AppError('INTERNAL', `native addon ${file} failed to load: ${firstLine(text)}`);
  }
  const parsed = rawAddonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('INTERNAL', `native addon ${file} lacks the expected functions (rebuild it)`);
  }
  loaded = createFacade(file, parsed.data);
  return loaded;
}

/**
 * The addon file to load: the override when set, else the first candidate that exists.
 * Exported for diagnostics (`eureka info` can print it).
 */
export function locateAddon(): string {
  const override = process.env[NATIVE_ADDON_ENV];
  if (override !== undefined && override !== '') {
    const file = path.resolve(override);
    if (!existsSync(file)) {
      throw new AppError('INTERNAL', `native addon not found at ${file} (set by ${NATIVE_ADDON_ENV})`);
    }
    return file;
  }
  const root = packageRoot();
  const folders = process.versions.electron !== undefined ? ['native-electron', 'native'] : ['native'];
  const candidates = folders.map((folder) =>
    unpacked(path.join(root, 'build', folder, 'Release', ADDON_FILE)),
  );
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) {
    throw new AppError(
      'INTERNAL',
      `native addon not built: run npm run build:native (looked for ${candidates.join(', ')})`,
    );
  }
  return found;
}

/** `…/app.asar/…` → `…/app.asar.unpacked/…`: shared libraries are shipped outside the archive. */
function unpacked(file: string): string {
  const marker = `.asar${path.sep}`;
  return file.includes(marker) ? file.replace(marker, `.asar.unpacked${path.sep}`) : file;
}
