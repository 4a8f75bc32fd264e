// Builds the native modules for Electron's ABI next to (not over) the Node builds that the CLI
// and tests use:
//   build/electron/better_sqlite3.node   (better-sqlite3, rebuilt from a copy of its sources)
//   build/native-electron/Release/eureka_native.node   (our addon, cmake-js --runtime electron)
// Needs Electron installed and its headers downloadable (`npm run app:rebuild`).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function fail(message) {
  process.stderr.write(`app:rebuild: ${message}\n`);
  process.exit(1);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed`);
}

let electronVersion;
try {
  electronVersion = require('electron/package.json').version;
} catch {
  fail('Electron is not installed (it is an optional dependency whose binary could not be downloaded)');
}

// better-sqlite3: build a private copy so node_modules keeps the Node build.
const sqliteSource = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = path.join(root, 'build', 'electron', 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.dirname(work), { recursive: true });
cpSync(sqliteSource, work, { recursive: true, filter: (source) => !source.includes(`${path.sep}build${path.sep}`) });
run(
  npm,
  ['exec', '--yes', '--', 'node-gyp', 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
  work,
);
const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(built)) fail('better-sqlite3 did not produce better_sqlite3.node');
copyFileSync(built, path.join(root, 'build', 'electron', 'better_sqlite3.node'));

// Our addon.
run(npm, ['exec', '--', 'cmake-js', 'compile', '--runtime', 'electron', '--runtime-version', electronVersion, '--out', 'build/native-electron'], root);
process.stderr.write(`app:rebuild: native modules built for Electron ${electronVersion}\n`);
