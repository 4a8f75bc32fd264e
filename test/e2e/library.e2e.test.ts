/**
 * End to end: Debian's Chromium drives the real web-mode UI (out/web) against the real core
 * over the real WebSocket, and the test checks the outcome in the core's database.
 *
 * Flow: open the tokened URL → a broken file shows its one-line error → a generated bounce
 * (stereo, 10 s, 44.1 kHz, sine + seeded noise) appears with its duration → rename it inline →
 * open the clip editor → drag across the waveform → a clip exists where the mouse went →
 * press V → the clip is relabelled → screenshot. A second test checks that the server gives
 * nothing to a browser without the right token.
 *
 * The renderer build is made (or remade, when a source file is newer) before the tests, so a
 * stale out/web can never be what gets tested.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { formatSeconds } from '../../src-main/common/format-time.js';
import { createCore, type Core } from '../../src-main/core.js';
import { startWebServer, type WebServer } from '../../src-main/web/server.js';
import { encodeWavFixture, sine, textFile, whiteNoise } from '../fixtures/audio-fixtures.js';
import { makeTempDir, removeDir } from '../helpers/temp-dir.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const STATIC_DIR = path.join(REPO, 'out/web');
const SCREENSHOT = path.join(REPO, 'test-output/e2e/clip-editor.png');
const LIBRARY_SCREENSHOT = path.join(REPO, 'test-output/e2e/library.png');
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
const VIEWPORT = { width: 1440, height: 900 };

/** The fixture bounce. */
const RATE = 44_100;
const SECONDS = 10;

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

