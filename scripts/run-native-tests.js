#!/usr/bin/env node
/**
 * `npm run test:native`: builds the native core (incrementally, through `npm run build:native`
 * so cmake-js sees npm's config, e.g. `nodedir` for offline headers), then runs the C++ tests
 * with ctest and prints its summary. The tests are the op registry's (test/native/test-registry.h)
 * in nn_test_ops and nn_test_model, registered per op as nn_<op>_cpu, nn_<op>_grad, nn_<op>_cuda
 * and nn_<op>_sim (the CUDA kernels on the CPU simulator, in three thread orders: they run on
 * every machine). Tests that cannot run here (no CUDA device) exit with ctest's skip code; their
 * "SKIP <op> cuda …" lines are repeated at the end so a skip is never silent, followed by the
 * number of cases and checks that ran, and those of the simulator. A "SKIP <op> sim…" line would
 * mean the simulator did not run: it fails the run.
 *
 * Then the system-BLAS build: where a BLAS is found (macOS: Accelerate; elsewhere OpenBLAS, by
 * `pkg-config --exists openblas` or cblas.h + libopenblas.so in the usual places), it configures
 * build/native-blas with plain CMake (NN_BLAS=ON, NN_CUDA=OFF), builds nn_test_ops only (no
 * addon, no model tests) and runs its nn_conv1d_cpu test, so the conv1d checks also cover the
 * cblas_sgemm path, and nn_lstm_cpu and nn_dense_cpu, whose matmuls run on conv1d's path;
 * otherwise it prints "SKIP blas: <reason>". NN_TEST_BLAS=0 or --no-blas leaves it out.
 *
 * Usage: node scripts/run-native-tests.js [--no-build] [--no-blas] [extra ctest arguments…]
 *   (extra ctest arguments apply to build/native only)
 * Exit status: non-zero when a test or a build fails, in either tree.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build', 'native');
const blasDir = path.join(root, 'build', 'native-blas');
const isWindows = process.platform === 'win32';

const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const skipBlas = args.includes('--no-blas') || process.env.NN_TEST_BLAS === '0';
const ctestArgs = args.filter((arg) => arg !== '--no-build' && arg !== '--no-blas');

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, shell: isWindows, ...options });
  if (result.error) {
    console.error(`run-native-tests: cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  return result;
}

if (!skipBuild) {
  const build = run('npm', ['run', 'build:native'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('run-native-tests: npm run build:native failed');
    process.exit(build.status ?? 1);
  }
} else if (!existsSync(path.join(buildDir, 'CTestTestfile.cmake'))) {
  console.error('run-native-tests: build/native has no tests; run without --no-build first');
  process.exit(1);
}

let simSkipped = false;
const ctest = run(
  'ctest',
  ['--test-dir', buildDir, '--output-on-failure', '-C', 'Release', ...ctestArgs],
  { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
);
process.stdout.write(ctest.stdout);
process.stderr.write(ctest.stderr);

// ctest hides the output of passing and skipped tests; surface every SKIP line, then count the
// registry's verdicts ("PASS conv1d cpu test: 21 cases, 295 checks").
const log = path.join(buildDir, 'Testing', 'Temporary', 'LastTest.log');
if (existsSync(log)) {
  const lines = readFileSync(log, 'utf8').split(/\r?\n/);
  for (const line of new Set(lines.filter((l) => l.startsWith('SKIP')))) console.log(line);
  let cases = 0;
  let checks = 0;
  let simRuns = 0;
  let simCases = 0;
  for (const line of lines) {
    const verdict = /^PASS \S+ (\S+) \S+: (\d+) cases, (\d+) checks$/.exec(line);
    if (verdict) {
      cases += Number(verdict[2]);
      checks += Number(verdict[3]);
      if (verdict[1].startsWith('sim/')) {
        simRuns += 1;
        simCases += Number(verdict[2]);
      }
    }
  }
  console.log(`run-native-tests: ${cases} cases, ${checks} checks passed`);
  console.log(
    `run-native-tests: simulator: ${simRuns} op × thread-order runs passed (${simCases} cases)`,
  );
  if (lines.some((l) => /^SKIP \S+ sim/.test(l))) {
    console.error('run-native-tests: the simulator skipped a test; it must always run');
    simSkipped = true;
  }
}

// Whether nvcc compiled the kernels for the device too (the simulator runs them either way).
const cache = path.join(buildDir, 'CMakeCache.txt');
const nvcc = existsSync(cache) ? /^CMAKE_CUDA_COMPILER:\w+=(.+)$/m.exec(readFileSync(cache, 'utf8')) : null;
console.log(
  nvcc && nvcc[1] !== '' && !nvcc[1].endsWith('-NOTFOUND')
    ? `run-native-tests: CUDA kernels compiled for the device by ${nvcc[1]} and run in the simulator`
    : 'run-native-tests: no nvcc in this build: the CUDA kernels ran in the simulator only',
);

if (skipBlas) console.log('SKIP blas: left out (--no-blas or NN_TEST_BLAS=0)');
const blasStatus = skipBlas ? 0 : runBlasTests();
process.exit(ctest.status !== 0 ? (ctest.status ?? 1) : simSkipped ? 1 : blasStatus);

// ---- the NN_BLAS=ON tree -------------------------------------------------------------------------

/** Whether a system BLAS with its CBLAS header looks installed: { ok, what } or { ok: false, reason }. */
function findBlas() {
  if (process.platform === 'darwin') return { ok: true, what: 'Accelerate' };
  if (isWindows) return { ok: false, reason: 'no BLAS detection on Windows (configure -DNN_BLAS=ON by hand)' };
  const pkgConfig = spawnSync('pkg-config', ['--exists', 'openblas'], { stdio: 'ignore' });
  if (!pkgConfig.error && pkgConfig.status === 0) return { ok: true, what: 'OpenBLAS (pkg-config)' };
  const triplet = { x64: 'x86_64', arm64: 'aarch64' }[process.arch] ?? process.arch;
  const prefixes = ['/usr', '/usr/local', '/opt/homebrew/opt/openblas', '/usr/local/opt/openblas'];
  const headers = prefixes.flatMap((p) => [
    `${p}/include/${triplet}-linux-gnu/cblas.h`,
    `${p}/include/openblas/cblas.h`,
    `${p}/include/cblas.h`,
  ]);
  const libs = prefixes.flatMap((p) => [
    `${p}/lib/${triplet}-linux-gnu/libopenblas.so`,
    `${p}/lib64/libopenblas.so`,
    `${p}/lib/libopenblas.so`,
  ]);
  const header = headers.find((file) => existsSync(file));
  const lib = libs.find((file) => existsSync(file));
  if (header && lib) return { ok: true, what: `OpenBLAS (${lib}, ${header})` };
  return {
    ok: false,
    reason:
      'no OpenBLAS found (pkg-config openblas, or cblas.h + libopenblas.so); ' +
      'install libopenblas-dev (scripts/setup.sh does) to also test the NN_BLAS=ON build',
  };
}

