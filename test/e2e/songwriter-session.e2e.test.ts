/**
 * A songwriter's session, end to end in web mode, through the real UI against the real core,
 * its training and generation workers, the export writers and Chromium: a 38 s bounce at 96 BPM
 * in A minor (clicks on the beat, a chord a bar) is imported from the file input → the library
 * row and the editor header show its tempo and key → a drag across the waveform cuts 8 bars,
 * snapped to bar lines → Delete takes the clip away and Ctrl+Z brings it back → the Train form
 * trains it with the test preset → a reload mid-training lands on the same address and model →
 * a 2-bar "Fill a gap" clip is cut and trained too → the first model makes a 16-bar take (its
 * length asked for in bars), the gap model a gap fill that is the original outside its hole
 * and crossfades, sample for sample → a listening session is built in the Listen view, and a
 * band mate opens their rater link in a browser of their own, answers an item, and finds every
 * owner channel and medium refused → the kept take is exported to Ableton Live and Logic Pro
 * folders at the song's tempo. The screen is saved at 1440×900 and 1280×720 at five points.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { barsToSeconds, formatTempo, nearestBarLine, secondsPerBar, type BarGrid } from '../../src-main/common/musical-time.js';
import { decodeFrame } from '../../src-main/common/wire.js';
import { decodeAudio } from '../../src-main/services/audio/decode.js';
import { RATER_CHANNELS } from '../../src-main/web/rater-access.js';
import { aMinorAt96Wav, SONG_BAR_SECONDS } from '../helpers/musical-signals.js';
import { TestSocket } from '../main/web/web-client.js';
import { OUTPUT_DIR, VIEWPORT, dragAcross, useHarness } from './harness.js';
import { answerSingleTrial } from './rating-setup.js';

/** The bounce: 38 s at 16 kHz, bar 1 at 0.5 s (bar lines every 2.5 s: 3.0, 5.5, … 35.5). */
const SONG = { seconds: 38, sampleRate: 16_000, downbeat: 0.5 };
/** 8 bars from bar 2 (3.0 s) to bar 10 (23.0 s); the drag starts and ends off the lines. */
const EIGHT_BARS = { from: 3.3, to: 22.7, start: 3, end: 23 };
/** 2 bars from bar 11 (25.5 s) to bar 13 (30.5 s): the gap clip. 30.5–38 s stays unused, for a real item. */
const TWO_BARS = { from: 25.8, to: 30.2, start: 25.5, end: 30.5 };
/** A test-preset run of a 20 s clip on 2 busy cores. */
const TRAIN_TIMEOUT_MS = 420_000;
const GENERATE_TIMEOUT_MS = 180_000;

/**
 * Resolves once every wavesurfer drawing on the page (the editor's and the take's) is drawn at
 * the width it has now: each row of its canvases (the waveform's, the spectrogram's) ends within
 * 3 px of its scroll box's right edge (neither is zoomed in these shots). Checked on each
 * animation frame, in the page (page.waitForFunction would eval, which the app's CSP refuses).
 */
const WAVEFORMS_FIT = `new Promise((resolve, reject) => {
  const fits = () => [...document.querySelectorAll('[data-testid="waveform"] > div, [data-testid="take-waveform"] > div')].every((host) => {
    const root = host.shadowRoot;
    const scroll = root && root.querySelector('.scroll');
    if (!scroll) return false;
    const edge = scroll.getBoundingClientRect().right;
    const rows = new Map();
    for (const canvas of root.querySelectorAll('canvas')) {
      const box = canvas.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const top = Math.round(box.top);
      rows.set(top, Math.max(rows.get(top) ?? -Infinity, box.right));
    }
    return rows.size > 0 && [...rows.values()].every((right) => Math.abs(right - edge) <= 3);
  });
  const since = performance.now();
  const check = () => {
    if (fits()) resolve(true);
    else if (performance.now() - since > 30000) reject(new Error('a waveform was not redrawn at its new width within 30 s'));
    else requestAnimationFrame(check);
  };
  check();
})`;

