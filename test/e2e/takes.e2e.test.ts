/**
 * End to end, the Takes view against the real core, its real training and generation workers,
 * onnxruntime and Chromium: a short synthetic bounce → a clip → a model trained with the test
 * preset → "Takes…" on the finished model → two 'new' takes of 3 s generated from the form
 * stream into the list, each drawn as a waveform and a spectrogram; A/B switches to the source
 * clip at the same position, loudness-matched; keep and star one, discard the other, delete the
 * discarded files (the row says so); "New seed" makes another take with the same settings and a
 * different seed; take URLs serve WAV (and a deleted one no longer does). A long batch shows
 * its progress with an ETA and stops on Cancel, its unfinished takes failing as cancelled; the
 * clip inspector's "Takes" opens the clip's model. A gap clip of a stereo 44.1 kHz bounce: its
 * gap fill, made from the form, is the original clip outside the hole (sample for sample), its
 * row says where the fill sits and the band the model made, and its waveform shades the hole
 * and the crossfades where they are; its reconstruction is made once, the form then naming it
 * (the form starts a gap model on filling its gap). Triage of a long list: forty-one takes in one
 * line each, numbered by the ids the API and CLI use, rated ones in words ("fooled 1 of 2 raters
 * · musicality 5"); scrolling the list leaves the player where it is at 1440×900 and 1280×720,
 * and the spectrogram's frequency ruler stands beside the drawing, covering none of it.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { decodeAudio } from '../../src-main/services/audio/decode.js';
import { wavBytes } from '../helpers/signals.js';
import { SPECTROGRAM_HEIGHT } from '../../src-renderer/app/ui/waveform-layout.js';
import { OUTPUT_DIR, startHarness, type Harness } from './harness.js';

/** A test-preset run takes 15-40 s on 2 cores; leave room for a slow machine. */
const RUN_TIMEOUT_MS = 240_000;
/** Exporting the model and generating two 3 s takes on the CPU. */
const GENERATE_TIMEOUT_MS = 180_000;

/** The clip's region of the 3 s bounce, seconds. */
const CLIP = { start: 0.25, end: 2.75 };

/**
 * Whether every canvas wavesurfer drew in the take's shadow root has a visible pixel, and how
 * many there are (the waveform's and the spectrogram's; the timeline's may be absent).
 */
const CANVASES_DRAWN = `(() => {
  const host = document.querySelector('[data-testid="take-waveform"] > div');
  const root = host && host.shadowRoot;
  if (!root) return { count: 0, drawn: 0, spectrogram: false };
  const painted = (canvas) => {
    if (canvas.width === 0 || canvas.height === 0) return false;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
    return false;
  };
  const canvases = [...root.querySelectorAll('canvas')];
  // The spectrogram's canvases are the ones as tall as the spectrogram (the waveform's are taller).
  const spectrogram = canvases.filter((c) => Math.round(c.getBoundingClientRect().height) === ${SPECTROGRAM_HEIGHT});
  return {
    count: canvases.length,
    drawn: canvases.filter(painted).length,
    spectrogram: spectrogram.length > 0 && spectrogram.some(painted),
  };
})()`;

/** The hidden source player's position and volume. */
/**
 * The box of the spectrogram's canvases inside the take's waveform (null before they exist),
 * and how many label boxes wavesurfer drew over it (its own frequency labels).
 */
const SPECTROGRAM_BOX = `(() => {
  const host = document.querySelector('[data-testid="take-waveform"] > div');
  const root = host && host.shadowRoot;
  const canvases = root
    ? [...root.querySelectorAll('canvas')].filter((c) => Math.round(c.getBoundingClientRect().height) === ${SPECTROGRAM_HEIGHT})
    : [];
  if (canvases.length === 0) return null;
  const boxes = canvases.map((c) => c.getBoundingClientRect());
  return {
    left: Math.min(...boxes.map((b) => b.left)),
    top: Math.min(...boxes.map((b) => b.top)),
    bottom: Math.max(...boxes.map((b) => b.bottom)),
    labelBoxes: root.querySelectorAll('[part~="spec-labels"]').length,
  };
})()`;

