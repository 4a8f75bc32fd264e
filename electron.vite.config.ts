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
import { COMMON_DIR, rendererConfig } from './vite.renderer.config.js';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Native modules and the compute addon: loaded by Node at run time, never bundled. */
const NATIVE_EXTERNALS: (string | RegExp)[] = ['better-sqlite3', 'onnxruntime-node', /\.node$/];

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    resolve: { alias: { '@common': COMMON_DIR } },
    build: {
      outDir: fromRoot('out/main'),
      sourcemap: true,
      rollupOptions: {
        input: { index: fromRoot('src-main/index.ts') },
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
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: rendererConfig('out/renderer'),
});
