/**
 * Desktop build (electron-vite): the main process, the preload and the renderer.
 *
 * - main: src-main/index.ts → out/main (ESM). Runtime dependencies stay in node_modules
 *   (better-sqlite3 and onnxruntime-node are native and cannot be bundled; the compute addon is
 *   a .node file loaded at run time).
 * - preload: src-renderer/preload/index.ts → out/preload/index.cjs, one CommonJS file with the
 *   contract bundled in, because a sandboxed preload can neither be an ES module nor require
 *   anything but `electron`.
 * - renderer: the shared renderer config (vite.renderer.config.ts) → out/renderer.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import MagicString from 'magic-string';
import type { Plugin } from 'vite';
import { COMMON_DIR, quietDependencyAnnotations, rendererConfig } from './vite.renderer.config.js';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Native modules and the compute addon: loaded by Node at run time, never bundled. */
const NATIVE_EXTERNALS: (string | RegExp)[] = ['better-sqlite3', 'onnxruntime-node', /\.node$/];

/** electron-vite 4's CommonJS shim for Electron ≥ 30, byte for byte (see placeCjsShim). */
const ELECTRON_VITE_CJS_SHIM = `
// -- CommonJS Shims --
import __cjs_mod__ from 'node:module';
const __filename = import.meta.filename;
const __dirname = import.meta.dirname;
const require = __cjs_mod__.createRequire(import.meta.url);
`;

/**
 * electron-vite gives an ESM main bundle that mentions require/__dirname a CommonJS shim,
 * inserted after what a regular expression takes for the last static import. Source text such
 * as `'nothing to import'` fools that expression, and the shim lands inside a string literal
 * (a syntax error in out/main). User plugins run before electron-vite's, so this one inserts
 * the identical shim after the chunk's real imports, found by parsing; electron-vite then sees
 * its shim present and leaves the chunk alone. Should electron-vite ever change its shim, the
 * two would both be inserted and the build fails on the duplicate `require`, not silently.
 */
function placeCjsShim(): Plugin {
  return {
    name: 'eureka:place-cjs-shim',
    apply: 'build',
    enforce: 'post',
    renderChunk(code, _chunk, options) {
      if (options.format !== 'es' || code.includes(ELECTRON_VITE_CJS_SHIM)) return null;
      if (!/__filename|__dirname|require\(|require\.resolve\(/.test(code)) return null;
      let end = 0;
      for (const node of this.parse(code).body) {
        // Rollup's parser gives every node its source offsets; estree's types omit them.
        if (node.type === 'ImportDeclaration') end = (node as typeof node & { end: number }).end;
      }
      const text = new MagicString(code);
      text.appendRight(end, ELECTRON_VITE_CJS_SHIM);
      return { code: text.toString(), map: text.generateMap({ hires: 'boundary' }) };
    },
  };
}

export default defineConfig({
  main: {
    plugins: [placeCjsShim(), externalizeDepsPlugin()],
    resolve: { alias: { '@common': COMMON_DIR } },
    build: {
      outDir: fromRoot('out/main'),
      sourcemap: true,
      rollupOptions: {
        // The workers are entries of their own, next to the main bundle, where core.ts looks
        // for it (new URL('./workers/audio-worker.js', import.meta.url)).
        input: {
          index: fromRoot('src-main/index.ts'),
          'workers/audio-worker': fromRoot('src-main/workers/audio-worker.ts'),
          'workers/training-worker': fromRoot('src-main/workers/training-worker.ts'),
          'workers/generation-worker': fromRoot('src-main/workers/generation-worker.ts'),
          'workers/metrics-worker': fromRoot('src-main/workers/metrics-worker.ts'),
          'workers/transcription-worker': fromRoot('src-main/workers/transcription-worker.ts'),
          'workers/synth-worker': fromRoot('src-main/workers/synth-worker.ts'),
        },
        external: NATIVE_EXTERNALS,
      },
    },
  },
  preload: {
    resolve: { alias: { '@common': COMMON_DIR } },
    build: {
      outDir: fromRoot('out/preload'),
      sourcemap: true,
      rollupOptions: {
        input: { index: fromRoot('src-renderer/preload/index.ts') },
        onwarn: quietDependencyAnnotations,
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: rendererConfig('out/renderer'),
});
