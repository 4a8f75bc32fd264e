/**
 * What every end-to-end test needs: an up-to-date renderer build (out/web, or a private fresh
 * build when a source is newer), a core over a temporary data directory (and a temporary export
 * root: web mode exports only there), the web server on a free loopback port, the screenshot
 * folder, Debian's Chromium through playwright-core, and a page that records console errors and
 * uncaught exceptions (a test ends by asserting there were none).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Take } from '../../src-main/common/generation.js';
import { createCore, type Core } from '../../src-main/core.js';
import { startWebServer, type WebServer } from '../../src-main/web/server.js';
import { encodeWavFixture, sine, whiteNoise } from '../fixtures/audio-fixtures.js';
import { wavBytes } from '../helpers/signals.js';
import { makeTempDir, removeDir } from '../helpers/temp-dir.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const STATIC_DIR = path.join(REPO, 'out/web');
/** Screenshots land here (test-output/ is not committed). */
export const OUTPUT_DIR = path.join(REPO, 'test-output/e2e');

const CHROMIUM = process.env.EUREKA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const VIEWPORT = { width: 1440, height: 900 };

/** Newest modification time of any file under `dir` (0 when it does not exist). */
function newestMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The renderer build to serve: out/web when it is newer than every renderer, contract and
 * build-config source (`npm test` builds it first), otherwise a fresh build made now into
 * `scratchDir`. Building into a folder of its own keeps test files that run in parallel from
 * rebuilding out/web under each other's feet.
 */
export function webBuildFor(scratchDir: string): string {
  let built = 0;
  try {
    built = statSync(path.join(STATIC_DIR, 'index.html')).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(
    newestMtime(path.join(REPO, 'src-renderer')),
    newestMtime(path.join(REPO, 'src-main/common')),
    statSync(path.join(REPO, 'vite.renderer.config.ts')).mtimeMs,
    statSync(path.join(REPO, 'vite.web.config.ts')).mtimeMs,
  );
  if (built > sources) return STATIC_DIR;
  const outDir = path.join(scratchDir, 'web');
  const vite = path.join(REPO, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'vite.web.config.ts', '--outDir', outDir, '--logLevel', 'warn'],
    { cwd: REPO, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`building the renderer failed:\n${result.stdout}\n${result.stderr}`);
  return outDir;
}

/** Sample rate and length of {@link bounceWav}. */
export const BOUNCE_RATE = 44_100;
export const BOUNCE_SECONDS = 10;

/** A stereo 16-bit bounce: 220 Hz left, 330 Hz right, each with a little seeded noise. */
export function bounceWav(): Uint8Array<ArrayBuffer> {
  const frames = BOUNCE_SECONDS * BOUNCE_RATE;
  const tones = [sine(220, BOUNCE_SECONDS, BOUNCE_RATE, 0.35)[0], sine(330, BOUNCE_SECONDS, BOUNCE_RATE, 0.3)[0]];
  const noise = whiteNoise(BOUNCE_SECONDS, BOUNCE_RATE, 0.05, 2, 7);
  const channels = tones.map((tone, c) => {
    const hiss = noise[c];
    if (!tone || !hiss) throw new Error('fixture generator returned too few channels');
    const out = new Float32Array(frames);
    for (let t = 0; t < frames; t++) out[t] = (tone[t] ?? 0) + (hiss[t] ?? 0);
    return out;
  });
  // A copy with its own ArrayBuffer, the type the import contract asks for.
  return new Uint8Array(encodeWavFixture(channels, BOUNCE_RATE, { bits: 16 }));
}

export interface Harness {
  core: Core;
  server: WebServer;
  /** The web build the server serves. */
  staticDir: string;
  browser: Browser;
  /** A scratch folder for fixture files. */
  filesDir: string;
  /** The core's export root (a temporary folder): where exports go by default, and the only place web mode may export to. */
  exportRoot: string;
  /** Opens a fresh context on the tokened URL; problems are collected into `problems`. */
  openApp(): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  dispose(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dataDir = await makeTempDir('eureka-e2e-data-');
  const filesDir = await makeTempDir('eureka-e2e-files-');
  const exportRoot = await makeTempDir('eureka-e2e-exports-');
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const staticDir = webBuildFor(filesDir);
  // Training jobs run as under `eureka web`: every queued job, in order.
  const core = await createCore({ dataDir, runQueue: 'all', exportRoot });
  const server = await startWebServer({ core, staticDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  return {
    core,
    server,
    staticDir,
    browser,
    filesDir,
    exportRoot,
    async openApp() {
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      const response = await page.goto(server.url);
      if (response?.status() !== 200) throw new Error(`opening ${server.url} gave HTTP ${response?.status()}`);
      return { context, page, problems };
    },
    async dispose() {
      for (const context of contexts) await context.close();
      await browser.close();
      await server.close();
      await core.dispose();
      await removeDir(dataDir);
      await removeDir(filesDir);
      await removeDir(exportRoot);
    },
  };
}

/**
 * A harness for the calling describe block: started before its tests (given three minutes: the
 * first start may build the renderer) and disposed of after them. Call the returned function
 * inside a test to get it.
 */
export function useHarness(): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness();
  }, 180_000);
  afterAll(async () => {
    await harness?.dispose();
  });
  return () => {
    if (!harness) throw new Error('the e2e harness has not started: use it inside a test');
    return harness;
  };
}

/** A box in page pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Drags with the mouse across `box` at height `y`, from fraction `from` to `to` of its width. */
export async function dragAcross(page: Page, box: Box, y: number, from: number, to: number): Promise<void> {
  const x1 = box.x + box.width * from;
  const x2 = box.x + box.width * to;
  await page.mouse.move(x1, y);
  await page.mouse.down();
  await page.mouse.move(x1 + Math.sign(x2 - x1) * 15, y, { steps: 3 });
  await page.mouse.move(x2, y, { steps: 12 });
  await page.mouse.up();
}

/**
 * A test-preset model of a 2.5 s clip cut from a 3 s synthetic bounce ("Hook.wav", 330 Hz and
 * seeded noise), trained through the core, and `count` 'new' takes of `seconds` from seed 100
 * up, all ready: what the Takes, export and metrics tests start from.
 */
export async function trainedModelWithTakes(
  core: Core,
  options: { count: number; seconds: number },
): Promise<{ songId: number; modelId: number; takes: Take[] }> {
  const imported = await core.handlers['library:import-files']({
    files: [{ name: 'Hook.wav', data: new Uint8Array(wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 330, seed: 3 })) }],
  });
  const songId = imported.files[0]?.songId;
  if (songId === undefined) throw new Error('the fixture bounce did not import');
  const clip = await core.handlers['library:add-clip']({ songId, start: 0.25, end: 2.75, label: 'U', split: 'train', notes: '' });
  const started = await core.handlers['training:start']({ clipId: clip.id, preset: 'test', device: 'auto', seed: '42' });
  const trained = await core.training.waitFor(started.id);
  if (trained.status !== 'done') throw new Error(`the test model ended ${trained.status}: ${trained.error ?? ''}`);
  const { batchId } = await core.handlers['takes:generate']({ modelId: started.id, mode: 'new', count: options.count, seconds: options.seconds, seed: '100' });
  const takes = (await core.takes.waitForBatch(batchId)).toSorted((a, b) => a.id - b.id);
  if (takes.some((take) => take.status !== 'ready')) throw new Error(`the batch did not make ${options.count} takes`);
  return { songId, modelId: started.id, takes };
}