describe('web mode UI: a songwriter’s session', () => {
  const harness = useHarness();

  /**
   * Saves the screen at 1440×900 and at 1280×720, and leaves it at 1440×900. Wavesurfer redraws
   * a resized waveform a moment later (its resize observer waits 100 ms): each shot waits until
   * every row of canvases of every waveform on the page spans its scroll box again.
   */
  async function shoot(page: Page, name: string): Promise<void> {
    for (const size of [VIEWPORT, { width: 1280, height: 720 }]) {
      await page.setViewportSize(size);
      await page.evaluate(WAVEFORMS_FIT);
      await page.screenshot({ path: path.join(OUTPUT_DIR, `session-${name}-${size.width}.png`) });
    }
    await page.setViewportSize(VIEWPORT);
    await page.evaluate(WAVEFORMS_FIT);
  }

  /** Drags across the song's waveform from `from` to `to` seconds. */
  async function cut(page: Page, from: number, to: number): Promise<void> {
    const box = await page.getByTestId('waveform').boundingBox();
    if (!box) throw new Error('the waveform has no layout box');
    await dragAcross(page, box, box.y + 70, from / SONG.seconds, to / SONG.seconds);
  }

  /** Starts a test-preset run of the selected clip from the Train form; resolves to its model's id. */
  async function trainSelected(page: Page, seed: string): Promise<number> {
    const { core } = harness();
    const before = new Set((await core.handlers['training:list-models']({})).map((model) => model.id));
    await page.getByTestId('train-clip').click();
    await page.getByTestId('train-preset').selectOption('test');
    await page.getByTestId('train-forecast-headline').waitFor({ timeout: 90_000 });
    await page.getByTestId('train-seed').fill(seed);
    await page.getByTestId('train-submit').click();
    await page.getByTestId('model-detail').waitFor();
    const created = (await core.handlers['training:list-models']({})).find((model) => !before.has(model.id));
    if (!created) throw new Error('the Train form made no model');
    await page.locator(`[data-testid="model-detail"][data-model-id="${created.id}"]`).waitFor();
    return created.id;
  }

  /** Opens the Takes view of model `modelId` from its detail in Training. */
  async function openTakesOf(page: Page, modelId: number): Promise<void> {
    await page.getByTestId('nav-training').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`).click();
    await page.locator(`[data-testid="model-detail"][data-model-id="${modelId}"]`).getByTestId('open-takes').click();
    await page.getByTestId('generate-form').waitFor();
    expect(await page.getByTestId('pick-model').inputValue()).toBe(String(modelId));
  }

  /** Waits for take row `takeId` to be ready. */
  const ready = (page: Page, takeId: number) =>
    page.locator(`[data-testid="take-row"][data-take-id="${takeId}"][data-status="ready"]`).waitFor({ timeout: GENERATE_TIMEOUT_MS });

  test('import → bars and key → cut 8 bars → undo a delete → train, reload mid-run → 16-bar take and gap fill → a band mate rates → export', async () => {
    const { core, filesDir, exportRoot } = harness();
    const { page, problems } = await harness().openApp();

    // Import from the file input: the row says the tempo and key the import found.
    const wavPath = path.join(filesDir, 'Night Drive.wav');
    writeFileSync(wavPath, aMinorAt96Wav(SONG));
    await page.getByTestId('import-input').setInputFiles(wavPath);
    const row = page.getByTestId('song-row').filter({ hasText: 'Night Drive' });
    await row.waitFor();
    const [song] = await core.handlers['library:list-songs']({});
    if (!song) throw new Error('the bounce did not import');
    const songId = song.id;
    const time = (await core.handlers['library:get-song']({ songId })).musicalTime;
    if (!time) throw new Error('the import found no musical time');
    expect(time).toMatchObject({ tempoSource: 'estimated', key: 'A minor' });
    expect(Math.abs(time.tempo - 96)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(time.downbeatSeconds - SONG.downbeat)).toBeLessThanOrEqual(0.02);
    const grid: BarGrid = time;
    const tempoAndKey = `${formatTempo(time.tempo)} · A minor`;
    await row.getByTestId('song-tempo-key').filter({ hasText: tempoAndKey }).waitFor();

    // The editor's header says the same.
    await row.getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    await page.getByTestId('song-tempo').filter({ hasText: formatTempo(time.tempo) }).waitFor();
    expect(await page.getByTestId('song-key').textContent()).toBe('A minor');

    // A drag from 3.3 s to 22.7 s is cut on the bar lines at 3.0 s and 23.0 s: 8 bars.
    await cut(page, EIGHT_BARS.from, EIGHT_BARS.to);
    await page.getByTestId('editor-clip').waitFor();
    const [cutClip] = await core.handlers['library:list-clips']({ songId });
    if (!cutClip) throw new Error('the drag made no clip');
    expect(Math.abs(cutClip.start - EIGHT_BARS.start)).toBeLessThan(0.005);
    expect(Math.abs(cutClip.end - EIGHT_BARS.end)).toBeLessThan(0.005);
    expect(cutClip.start).toBeCloseTo(nearestBarLine(EIGHT_BARS.from, grid), 9);
    expect(cutClip.end).toBeCloseTo(nearestBarLine(EIGHT_BARS.to, grid), 9);
    expect(await page.getByTestId('inspector-bars').textContent()).toMatch(/(^|· )8 bars$/);
    await shoot(page, 'cut-8-bars');

    // Delete takes it away; Ctrl+Z brings it back where it was (under a new id).
    await page.keyboard.press('Delete');
    await page.getByTestId('editor-clip').waitFor({ state: 'detached' });
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([]);
    await page.keyboard.press('Control+z');
    await page.getByTestId('editor-clip').waitFor();
    const [clip] = await core.handlers['library:list-clips']({ songId });
    if (!clip) throw new Error('undo did not bring the clip back');
    expect([clip.start, clip.end, clip.label, clip.split, clip.fileId]).toEqual([cutClip.start, cutClip.end, cutClip.label, cutClip.split, cutClip.fileId]);

    // Train it with the test preset from the Train form; the address names the model.
    await page.getByTestId('editor-clip').first().click();
    const modelId = await trainSelected(page, '42');
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${modelId}"]`);
    const address = `#/training/models/${modelId}`;
    await page.waitForFunction(`location.hash === ${JSON.stringify(address)}`);

    // Mid-training, a reload lands on the same view: the same address, the same model.
    await detail.getByTestId('detail-status').filter({ hasText: /^Training$/ }).waitFor({ timeout: 120_000 });
    expect((await core.handlers['training:get-model']({ modelId })).status).toBe('running');
    await page.reload();
    await detail.waitFor();
    expect(new URL(page.url()).hash).toBe(address);
    expect(await detail.getByTestId('detail-status').textContent()).toMatch(/^(Training|Done)$/);
    await shoot(page, 'training-reloaded');

    // While it trains: 2 bars cut on the grid become a "Fill a gap" clip (G), trained next.
    await page.getByTestId('nav-library').click();
    await row.getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    await cut(page, TWO_BARS.from, TWO_BARS.to);
    await page.getByTestId('editor-clip').nth(1).waitFor();
    const gapCut = (await core.handlers['library:list-clips']({ songId })).find((c) => c.id !== clip.id);
    if (!gapCut) throw new Error('the second drag made no clip');
    expect(Math.abs(gapCut.start - TWO_BARS.start)).toBeLessThan(0.005);
    expect(Math.abs(gapCut.end - TWO_BARS.end)).toBeLessThan(0.005);
    expect(gapCut.start).toBeCloseTo(nearestBarLine(TWO_BARS.from, grid), 9);
    await page.keyboard.press('g');
    await page.locator(`[data-testid="waveform"] [part~="hole-${gapCut.id}"]`).waitFor();
    const gapClip = (await core.handlers['library:list-clips']({ songId })).find((c) => c.id === gapCut.id)!;
    expect(gapClip.label).toBe('gap');
    const gapModelId = await trainSelected(page, '5');

    // The runs go one after the other: the gap model is done last.
    await page
      .locator(`[data-testid="model-detail"][data-model-id="${gapModelId}"]`)
      .getByTestId('detail-status')
      .filter({ hasText: /^(Done|Failed)$/ })
      .waitFor({ timeout: TRAIN_TIMEOUT_MS });
    const trained = await core.training.waitFor(modelId);
    expect([trained.status, trained.error]).toEqual(['done', null]);
    const gapTrained = await core.training.waitFor(gapModelId);
    expect([gapTrained.status, gapTrained.error]).toEqual(['done', null]);

    // A new take of 16 bars, its length asked for in bars: 16 bars at the song's tempo.
    await openTakesOf(page, modelId);
    await page.getByTestId('mode-new').locator('input').check();
    await page.getByTestId('gen-length-unit').selectOption('bars');
    await page.getByTestId('gen-bars').fill('16');
    await page.getByTestId('gen-count').fill('1');
    await page.getByTestId('gen-seed').fill('100');
    await page.getByTestId('gen-submit').click();
    await page.getByTestId('take-row').first().waitFor();
    const [queued] = await core.handlers['takes:list']({ modelId });
    if (!queued) throw new Error('the form queued no take');
    await ready(page, queued.id);
    const sixteen = await core.handlers['takes:get']({ takeId: queued.id });
    const sixteenBars = barsToSeconds(16, grid);
    expect(sixteenBars).toBeCloseTo(16 * secondsPerBar(grid), 9);
    expect(Math.abs(sixteenBars - 16 * SONG_BAR_SECONDS) / (16 * SONG_BAR_SECONDS)).toBeLessThan(0.01);
    expect(sixteen.settings.mode).toBe('new');
    expect(Math.abs((sixteen.durationSeconds ?? 0) - sixteenBars) / sixteenBars).toBeLessThan(0.01);
    // Kept, for the export at the end.
    await page.locator(`[data-testid="take-row"][data-take-id="${sixteen.id}"]`).click();
    await page.keyboard.press('k');
    await page.locator(`[data-testid="take-row"][data-take-id="${sixteen.id}"][data-verdict="kept"]`).waitFor();

    // The gap model fills its gap: the original clip, at its rate, outside the hole and its crossfades.
    await openTakesOf(page, gapModelId);
    await page.getByTestId('mode-gap').locator('input:checked').waitFor();
    await page.getByTestId('gen-count').fill('1');
    await page.getByTestId('gen-seed').fill('11');
    await page.getByTestId('gen-submit').click();
    await page.getByTestId('take-row').first().waitFor();
    const [gapQueued] = await core.handlers['takes:list']({ modelId: gapModelId });
    if (!gapQueued) throw new Error('the form queued no gap fill');
    await ready(page, gapQueued.id);
    const fill = await core.handlers['takes:get']({ takeId: gapQueued.id });
    expect(fill).toMatchObject({ sampleRate: SONG.sampleRate, render: { channels: 1, fill: { into: 'original' } } });
    const made = await decodeAudio(await readFile(core.mediaFile({ kind: 'take', takeId: fill.id })), 'take');
    const original = await decodeAudio(await readFile(core.library.originalPath(song.files[0]!.id)), 'Night Drive.wav');
    const hole = fill.render!.fill!.holes[0]!;
    const rate = SONG.sampleRate;
    const [first, from, to] = [Math.round(gapClip.start * rate), Math.round((hole.start - hole.fadeIn) * rate), Math.round((hole.end + hole.fadeOut) * rate)];
    expect(made.channels).toHaveLength(1);
    const ours = made.channels[0]!;
    expect(Math.abs(ours.length - Math.round((gapClip.end - gapClip.start) * rate))).toBeLessThanOrEqual(1);
    const theirs = original.channels[0]!.subarray(first, first + ours.length);
    let changed = 0;
    let kept = 0;
    for (let t = 0; t < ours.length; t++) {
      if (t >= from && t < to) continue;
      kept += 1;
      if (!Object.is(ours[t], theirs[t])) changed += 1;
    }
    expect(kept).toBeGreaterThan(0.5 * ours.length);
    expect(changed).toBe(0);
    await page.locator(`[data-testid="take-row"][data-take-id="${fill.id}"]`).click();
    await page.locator(`[data-testid="take-detail"][data-take-id="${fill.id}"] [data-testid="take-player"].ready`).waitFor({ timeout: 60_000 });
    await page.getByTestId('take-hole-region').waitFor();
    await shoot(page, 'gap-fill');

    // A listening session of the 16-bar take and a real excerpt of the unused end of the song.
    await page.getByTestId('nav-rating').click();
    const builder = page.getByTestId('session-builder');
    await builder.getByTestId('builder-name').fill('Night Drive check');
    await builder.getByTestId(`builder-model-${modelId}`).check();
    await builder.getByTestId('builder-generated').fill('1');
    await builder.getByTestId('builder-real').fill('1');
    await builder.getByTestId('builder-seconds').fill('5');
    await builder.getByTestId('builder-catch').setChecked(false);
    await builder.getByTestId('builder-raters').fill('Sam');
    await builder.getByTestId('builder-seed').fill('7');
    await builder.getByTestId('builder-create').click();
    const session = page.getByTestId('session-detail');
    await session.waitFor({ timeout: 60_000 });
    const sessionId = Number(await session.getAttribute('data-session-id'));
    const [sam] = (await core.handlers['rating:get']({ sessionId })).raters;
    if (!sam) throw new Error('the session has no rater');
    const link = await session.locator(`[data-testid="session-rater"][data-rater-id="${sam.id}"]`).getByTestId('rater-link').getAttribute('href');
    if (!link) throw new Error('the rater has no link');
    expect(link).not.toContain(harness().server.token);

    // Sam opens the link in a browser of their own and answers the first item.
    const samContext = await harness().browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    try {
      const samPage = await samContext.newPage();
      const samProblems: string[] = [];
      samPage.on('console', (message) => {
        if (message.type() === 'error') samProblems.push(`console: ${message.text()}`);
      });
      samPage.on('pageerror', (error) => samProblems.push(`page error: ${error.message}`));
      const called: string[] = [];
      let events = 0;
      samPage.on('websocket', (socket) => {
        socket.on('framesent', (frame) => {
          if (typeof frame.payload !== 'string') called.push(String((decodeFrame(new Uint8Array(frame.payload)) as { channel?: unknown }).channel));
        });
        socket.on('framereceived', (frame) => {
          if (typeof frame.payload !== 'string' && (decodeFrame(new Uint8Array(frame.payload)) as { type?: unknown }).type === 'event') events += 1;
        });
      });
      const opened = await samPage.goto(new URL(link, harness().server.url).toString());
      expect(opened?.status()).toBe(200);
      await samPage.getByTestId('rater-view').waitFor();
      for (const tab of ['nav-library', 'nav-training', 'nav-takes', 'nav-rating', 'undo', 'rater-back']) {
        await expect(samPage.getByTestId(tab).count()).resolves.toBe(0);
      }
      await answerSingleTrial(samPage, 1, { kind: 'single', judgedReal: true, ease: null, musicality: 6, inspiring: 'maybe', comment: '' });
      await samPage.locator('[data-testid="rater-progress"][data-answered="1"]').waitFor();
      expect(core.ratingRepository.answers(sam.id).map((answer) => answer.position)).toEqual([1]);
      await samPage.locator('[data-testid="trial"][data-position="2"] [data-testid="blind-player"][data-state="ready"]').waitFor();
      await shoot(samPage, 'rater');
      // The page called the rater's own channels only, and heard no event.
      expect(called.filter((channel) => !RATER_CHANNELS.has(channel as never))).toEqual([]);
      expect(events).toBe(0);

      // With Sam's own session (cookie and page key), every owner channel is refused …
      const pageKey = (await samPage.evaluate(`JSON.parse(sessionStorage.getItem('eureka-page-session') ?? '{}').key ?? ''`)) as string;
      expect(pageKey).toMatch(/^[0-9a-f]{64}$/);
      const cookie = (await samContext.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const { port } = harness().server;
      const socket = await TestSocket.open(port, { origin: `http://127.0.0.1:${port}`, cookie }, pageKey);
      try {
        expect((await socket.call('rating:progress', { raterId: sam.id })).envelope.ok).toBe(true);
        for (const [channel, request] of [
          ['library:list-songs', {}],
          ['library:list-clips', { songId }],
          ['training:list-models', {}],
          ['takes:list', { modelId }],
          ['rating:results', { sessionId, excludeUnreliable: false }],
          ['export:get-defaults', {}],
          ['rating:list', {}],
        ] as const) {
          const answer = await socket.call(channel, request);
          expect({ channel, envelope: answer.envelope }).toMatchObject({ channel, envelope: { ok: false, error: { code: 'UNAUTHORIZED' } } });
        }
      } finally {
        socket.close();
      }
      // … and so is every medium but Sam's own items: the song, the takes.
      const statuses = await samPage.evaluate(
        async (urls) => Object.fromEntries(await Promise.all(Object.entries(urls).map(async ([name, url]) => [name, (await fetch(url)).status]))),
        {
          song: `/media/file/${song.files[0]!.id}?key=${pageKey}`,
          take: `/media/take/${sixteen.id}?key=${pageKey}`,
          fill: `/media/take/${fill.id}?key=${pageKey}`,
        },
      );
      expect(statuses).toEqual({ song: 403, take: 403, fill: 403 });
      expect(samProblems.filter((p) => !/status of 403/.test(p))).toEqual([]);
    } finally {
      await samContext.close();
    }

    // Export the kept 16-bar take: Ableton Live and Logic Pro folders at the song's tempo.
    await openTakesOf(page, modelId);
    await page.locator(`[data-testid="take-row"][data-take-id="${sixteen.id}"][data-verdict="kept"]`).click();
    await page.getByTestId('open-export').click();
    await page.locator(`[data-testid="export-take"][data-take-id="${sixteen.id}"]`).waitFor();
    expect(await page.locator(`[data-testid="export-take"][data-take-id="${sixteen.id}"]`).isChecked()).toBe(true);
    for (const daw of ['export-ableton', 'export-logic']) await page.getByTestId(daw).check();
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-done').waitFor({ timeout: 120_000 });
    const folders = await page.getByTestId('export-folder').evaluateAll((items) => items.map((item) => item.getAttribute('data-path')));
    const project = path.join(exportRoot, 'Night Drive Project');
    const logic = path.join(exportRoot, 'Night Drive Logic');
    expect(folders).toEqual([project, logic]);
    await shoot(page, 'export');
    for (const file of [path.join(project, 'Night Drive.als'), path.join(logic, 'Stems'), path.join(logic, 'README.txt')]) {
      expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
    }
    const xml = gunzipSync(await readFile(path.join(project, 'Night Drive.als'))).toString('utf8');
    const setTempo = /<Tempo>[\s\S]*?<Manual Value="([0-9.]+)"/.exec(xml)?.[1];
    expect(Math.abs(Number(setTempo) - time.tempo)).toBeLessThan(0.01);

    expect(problems).toEqual([]);
  }, 1_500_000);
});
