/**
 * The renderer's Vite configuration, shared by the desktop build (electron.vite.config.ts →
 * out/renderer) and the web-mode build (vite.web.config.ts → out/web), so the two can never
 * drift: same root, same alias, same Svelte options, same Content-Security-Policy checks.
 *
 * The policy lives in src-renderer/index.html (a <meta http-equiv> tag, which is what the
 * desktop app loads from disk); the web server sends the same policy as a header. It has no
 * 'unsafe-inline' for styles. The one inline <style> the app needs is wavesurfer.js's layout
 * sheet, written into its shadow root; the policy allows exactly that sheet by its SHA-256.
 * {@link cspPlugin} recomputes that hash from the installed wavesurfer.js and our waveform
 * height on every build and dev start, and fails with the new value when they drift.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin, Rollup, UserConfig } from 'vite';

type RollupLog = Rollup.RollupLog;
import { WAVE_HEIGHT } from './src-renderer/app/ui/waveform-layout.js';

/** Absolute path of the repository root (this file sits in it). */
export const REPO_ROOT = fileURLToPath(new URL('.', import.meta.url));
/** The renderer's Vite root: index.html and app/. */
export const RENDERER_ROOT = fileURLToPath(new URL('./src-renderer', import.meta.url));
/** The shared contract, imported as `@common/…` by the renderer and the preload. */
export const COMMON_DIR = fileURLToPath(new URL('./src-main/common', import.meta.url));

/** Chromium of Electron 38; the web build targets the same engine family. */
const BROWSER_TARGET = 'chrome130';

const WAVESURFER_BUNDLE = fileURLToPath(
  new URL('./node_modules/wavesurfer.js/dist/wavesurfer.esm.js', import.meta.url),
);

/**
 * The CSP source ('sha256-…') of the <style> wavesurfer.js writes into its shadow root for a
 * waveform `height` px tall: the template in its bundle, with the height filled in.
 */
export function wavesurferStyleHash(height: number, bundle = WAVESURFER_BUNDLE): string {
  const source = readFileSync(bundle, 'utf8');
  const match = /<style\$\{[^>]*\}>([\s\S]*?)<\/style>/.exec(source);
  const template = match?.[1];
  const heightExpression = /\$\{[^}]*getHeight\([^}]*\)\}/;
  if (!template || !heightExpression.test(template) || template.includes('`')) {
    throw new Error(
      `${bundle}: wavesurfer's shadow-root stylesheet was not where this build expects it; ` +
        'check how this wavesurfer.js version injects its styles before updating the CSP',
    );
  }
  // Template-literal escapes in the bundle (\n) are JSON escapes too.
  const css = JSON.parse(
    `"${template.replace(heightExpression, String(height)).replace(/"/g, '\\"')}"`,
  ) as string;
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/**
 * Checks index.html's policy allows wavesurfer's stylesheet (build and dev), and in dev only
 * opens style-src to 'unsafe-inline' because Vite's dev client injects CSS as <style> elements.
 */
function cspPlugin(): Plugin {
  let serving = false;
  return {
    name: 'eureka:csp',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    transformIndexHtml(html) {
      const expected = wavesurferStyleHash(WAVE_HEIGHT);
      const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
      if (!policy) throw new Error('src-renderer/index.html has no Content-Security-Policy meta tag');
      if (!policy.includes(expected)) {
        throw new Error(
          `src-renderer/index.html: style-src must allow wavesurfer's layout stylesheet, whose ` +
            `hash is now ${expected} (wavesurfer.js or WAVE_HEIGHT changed). Put it in place of ` +
            "the old 'sha256-…' in index.html and in the web server's policy header.",
        );
      }
      // A hash in style-src makes browsers ignore 'unsafe-inline', so dev drops the hash.
      return serving ? html.replace(/style-src [^;"]*/, "style-src 'self' 'unsafe-inline'") : html;
    },
  };
}

/**
 * Rollup `onwarn` that drops INVALID_ANNOTATION warnings from node_modules (zod 4 ships
 * `@__PURE__` comments Rollup cannot place: harmless, and not ours to fix).
 */
export function quietDependencyAnnotations(
  warning: RollupLog,
  warn: (warning: RollupLog) => void,
): void {
  if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
  warn(warning);
}

/**
 * Vite config for the renderer, writing to `outDir` (relative to the repo root, or absolute).
 * `devProxyOrigin`, when set (e.g. from EUREKA_DEV_API), forwards /api and /media of the dev
 * server to a running `eureka web`, so the UI can be developed with hot reload on real data.
 */
export function rendererConfig(outDir: string, devProxyOrigin?: string): UserConfig {
  return {
    root: RENDERER_ROOT,
    base: './',
    publicDir: false,
    envDir: REPO_ROOT,
    plugins: [svelte({ configFile: false }), cspPlugin()],
    resolve: { alias: { '@common': COMMON_DIR } },
    build: {
      outDir: fileURLToPath(new URL(outDir, new URL('.', import.meta.url))),
      emptyOutDir: true,
      target: BROWSER_TARGET,
      sourcemap: true,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1024,
      rollupOptions: {
        input: fileURLToPath(new URL('./src-renderer/index.html', import.meta.url)),
        onwarn: quietDependencyAnnotations,
      },
    },
    server: devProxyOrigin
      ? {
          proxy: {
            '/api': { target: devProxyOrigin, ws: true },
            '/media': { target: devProxyOrigin },
          },
        }
      : {},
  };
}
