// Runs after `npm ci` / `npm install`: everything a fresh clone needs to run `eureka demo`,
// the app and the tests. Required steps fail the install with a clear message; optional
// downloads (onnxruntime's CUDA provider, Electron's headers) are tried and skipped with a
// note when this machine cannot reach them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function log(message) {
  process.stderr.write(`eureka postinstall: ${message}\n`);
}

function run(command, args, { optional = false, env = {}, timeoutMs, cwd = root } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    shell: process.platform === 'win32',
  });
  const ok = result.status === 0;
  if (!ok && !optional) {
    log(`failed: ${command} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
  return ok;
}

// 1. onnxruntime-node ships its CPU binaries in the package; on Linux x64 its own postinstall
//    also downloads the CUDA provider, and fails the whole install where that feed is out of
//    reach. .npmrc skips that step; we try it here, best-effort.
function installOnnxruntimeCuda() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return;
  if (process.env.EUREKA_SKIP_ORT_CUDA === '1') return log('onnxruntime CUDA provider: skipped (EUREKA_SKIP_ORT_CUDA=1)');
  let ortDir;
  try {
    ortDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return;
  }
  const provider = path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  if (existsSync(provider)) return;
  const ok = run(process.execPath, [path.join(ortDir, 'script', 'install.js')], {
    optional: true,
    env: { ONNXRUNTIME_NODE_INSTALL: 'true', npm_config_onnxruntime_node_install: 'true' },
    timeoutMs: 10 * 60 * 1000,
  });
  log(
    ok
      ? 'onnxruntime CUDA provider: installed'
      : 'onnxruntime CUDA provider: not downloaded (no network access to its feed); inference will use the CPU',
  );
}

installOnnxruntimeCuda();

// 1b. Electron's type declarations ship inside its npm package, which npm drops whole when the
//     binary download fails. The Electron glue must still typecheck on such machines, so we
//     fetch the same version's package from the npm registry and keep only electron.d.ts
//     (tsconfig.node.json includes build/electron-types/).
function provideElectronTypes() {
  const target = path.join(root, 'build', 'electron-types');
  let installed = false;
  try {
    installed = existsSync(path.join(path.dirname(require.resolve('electron/package.json')), 'electron.d.ts'));
  } catch {
    installed = false;
  }
  if (installed) return rmSync(target, { recursive: true, force: true });
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const version = lock.packages?.['node_modules/electron']?.version;
  if (!version) return log('electron types: no electron version in package-lock.json');
  if (existsSync(path.join(target, `electron-${version}.d.ts`))) return;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  run(npm, ['pack', `electron@${version}`, '--silent', '--pack-destination', target]);
  run('tar', ['-xzf', `electron-${version}.tgz`, '-C', target, 'package/electron.d.ts'], { cwd: target });
  renameSync(path.join(target, 'package', 'electron.d.ts'), path.join(target, `electron-${version}.d.ts`));
  rmSync(path.join(target, 'package'), { recursive: true, force: true });
  rmSync(path.join(target, `electron-${version}.tgz`), { force: true });
  log(`electron types: using electron@${version}'s declarations (Electron itself is not installed)`);
}

provideElectronTypes();

// 2. The native compute core (C++, plus CUDA where nvcc is found), built for Node.
log('building the native addon (cmake-js)');
run(npm, ['run', '--silent', 'build:native']);

// 3. The CLI and the web UI.
log('compiling the core and CLI (tsc)');
run(npm, ['run', '--silent', 'build:node']);
log('building the web UI (vite)');
run(npm, ['run', '--silent', 'build:web']);

// 4. The desktop app, where Electron's binary could be installed (an optional dependency:
//    machines that cannot download it skip it and still get the CLI and web mode).
let electronInstalled = false;
try {
  require.resolve('electron');
  electronInstalled = existsSync(path.join(path.dirname(require.resolve('electron')), 'path.txt'));
} catch {
  electronInstalled = false;
}
if (electronInstalled) {
  log('building the desktop app (electron-vite) and its native modules for Electron');
  run(npm, ['run', '--silent', 'build:app']);
  if (!run(npm, ['run', '--silent', 'app:rebuild'], { optional: true })) {
    log('could not build native modules for Electron (headers not downloadable?); `npm run app:rebuild` retries');
  }
} else {
  log('Electron is not installed here (its binary could not be downloaded): the CLI and web mode are ready; the desktop app is not');
}