/** Builds out/web unless it is newer than every renderer and contract source. */
function ensureWebBuild(): void {
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
  );
  if (built > sources) return;
  const vite = path.join(REPO, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'vite.web.config.ts'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`building out/web failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** A stereo bounce: 220 Hz / 330 Hz sines with a little seeded noise, 16-bit. */
function bounce(): Uint8Array {
  const tones = [sine(220, SECONDS, RATE, 0.35)[0], sine(330, SECONDS, RATE, 0.3)[0]];
  const noise = whiteNoise(SECONDS, RATE, 0.05, 2, 7);
  const channels = tones.map((tone, c) => {
    const out = new Float32Array(SECONDS * RATE);
    const hiss = noise[c];
    if (!tone || !hiss) throw new Error('fixture generator returned too few channels');
    for (let t = 0; t < out.length; t++) out[t] = (tone[t] ?? 0) + (hiss[t] ?? 0);
    return out;
  });
  return encodeWavFixture(channels, RATE, { bits: 16 });
}

describe('web mode UI', () => {
  let dataDir: string;
  let fixtureDir: string;
  let core: Core;
  let server: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Console errors and uncaught exceptions from the page; must stay empty. */
  const pageProblems: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    dataDir = await makeTempDir('eureka-e2e-data-');
    fixtureDir = await makeTempDir('eureka-e2e-files-');
    core = await createCore({ dataDir });
    server = await startWebServer({ core, staticDir: STATIC_DIR });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await core?.dispose();
    if (dataDir) await removeDir(dataDir);
    if (fixtureDir) await removeDir(fixtureDir);
  });

  test('imports a bounce, cuts a clip by dragging and relabels it from the keyboard', async () => {
    context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));

    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    // The token was traded for a cookie and dropped from the address bar.
    expect(page.url()).not.toContain('token=');

    // An empty library says what to do, and the header says where training runs.
    await page.getByTestId('empty-library').waitFor();
    await page.getByTestId('compute-status').filter({ hasText: /^\s*(CPU \(|CUDA)/ }).waitFor();

    // A file that is not audio fails with a one-line reason naming it, which stays.
    const brokenPath = path.join(fixtureDir, 'broken.wav');
    writeFileSync(brokenPath, textFile());
    await page.getByTestId('import-input').setInputFiles(brokenPath);
    const importError = page.getByTestId('import-error');
    await importError.waitFor();
    expect(await importError.textContent()).toMatch(/^broken\.wav: /);
    await page.getByRole('button', { name: /^Dismiss: / }).click();
    await importError.waitFor({ state: 'detached' });

    // The bounce appears as a song with its measured duration.
    const wavPath = path.join(fixtureDir, 'Bridge idea.wav');
    writeFileSync(wavPath, bounce());
    await page.getByTestId('import-input').setInputFiles(wavPath);
    const row = page.getByTestId('song-row');
    await row.waitFor();
    expect(await row.getByTestId('song-duration').textContent()).toBe('0:10.000');
    const songs = await core.handlers['library:list-songs']({});
    expect(songs).toHaveLength(1);
    const song = songs[0]!;
    expect(song.files[0]?.durationSeconds).toBeCloseTo(SECONDS, 3);
    expect(song.files[0]?.channels).toBe(2);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: LIBRARY_SCREENSHOT });

    // Inline rename goes to the core.
    await row.getByRole('button', { name: /^Rename / }).click();
    await page.getByTestId('song-name-input').fill('Bridge, take 2');
    await page.getByTestId('song-name-input').press('Enter');
    await row.getByTestId('song-name').filter({ hasText: 'Bridge, take 2' }).waitFor();
    expect((await core.handlers['library:get-song']({ songId: song.id })).name).toBe('Bridge, take 2');

    // Open the clip editor and wait until the audio is decoded and drawn.
    await row.getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    const surface = page.getByTestId('waveform');
    const box = await surface.boundingBox();
    if (!box) throw new Error('the waveform has no layout box');

    // Drag from 20 % to 65 % of the width across the waveform (not the spectrogram).
    const y = box.y + 70;
    const x1 = box.x + box.width * 0.2;
    const x2 = box.x + box.width * 0.65;
    await page.mouse.move(x1, y);
    await page.mouse.down();
    await page.mouse.move(x1 + 15, y, { steps: 3 });
    await page.mouse.move(x2, y, { steps: 12 });
    await page.mouse.up();

    await page.getByTestId('editor-clip').waitFor();
    const clips = await core.handlers['library:list-clips']({ songId: song.id });
    expect(clips).toHaveLength(1);
    const clip = clips[0]!;
    const secondsPerPx = SECONDS / box.width;
    // The clip is cut where the pointer went, to within a couple of pixels.
    const tolerance = 2.5 * secondsPerPx;
    expect(Math.abs(clip.start - (x1 - box.x) * secondsPerPx)).toBeLessThan(tolerance);
    expect(Math.abs(clip.end - (x2 - box.x) * secondsPerPx)).toBeLessThan(tolerance);
    expect(clip.label).toBe('U');
    expect(clip.fileId).toBe(song.files[0]?.id);

    // The new clip is selected; V relabels it (the chip changes once the core has answered).
    const chip = page.getByTestId('inspector-label');
    await chip.filter({ hasText: 'U' }).waitFor();
    await page.keyboard.press('v');
    await chip.filter({ hasText: 'V' }).waitFor();
    const relabelled = await core.handlers['library:list-clips']({ songId: song.id });
    expect(relabelled.map((c) => [c.id, c.label])).toEqual([[clip.id, 'V']]);

    // The status line reports the selected clip's length.
    const length = clip.end - clip.start;
    const status = await page.getByTestId('status-line').textContent();
    expect(status).toContain(
      `V clip · ${formatSeconds(clip.start)} – ${formatSeconds(clip.end)} · length ${formatSeconds(length)}`,
    );

    await page.screenshot({ path: SCREENSHOT });

    expect(pageProblems).toEqual([]);
  }, 180_000);

  test('a browser without the right token gets no page', async () => {
    const origin = new URL(server.url).origin;
    const stranger = await browser.newContext();
    try {
      const tab = await stranger.newPage();
      for (const url of [`${origin}/`, `${origin}/?token=${'0'.repeat(64)}`, `${origin}/?token=`]) {
        const response = await tab.goto(url);
        expect([401, 403]).toContain(response?.status());
        expect(await tab.locator('#app').count()).toBe(0);
      }
      const media = await tab.goto(`${origin}/media/1`);
      expect([401, 403]).toContain(media?.status());
    } finally {
      await stranger.close();
    }
  }, 60_000);
});
