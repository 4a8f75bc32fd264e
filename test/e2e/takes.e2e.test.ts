/**
 * End to end, the Takes view against the real core, its real training and generation workers,
 * onnxruntime and Chromium: a short synthetic bounce → a clip → a model trained with the test
 * preset → "Takes…" on the finished model → two 'new' takes of 3 s generated from the form
 * stream into the list, each drawn as a waveform and a spectrogram; A/B switches to the source
 * clip at the same position, loudness-matched; keep and star one, discard the other, delete the
 * discarded files (the row says so); "New seed" makes another take with the same settings and a
 * different seed; take URLs serve WAV (and a deleted one no longer does). A long batch shows
 * its progress with an ETA and stops on Cancel, its unfinished takes failing as cancelled; the
 * clip inspector's "Takes" opens the clip's model.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { wavBytes } from '../helpers/signals.js';
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
  // The spectrogram's wrapper is the parent of its frequency labels.
  const labels = root.querySelector('[part~="spec-labels"]');
  const spectrogram = labels ? [...labels.parentElement.querySelectorAll('canvas')].filter((c) => c !== labels) : [];
  return {
    count: canvases.length,
    drawn: canvases.filter(painted).length,
    spectrogram: spectrogram.length > 0 && spectrogram.some(painted),
  };
})()`;

/** The hidden source player's position and volume. */
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
});

