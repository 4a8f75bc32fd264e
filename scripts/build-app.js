// `npm run build:app`: electron-vite build of the desktop app (main, preload, renderer).
// electron-vite reads Electron's version from its package to pick ESM output; where the
// Electron binary could not be installed (an optional dependency) we give it the version from
// package-lock.json, so the app bundles still build and are tested on every machine.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronVersion() {
  try {
    return require('electron/package.json').version;
  } catch {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    return lock.packages?.['node_modules/electron']?.version;
  }
}

const version = electronVersion();
if (!version) {
  process.stderr.write('build:app: cannot tell the Electron version (not installed, not in package-lock.json)\n');
  process.exit(1);
}
const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_MAJOR_VER: version.split('.')[0] },
});
process.exit(result.status ?? 1);
