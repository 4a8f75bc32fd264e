/**
 * Web-mode build of the renderer (`npm run build:web` → out/web), served by `eureka web` and
 * driven by the end-to-end tests. Same renderer configuration as the desktop build.
 *
 * `npx vite --config vite.web.config.ts` starts a dev server; set EUREKA_DEV_API to the origin
 * of a running `eureka web` (e.g. http://127.0.0.1:4173) to proxy its API and media through.
 */
import { defineConfig } from 'vite';
import { rendererConfig } from './vite.renderer.config.js';

export default defineConfig(rendererConfig('out/web', process.env.EUREKA_DEV_API));