/** Configures and builds build/native-blas (nn_test_ops only), runs nn_conv1d_cpu and the ops
 *  whose matmuls are one-tap convolutions (nn_lstm_cpu, nn_dense_cpu); returns an exit status. */
function runBlasTests() {
  const blas = findBlas();
  if (!blas.ok) {
    console.log(`SKIP blas: ${blas.reason}`);
    return 0;
  }
  console.log(`\nrun-native-tests: NN_BLAS=ON build in build/native-blas with ${blas.what}`);
  if (!skipBuild) {
    if (!existsSync(path.join(blasDir, 'CMakeCache.txt'))) {
      const configure = run(
        'cmake',
        ['-S', root, '-B', blasDir, '-DNN_BLAS=ON', '-DNN_CUDA=OFF', '-DCMAKE_BUILD_TYPE=Release'],
        { stdio: 'inherit' },
      );
      if (configure.status !== 0) {
        console.error('run-native-tests: configuring build/native-blas (NN_BLAS=ON) failed');
        return configure.status ?? 1;
      }
    }
    const jobs = String(os.availableParallelism?.() ?? os.cpus().length);
    const build = run(
      'cmake',
      ['--build', blasDir, '--config', 'Release', '--target', 'nn_test_ops', '--parallel', jobs],
      { stdio: 'inherit' },
    );
    if (build.status !== 0) {
      console.error('run-native-tests: building build/native-blas (NN_BLAS=ON) failed');
      return build.status ?? 1;
    }
  } else if (!existsSync(path.join(blasDir, 'CTestTestfile.cmake'))) {
    console.log('SKIP blas: build/native-blas is not built (run without --no-build)');
    return 0;
  }
  const blasCtest = run(
    'ctest',
    [
      '--test-dir',
      blasDir,
      '--output-on-failure',
      '-C',
      'Release',
      '-R',
      '^nn_(conv1d|lstm|dense)_cpu$',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  process.stdout.write(blasCtest.stdout);
  process.stderr.write(blasCtest.stderr);
  // Show which kernel ran (ctest hides a passing test's output): "conv1d kernel: blas(openblas), …".
  const blasLog = path.join(blasDir, 'Testing', 'Temporary', 'LastTest.log');
  if (existsSync(blasLog)) {
    const kernel = readFileSync(blasLog, 'utf8')
      .split(/\r?\n/)
      .find((line) => line.startsWith('conv1d kernel:'));
    if (kernel) console.log(`build/native-blas: ${kernel}`);
  }
  return blasCtest.status ?? 1;
}