type SpectrogramBox = { left: number; top: number; bottom: number; labelBoxes: number };

/**
 * The take's spectrogram once drawn: the player is ready when its waveform is, and the
 * spectrogram plugin draws its canvas a few frames later, so this asks once per animation frame
 * (30 s at most) rather than once, which raced.
 */
async function spectrogramBox(page: Page): Promise<SpectrogramBox | null> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const box = (await page.evaluate(SPECTROGRAM_BOX)) as SpectrogramBox | null;
    if (box || Date.now() > deadline) return box;
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
  }
}

const SOURCE_STATE = `(() => {
  const audio = document.querySelector('[data-testid="source-audio"]');
  return audio ? { time: audio.currentTime, volume: audio.volume, paused: audio.paused } : null;
})()`;

describe('web mode UI: takes', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    mkdirSync(OUTPUT_DIR, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  /** The row of take `takeId`. */
  const row = (page: Page, takeId: number): Locator => page.locator(`[data-testid="take-row"][data-take-id="${takeId}"]`);

  /** Fetches a take's media URL; returns the status and the first 12 bytes. */
  async function fetchTake(page: Page, takeId: number): Promise<{ status: number; type: string; head: string }> {
    // The page key this tab was handed (web mode's second secret, beside the cookie).
    const key = await page.evaluate(() => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(name: string): string | null } }).sessionStorage;
      return (JSON.parse(storage.getItem('eureka-page-session') ?? '{}') as { key?: string }).key ?? '';
    });
    const response = await page.request.get(new URL(`/media/take/${takeId}?key=${key}`, page.url()).toString());
    const body = await response.body();
    return {
      status: response.status(),
      type: response.headers()['content-type'] ?? '',
      head: `${body.subarray(0, 4).toString('latin1')}/${body.subarray(8, 12).toString('latin1')}`,
    };
  }

  test('generates, compares, judges, cleans up and regenerates takes', async () => {
    const { core } = harness;
    const imported = await core.handlers['library:import-files']({
      files: [{ name: 'Hook.wav', data: new Uint8Array(wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 330, seed: 3 })) }],
    });
    const songId = imported.files[0]?.songId;
    if (songId === undefined) throw new Error('the fixture bounce did not import');
    const clip = await core.handlers['library:add-clip']({ songId, start: CLIP.start, end: CLIP.end, label: 'U', split: 'train', notes: '' });
    const started = await core.handlers['training:start']({ clipId: clip.id, preset: 'test', device: 'auto', seed: '42' });

    const { page, problems } = await harness.openApp();
    await page.getByTestId('nav-training').click();
    const model = page.locator(`[data-testid="model-detail"][data-model-id="${started.id}"]`);
    await model.getByTestId('detail-status').filter({ hasText: /^Done$/ }).waitFor({ timeout: RUN_TIMEOUT_MS });

    // From the finished model to its takes: none yet, and the form offers 'new'.
    await model.getByTestId('open-takes').click();
    expect(await page.title()).toBe('Takes — Eureka');
    await page.getByTestId('no-takes').waitFor();
    expect(await page.getByTestId('pick-model').inputValue()).toBe(String(started.id));
    expect(await page.getByTestId('pick-clip').inputValue()).toBe(String(clip.id));
    const modes = await core.handlers['takes:list-modes']({ modelId: started.id });
    for (const mode of modes) {
      const input = page.getByTestId(`mode-${mode.mode}`).locator('input');
      expect(await input.isDisabled()).toBe(!mode.available);
      if (!mode.available) expect(await page.getByTestId(`mode-${mode.mode}`).getAttribute('title')).toBe(mode.reason);
    }
    await page.getByTestId('mode-new').locator('input').check();
    await page.getByTestId('gen-seconds').fill('3');
    await page.getByTestId('gen-count').fill('2');
    await page.getByTestId('gen-seed').fill('100');
    await page.getByTestId('gen-submit').click();

    // Both takes are listed at once and stream in as they finish.
    await page.getByTestId('take-row').nth(1).waitFor();
    await expect(page.getByTestId('take-row').count()).resolves.toBe(2);
    const listed = await core.handlers['takes:list']({ modelId: started.id });
    expect(listed.map((take) => take.seed).toSorted()).toEqual(['100', '101']);
    for (const take of listed) {
      await page
        .locator(`[data-testid="take-row"][data-take-id="${take.id}"][data-status="ready"]`)
        .waitFor({ timeout: GENERATE_TIMEOUT_MS });
    }
    const [first, second] = (await core.handlers['takes:list']({ modelId: started.id })).toSorted((a, b) => a.id - b.id);
    if (!first || !second) throw new Error('the batch made fewer than two takes');
    for (const take of [first, second]) {
      expect(take.status).toBe('ready');
      expect(take.settings).toEqual({ mode: 'new', seconds: 3, extendFromRate: null });
      expect(take.durationSeconds).toBeCloseTo(3, 1);
      expect(await fetchTake(page, take.id)).toEqual({ status: 200, type: 'audio/wav', head: 'RIFF/WAVE' });
    }

    // The first take: its waveform and spectrogram drawn.
    await row(page, first.id).click();
    const detail = page.locator(`[data-testid="take-detail"][data-take-id="${first.id}"]`);
    await detail.getByTestId('take-seed').filter({ hasText: /^100$/ }).waitFor();
    const player = detail.getByTestId('take-player');
    await detail.locator('[data-testid="take-player"].ready[data-spectrogram="drawn"]').waitFor({ timeout: 60_000 });
    const canvases = (await page.evaluate(CANVASES_DRAWN)) as { count: number; drawn: number; spectrogram: boolean };
    expect(canvases.spectrogram).toBe(true);
    expect(canvases.drawn).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'takes-generated.png') });

    // Under a ready take: Transcribe to MIDI reaches the transcription of that take. Either a part
    // made from it (its notes counted in the answer) or, for a take with no clear notes, the
    // service's one line saying so; the API says which.
    await page.getByTestId('transcribe-panel').getByTestId('transcribe').click();
    const outcome = page.locator('[data-testid="transcription-result"], [data-testid="transcription-failed"]');
    await outcome.waitFor({ timeout: 120_000 });
    const parts = await core.handlers['parts:list']({ songId });
    const fromTake = parts.filter((part) => part.source === 'transcription' && part.sourceTakeId === first.id);
    if (fromTake.length === 1) {
      expect(await page.getByTestId('transcription-result').textContent()).toContain(`${fromTake[0]!.noteCount} note`);
    } else {
      expect(fromTake).toEqual([]);
      expect(await page.getByTestId('transcription-failed').textContent()).toMatch(/no notes were heard in Take \d+: try a lower note start certainty/);
    }
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'takes-transcribed.png') });

    // A/B at the same position: click the middle of the waveform, switch to the source clip.
    const surface = detail.getByTestId('take-waveform');
    const box = await surface.boundingBox();
    if (!box) throw new Error('the take waveform has no layout box');
    await page.mouse.click(box.x + box.width / 2, box.y + 60);
    const offset = Number(await player.getAttribute('data-offset'));
    expect(offset).toBeGreaterThan(1.2);
    expect(offset).toBeLessThan(1.8);
    await page.keyboard.press('b');
    await page.locator('[data-testid="take-player"][data-side="source"]').waitFor();
    const source = (await page.evaluate(SOURCE_STATE)) as { time: number; volume: number; paused: boolean };
    expect(source.time).toBeCloseTo(CLIP.start + offset, 2);
    // Loudness-matched: the louder of the two is turned down by the residual difference.
    const residualDb = (first.loudnessLufs ?? 0) - (first.sourceLoudnessLufs ?? 0);
    const expectedSourceGain = first.loudnessLufs === null || first.sourceLoudnessLufs === null ? 1 : Math.min(1, 10 ** (residualDb / 20));
    expect(source.volume).toBeCloseTo(expectedSourceGain, 3);
    await page.keyboard.press('a');
    await page.locator('[data-testid="take-player"][data-side="take"]').waitFor();
    expect(Number(await player.getAttribute('data-offset'))).toBeCloseTo(offset, 2);

    // Playing, B hands over to the source element and A takes it back.
    await page.keyboard.press(' ');
    await page.locator('[data-testid="take-player"][data-playing="true"]').waitFor();
    await page.keyboard.press('b');
    await page.locator('[data-testid="take-player"][data-side="source"][data-playing="true"]').waitFor();
    expect(((await page.evaluate(SOURCE_STATE)) as { paused: boolean }).paused).toBe(false);
    await page.keyboard.press('a');
    await page.locator('[data-testid="take-player"][data-side="take"]').waitFor();
    expect(((await page.evaluate(SOURCE_STATE)) as { paused: boolean }).paused).toBe(true);
    await page.keyboard.press(' ');
    await page.locator('[data-testid="take-player"][data-playing="false"]').waitFor();

    // Keep and star the first from the keyboard; discard the second with its button.
    await page.keyboard.press('k');
    await page.keyboard.press('s');
    await page.locator(`[data-testid="take-row"][data-take-id="${first.id}"][data-verdict="kept"]`).waitFor();
    await detail.locator('[data-testid="take-star"][aria-pressed="true"]').waitFor();
    await row(page, second.id).click();
    await page.locator(`[data-testid="take-detail"][data-take-id="${second.id}"]`).getByTestId('take-discard').click();
    await page.locator(`[data-testid="take-row"][data-take-id="${second.id}"][data-verdict="discarded"]`).waitFor();
    const kept = await core.handlers['takes:get']({ takeId: first.id });
    expect([kept.verdict, kept.starred]).toEqual(['kept', true]);
    expect((await core.handlers['takes:get']({ takeId: second.id })).verdict).toBe('discarded');

    // Filters: kept shows one, starred-first order puts it on top.
    await page.getByTestId('filter-kept').click();
    await expect(page.getByTestId('take-row').count()).resolves.toBe(1);
    await page.getByTestId('filter-all').click();
    await page.getByTestId('take-sort').selectOption('starred');
    expect(await page.getByTestId('take-row').first().getAttribute('data-take-id')).toBe(String(first.id));

    // Delete discarded files, after a confirmation: the record stays, its file goes.
    await page.getByTestId('delete-discarded').click();
    await page.getByTestId('confirm-delete-discarded').click();
    await row(page, second.id).getByTestId('take-row-deleted').waitFor();
    await page.getByTestId('deleted-note').filter({ hasText: 'Deleted 1 file.' }).waitFor();
    await page.locator(`[data-testid="take-detail"][data-take-id="${second.id}"]`).getByTestId('take-file-deleted').waitFor();
    expect((await core.handlers['takes:get']({ takeId: second.id })).hasFile).toBe(false);
    expect((await fetchTake(page, second.id)).status).toBe(404);
    expect((await fetchTake(page, first.id)).status).toBe(200);

    // A new seed for the kept take: same settings, a different seed, selected once listed.
    await row(page, first.id).click();
    await page.locator(`[data-testid="take-detail"][data-take-id="${first.id}"]`).getByTestId('take-regenerate').click();
    await page.getByTestId('take-row').nth(2).waitFor();
    await expect(page.getByTestId('take-row').count()).resolves.toBe(3);
    const again = (await core.handlers['takes:list']({ modelId: started.id })).find((t) => t.id !== first.id && t.id !== second.id);
    if (!again) throw new Error('regenerate made no take');
    expect(again.settings).toEqual(first.settings);
    expect(again.seed).not.toBe(first.seed);
    await page
      .locator(`[data-testid="take-row"][data-take-id="${again.id}"][data-status="ready"]`)
      .waitFor({ timeout: GENERATE_TIMEOUT_MS });
    await page.locator(`[data-testid="take-detail"][data-take-id="${again.id}"]`).waitFor();
    expect(await fetchTake(page, again.id)).toEqual({ status: 200, type: 'audio/wav', head: 'RIFF/WAVE' });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'takes-judged.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 600_000);

  test('shows a batch in progress with its ETA and cancels it', async () => {
    const { core } = harness;
    const [model] = (await core.handlers['training:list-models']({})).filter((m) => m.status === 'done');
    if (!model) throw new Error('the first test left no trained model');
    const before = (await core.handlers['takes:list']({ modelId: model.id })).length;
    const { page, problems } = await harness.openApp();
    await page.getByTestId('nav-takes').click();
    // Arriving from the header opens the newest model that can generate.
    expect(await page.getByTestId('pick-model').inputValue()).toBe(String(model.id));
    await page.getByTestId('take-row').nth(before - 1).waitFor();

    // Long takes, so the batch is still running when Cancel is pressed.
    await page.getByTestId('mode-new').locator('input').check();
    await page.getByTestId('gen-seconds').fill('120');
    await page.getByTestId('gen-count').fill('8');
    await page.getByTestId('gen-submit').click();
    const bar = page.getByTestId('batch-progress');
    await bar.waitFor();
    expect(await bar.getByTestId('batch-eta').textContent()).toMatch(/left|Estimating/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'takes-batch.png') });
    await bar.getByTestId('cancel-batch').click();
    await bar.waitFor({ state: 'detached', timeout: 60_000 });

    const batch = (await core.handlers['takes:list']({ modelId: model.id })).slice(0, 8);
    expect(batch).toHaveLength(8);
    expect(batch.every((take) => take.status === 'ready' || take.status === 'failed')).toBe(true);
    const cancelled = batch.filter((take) => take.status === 'failed');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const take of cancelled) {
      expect(take.error).toBe('cancelled');
      await row(page, take.id).getByTestId('take-row-error').filter({ hasText: 'cancelled' }).waitFor();
    }

    // The clip inspector's "Takes" opens the same clip and model.
    await page.getByTestId('nav-library').click();
    await page.getByTestId('song-row').getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    await page.getByTestId('editor-clip').first().click();
    await page.getByTestId('clip-takes').click();
    await page.getByTestId('take-list').waitFor();
    expect(await page.getByTestId('pick-clip').inputValue()).toBe(String(model.clipId));
    expect(await page.getByTestId('pick-model').inputValue()).toBe(String(model.id));
    expect(problems).toEqual([]);
  }, 300_000);

  test('fills a gap in the original clip and marks the hole on the take', async () => {
    const { core } = harness;
    const bounce = wavBytes({ seconds: 3, sampleRate: 44_100, channels: 2, frequency: 220, seed: 6, bitDepth: 24 });
    const imported = await core.handlers['library:import-files']({ files: [{ name: 'Bridge.wav', data: new Uint8Array(bounce) }] });
    const file = imported.files[0];
    if (!file) throw new Error('the stereo bounce did not import');
    const gap = { start: 0.25, end: 2.75, holeStart: 1.25, holeEnd: 1.75 };
    const clip = await core.handlers['library:add-clip']({ songId: file.songId, label: 'gap', split: 'train', notes: '', ...gap });
    const started = await core.handlers['training:start']({ clipId: clip.id, preset: 'test', device: 'auto', seed: '5' });
    expect((await core.training.waitFor(started.id)).status).toBe('done');

    // The header's Takes opens the newest model that can generate: this one.
    const { page, problems } = await harness.openApp();
    await page.getByTestId('nav-takes').click();
    expect(await page.getByTestId('pick-model').inputValue()).toBe(String(started.id));
    // A gap model's form starts on filling its gap.
    await page.getByTestId('mode-gap').locator('input:checked').waitFor();
    expect(await page.getByTestId('mode-new').locator('input').isChecked()).toBe(false);
    await page.getByTestId('mode-gap').locator('input').check();
    await page.getByTestId('gen-count').fill('1');
    await page.getByTestId('gen-seed').fill('11');
    await page.getByTestId('gen-submit').click();
    await page.getByTestId('take-row').first().waitFor();
    const [queued] = await core.handlers['takes:list']({ modelId: started.id });
    if (!queued) throw new Error('the form queued no gap fill');
    await page.locator(`[data-testid="take-row"][data-take-id="${queued.id}"][data-status="ready"]`).waitFor({ timeout: GENERATE_TIMEOUT_MS });
    const take = await core.handlers['takes:get']({ takeId: queued.id });

    // The row says where the fill sits (seconds into the take, which is the clip) and its band.
    await row(page, take.id).getByTestId('take-row-fill').filter({ hasText: /^gap filled 1\.0–1\.5 s$/ }).waitFor();
    expect(await row(page, take.id).getByTestId('take-row-band').textContent()).toBe('up to 1 kHz');

    // The take is the original clip at its rate and in its channels, every sample outside the
    // hole and its crossfades as imported.
    expect(take).toMatchObject({ sampleRate: 44_100, render: { channels: 2, fill: { into: 'original' } } });
    const made = await decodeAudio(await readFile(core.mediaFile({ kind: 'take', takeId: take.id })), 'take');
    const original = await decodeAudio(await readFile(core.library.originalPath(file.id)), 'Bridge.wav');
    const hole = take.render!.fill!.holes[0]!;
    const [first, from, to] = [Math.round(gap.start * 44_100), Math.round((hole.start - hole.fadeIn) * 44_100), Math.round((hole.end + hole.fadeOut) * 44_100)];
    expect(made.channels).toHaveLength(2);
    for (let c = 0; c < 2; c++) {
      const ours = made.channels[c]!;
      const theirs = original.channels[c]!.subarray(first, first + ours.length);
      let changed = 0;
      for (let t = 0; t < ours.length; t++) if ((t < from || t >= to) && !Object.is(ours[t], theirs[t])) changed += 1;
      expect({ channel: c, changed }).toEqual({ channel: c, changed: 0 });
    }

    // The player shades the hole over the waveform where it is, the crossfades beside it.
    await row(page, take.id).click();
    const detail = page.locator(`[data-testid="take-detail"][data-take-id="${take.id}"]`);
    await detail.locator('[data-testid="take-player"].ready').waitFor({ timeout: 60_000 });
    await detail.getByTestId('detail-fill').filter({ hasText: 'gap filled 1.0–1.5 s' }).waitFor();
    const region = detail.getByTestId('take-hole-region');
    expect(Number(await region.getAttribute('data-start'))).toBeCloseTo(1, 3);
    expect(Number(await region.getAttribute('data-end'))).toBeCloseTo(1.5, 3);
    const wave = await detail.getByTestId('take-waveform').boundingBox();
    const shaded = await region.boundingBox();
    if (!wave || !shaded) throw new Error('the take waveform or its hole has no layout box');
    const seconds = take.durationSeconds ?? 2.5;
    expect((shaded.x - wave.x) / wave.width).toBeCloseTo(1 / seconds, 2);
    expect(shaded.width / wave.width).toBeCloseTo(0.5 / seconds, 2);
    expect(shaded.height).toBeGreaterThan(100);
    await expect(detail.getByTestId('take-hole').locator('rect.crossfade').count()).resolves.toBe(2);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'takes-gap-fill.png') });

    // The reconstruction has no randomness: one take, no seed, and once made the form names it.
    await page.getByTestId('mode-reconstruct').locator('input').check();
    await expect(page.getByTestId('gen-count').count()).resolves.toBe(0);
    await page.getByTestId('gen-submit').click();
    await page.getByTestId('take-row').nth(1).waitFor();
    const reconstruction = (await core.handlers['takes:list']({ modelId: started.id })).find((t) => t.settings.mode === 'reconstruct');
    if (!reconstruction) throw new Error('the form queued no reconstruction');
    await page.getByTestId('gen-made').filter({ hasText: `this model's reconstruction already exists: take ${reconstruction.id}` }).waitFor();
    expect(await page.getByTestId('gen-submit').isDisabled()).toBe(true);
    await page.locator(`[data-testid="take-row"][data-take-id="${reconstruction.id}"][data-status="ready"]`).waitFor({ timeout: GENERATE_TIMEOUT_MS });
    expect(problems).toEqual([]);
  }, 600_000);
  test('triages a long list: one line a take, numbered by id, ratings in words, the player in place', async () => {
    const { core } = harness;
    // A bounce longer than its clip, so a listening session finds a real excerpt in the rest.
    const bounce = wavBytes({ seconds: 16, sampleRate: 16_000, channels: 1, frequency: 262, seed: 8 });
    const imported = await core.handlers['library:import-files']({ files: [{ name: 'Chorus.wav', data: new Uint8Array(bounce) }] });
    const songId = imported.files[0]?.songId;
    if (songId === undefined) throw new Error('the long bounce did not import');
    const clip = await core.handlers['library:add-clip']({ songId, start: 0.25, end: 3.25, label: 'U', split: 'train', notes: '' });
    // An earlier model's take first, so this model's stored names ("Take 1"…) are not its ids.
    const earlier = await core.handlers['training:start']({ clipId: clip.id, preset: 'test', device: 'auto', seed: '8' });
    expect((await core.training.waitFor(earlier.id)).status).toBe('done');
    await core.takes.waitForBatch((await core.handlers['takes:generate']({ modelId: earlier.id, mode: 'new', seconds: 1, count: 1, seed: '2' })).batchId);
    const started = await core.handlers['training:start']({ clipId: clip.id, preset: 'test', device: 'auto', seed: '9' });
    expect((await core.training.waitFor(started.id)).status).toBe('done');

    // Forty short takes and one long enough to rate (a session's items are 5 s at least).
    const rated = await core.handlers['takes:generate']({ modelId: started.id, mode: 'new', seconds: 6, count: 1, seed: '987654' });
    const many = await core.handlers['takes:generate']({ modelId: started.id, mode: 'new', seconds: 1, count: 40, seed: '1' });
    for (const { batchId } of [rated, many]) {
      const made = await core.takes.waitForBatch(batchId);
      expect(made.filter((take) => take.status !== 'ready').map((take) => take.error)).toEqual([]);
    }
    const ratedId = rated.takes[0]!.id;

    // Two band mates rate it in a submitted session: Ana takes it for real (musicality 4), Ben
    // hears it is made (musicality 6); each answers the real excerpt the same way.
    const session = await core.handlers['rating:create']({
      name: 'Chorus check',
      format: 'single',
      takeIds: [ratedId],
      generatedCount: 1,
      realCount: 1,
      itemSeconds: 5,
      catchTrials: false,
      raters: ['Ana', 'Ben'],
      seed: '3',
      targetLufs: -23,
    });
    const answers = [
      { kind: 'single', judgedReal: true, ease: null, musicality: 4, inspiring: 'maybe', comment: '' },
      { kind: 'single', judgedReal: false, ease: 'difficult', musicality: 6, inspiring: 'no', comment: '' },
    ] as const;
    for (const [i, rater] of session.raters.entries()) {
      for (let position = 1; position <= rater.total; position++) {
        await core.handlers['rating:answer']({ raterId: rater.id, position, answer: answers[i]! });
      }
      await core.handlers['rating:final']({ raterId: rater.id, final: { helpsFinishSongs: 'maybe', reachedNewPlaces: 'no', whatWouldYouNeed: '' } });
      await core.handlers['rating:submit']({ raterId: rater.id });
    }
    expect(await core.handlers['takes:ratings']({ modelId: started.id })).toEqual([
      { takeId: ratedId, ratings: 2, judgedReal: 1, musicalityMean: 5, inspiring: 0 },
    ]);

    const { page, problems } = await harness.openApp();
    await page.getByTestId('nav-takes').click();
    expect(await page.getByTestId('pick-model').inputValue()).toBe(String(started.id));
    await page.getByTestId('take-row').nth(40).waitFor();

    // Each row's number is the take's id as the API (and `eureka takes`) has it, not its
    // stored name, which counts this model's takes from 1.
    const listed = await core.handlers['takes:list']({ modelId: started.id });
    expect(listed).toHaveLength(41);
    expect(listed.every((take) => take.name !== `Take ${take.id}`)).toBe(true);
    const numbers = await page
      .getByTestId('take-row')
      .evaluateAll((rows) => rows.map((r) => [Number(r.getAttribute('data-take-id')), r.querySelector('[data-testid="take-number"]')?.textContent?.trim() ?? '']));
    expect(numbers.map(([id]) => id).toSorted()).toEqual(listed.map((take) => take.id).toSorted());
    for (const [id, number] of numbers) expect(number).toBe(`Take ${id}`);

    // One line a take (as tall as each other, no seed on it), the rated one in words.
    const heights = await page.getByTestId('take-row').evaluateAll((rows) => rows.map((r) => Math.round(r.getBoundingClientRect().height)));
    expect(Math.max(...heights)).toBeLessThanOrEqual(34);
    expect(new Set(heights).size).toBe(1);
    expect(await row(page, ratedId).textContent()).not.toContain('987654');
    expect(await row(page, ratedId).getByTestId('take-rating').textContent()).toBe('fooled 1 of 2 raters · musicality 5');

    /** The list scrolls inside its panel: the player is where it was and wholly in the window. */
    async function scrollKeepsPlayer(size: { width: number; height: number }, shot: string): Promise<void> {
      await page.setViewportSize(size);
      const rows = page.getByTestId('take-row');
      await rows.first().click();
      const firstId = Number(await rows.first().getAttribute('data-take-id'));
      await page.locator(`[data-testid="take-detail"][data-take-id="${firstId}"] [data-testid="take-player"].ready`).waitFor({ timeout: 60_000 });
      const before = await page.getByTestId('take-player').boundingBox();
      const list = page.getByTestId('take-list');
      const overflow = await list.evaluate((ul) => ul.scrollHeight - ul.clientHeight);
      expect(overflow).toBeGreaterThan(200);

      await rows.last().scrollIntoViewIfNeeded();
      await rows.last().click();
      const lastId = Number(await rows.last().getAttribute('data-take-id'));
      await page.locator(`[data-testid="take-detail"][data-take-id="${lastId}"] [data-testid="take-player"].ready`).waitFor({ timeout: 60_000 });
      expect(await list.evaluate((ul) => ul.scrollTop)).toBeGreaterThan(200);
      const after = await page.getByTestId('take-player').boundingBox();
      const lastRow = await rows.last().boundingBox();
      if (!before || !after || !lastRow) throw new Error('the player or the last row has no layout box');
      // Where it was (give or take a wrapped line of the take's facts), not scrolled away with the list.
      expect(Math.abs(after.y - before.y)).toBeLessThan(40);
      expect(after.y).toBeGreaterThanOrEqual(0);
      expect(after.y + after.height).toBeLessThanOrEqual(size.height);
      expect(lastRow.y + lastRow.height).toBeLessThanOrEqual(size.height);

      // The spectrogram's ruler stands left of the drawing and names heights within it.
      const spectrogram = await spectrogramBox(page);
      const axis = await page.getByTestId('spectrogram-axis').boundingBox();
      if (!spectrogram || !axis) throw new Error('the spectrogram or its ruler has no layout box');
      expect(spectrogram.labelBoxes).toBe(0);
      expect(axis.x + axis.width).toBeLessThanOrEqual(spectrogram.left + 0.5);
      const ticks = await page.getByTestId('spectrogram-tick').evaluateAll((texts) => texts.map((t) => t.getBoundingClientRect()).map((b) => b.top + b.height / 2));
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      for (const y of ticks) {
        expect(y).toBeGreaterThan(spectrogram.top);
        expect(y).toBeLessThan(spectrogram.bottom);
      }
      await page.screenshot({ path: path.join(OUTPUT_DIR, shot) });
    }
    await scrollKeepsPlayer({ width: 1440, height: 900 }, 'takes-long-list-1440.png');
    await scrollKeepsPlayer({ width: 1280, height: 720 }, 'takes-long-list-1280.png');

    // The arrow keys walk down the list; the selected row scrolls into sight as they pass the edge.
    await page.getByTestId('take-row').first().click();
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowDown');
    const thirty = page.getByTestId('take-row').nth(30);
    await page.locator(`li[aria-current="true"] > [data-take-id="${await thirty.getAttribute('data-take-id')}"]`).waitFor();
    const listBox = await page.getByTestId('take-list').boundingBox();
    const selectedBox = await thirty.boundingBox();
    if (!listBox || !selectedBox) throw new Error('the list or the selected row has no layout box');
    expect(selectedBox.y).toBeGreaterThanOrEqual(listBox.y - 0.5);
    expect(selectedBox.y + selectedBox.height).toBeLessThanOrEqual(listBox.y + listBox.height + 0.5);
    expect(problems).toEqual([]);
  }, 600_000);
});
