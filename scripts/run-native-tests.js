#!/usr/bin/env node
/**
 * `npm run test:native`: builds the native core (incrementally, through `npm run build:native`
 * so cmake-js sees npm's config, e.g. `nodedir` for offline headers), then runs the C++ tests
 * with ctest and prints its summary. Tests that cannot run here (no CUDA device) exit with
 * ctest's skip code; their "SKIP: …" lines are repeated at the end so a skip is never silent.
 *
 * Usage: node scripts/run-native-tests.js [--no-build] [extra ctest arguments…]
 * Exit status: ctest's (non-zero when a test fails or the build fails).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build', 'native');
const isWindows = process.platform === 'win32';

const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const ctestArgs = args.filter((arg) => arg !== '--no-build');

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

const ctest = run(
  'ctest',
  ['--test-dir', buildDir, '--output-on-failure', '-C', 'Release', ...ctestArgs],
  { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
);
process.stdout.write(ctest.stdout);
process.stderr.write(ctest.stderr);

// ctest hides the output of passing and skipped tests; surface every SKIP line.
const log = path.join(buildDir, 'Testing', 'Temporary', 'LastTest.log');
if (existsSync(log)) {
  const skips = readFileSync(log, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.startsWith('SKIP'));
  for (const line of new Set(skips)) console.log(line);
}

process.exit(ctest.status ?? 1);
