/**
 * End to end, training from the UI against the real core, its real worker process and the real
 * native trainer: a short synthetic bounce (3 s of tones and noise at 16 kHz) → a clip cut on
 * the waveform → "Train…" with the test preset → the Training view shows the plan, progress and
 * a drawn loss chart, then "Done" with a generated take and a reconstruction per scale whose
 * URLs serve WAV. A second run is cancelled after its first scale and resumed to the end; the
 * first model is deleted after a confirmation.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { wavBytes } from '../helpers/signals.js';
import { slowDownMachine } from '../helpers/slower-machine.js';
import { OUTPUT_DIR, dragAcross, startHarness, type Harness } from './harness.js';

/** A run of the test preset takes 15-40 s on 2 cores; leave room for a slow machine. */
const RUN_TIMEOUT_MS = 240_000;

/** Whether the chart's canvas has anything drawn on it (any pixel not fully transparent). */
const CHART_DRAWN = `(() => {
  const canvas = document.querySelector('[data-testid="loss-chart"] canvas');
  if (!(canvas instanceof HTMLCanvasElement) || canvas.width === 0) return false;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
})()`;

/** Resolves after two animation frames. */
const NEXT_FRAMES = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';

/** Points the chart has been given. */
const CHART_POINTS = `Number(document.querySelector('[data-testid="loss-chart"]')?.dataset.points ?? 0)`;

describe('web mode UI: training', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    mkdirSync(OUTPUT_DIR, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  /** Opens the song's clip editor, selects its clip and starts a test-preset run from the form. */
  async function trainFromEditor(page: Page, cut: boolean): Promise<void> {
    await page.getByTestId('nav-library').click();
    await page.getByTestId('song-row').getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    if (cut) {
      const box = await page.getByTestId('waveform').boundingBox();
      if (!box) throw new Error('the waveform has no layout box');
      await dragAcross(page, box, box.y + 70, 0.05, 0.95);
    }
    await page.getByTestId('editor-clip').first().click();
    await page.getByTestId('train-clip').click();
    const preset = page.getByTestId('train-preset');
    await preset.waitFor();
    await preset.selectOption('test');
    await page.getByTestId('preset-description').filter({ hasText: /Tiny and fast/ }).waitFor();
    // The test preset has no time budget to choose, and no time forecast (it measures nothing).
    expect(await page.getByTestId('train-budget').count()).toBe(0);
    await page.getByTestId('train-forecast-headline').filter({ hasText: /^No time forecast \(the test preset does not measure this computer\): muffled/ }).waitFor({ timeout: 90_000 });
    // Where it trains, in plain words (the test machines have no usable GPU), the reason one click away.
    await page.getByTestId('train-forecast-device').filter({ hasText: /^On the CPU — no usable GPU/ }).waitFor();
    await page.getByTestId('train-device-why').click();
    await page.getByTestId('train-device-reason').filter({ hasText: /\S/ }).waitFor();
    await page.getByTestId('train-seed').fill('42');
    await page.getByTestId('train-submit').click();
    await page.getByTestId('model-detail').waitFor();
  }

  /** Waits until the detail panel shows `status`. */
  async function waitForStatus(detail: Locator, status: string, timeout = RUN_TIMEOUT_MS): Promise<void> {
    await detail.getByTestId('detail-status').filter({ hasText: new RegExp(`^${status}$`) }).waitFor({ timeout });
  }

  test('trains a clip with live progress, curves and per-scale previews', async () => {
    const { core } = harness;
    await core.handlers['library:import-files']({
      files: [{ name: 'Hook.wav', data: new Uint8Array(wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 330, seed: 3 })) }],
    });
    const { page, problems } = await harness.openApp();
    await page.getByTestId('song-row').waitFor();

    await trainFromEditor(page, true);
    const models = await core.handlers['training:list-models']({});
    expect(models).toHaveLength(1);
    const modelId = models[0]!.id;
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${modelId}"]`);
    await detail.waitFor();
    expect(await page.title()).toBe('Training — Eureka');

    // How it is going, in words, above everything technical.
    await detail.getByTestId('how-it-is-going').filter({ hasText: /^(Planning the run…|Starting…|Learning the clip up to .* \(step \d of \d\))/ }).waitFor({ timeout: 60_000 });
    // The plan the worker made, word for word, and where it runs: behind Details.
    expect(await detail.getByTestId('plan-summary').isVisible()).toBe(false);
    await detail.getByTestId('model-details').locator('summary').first().click();
    const summary = detail.getByTestId('plan-summary');
    await summary.waitFor({ timeout: 60_000 });
    const planned = await core.handlers['training:get-model']({ modelId });
    expect(planned.plan).not.toBeNull();
    expect((await summary.textContent())?.trim()).toBe(planned.plan!.summary);

    // Live progress, an ETA, and a chart with points drawn on its canvas.
    await detail.getByTestId('scale-progress').waitFor({ timeout: 60_000 });
    // Locators and page.evaluate only: waitForFunction with a string predicate evals inside the
    // page, which the app's CSP (no 'unsafe-eval') rightly refuses.
    await page.locator('[data-testid="loss-chart"][data-points]:not([data-points="0"])').waitFor({ timeout: 60_000 });
    await page.evaluate(NEXT_FRAMES); // the chart redraws at most once per animation frame
    expect(await page.evaluate(CHART_DRAWN)).toBe(true);
    expect(await detail.getByTestId('eta').textContent()).toMatch(/left|Estimating|Waiting/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'training-running.png') });

    await waitForStatus(detail, 'Done');
    const done = await core.handlers['training:get-model']({ modelId });
    expect(done.status).toBe('done');
    expect(done.scalesTotal).not.toBeNull();
    expect(done.scales).toHaveLength(done.scalesTotal!);
    expect(await page.evaluate(CHART_POINTS)).toBeGreaterThan(0);
    await detail.getByTestId('how-it-is-going').filter({ hasText: /^Finished in .+: its takes reach up to 1 kHz\. Make takes to hear it\.$/ }).waitFor();

    // One row per scale, each with the players the core says it wrote, serving WAV.
    const rows = detail.getByTestId('scale-row');
    await expect(rows.count()).resolves.toBe(done.scales.length);
    for (const record of done.scales) {
      const row = detail.locator(`[data-testid="scale-row"][data-scale="${record.scale}"]`);
      expect(record.previews.toSorted()).toEqual(['fake', 'rec']);
      for (const kind of record.previews) {
        const audio = row.getByTestId(`preview-${kind}`);
        expect(await audio.getAttribute('controls')).not.toBeNull();
        const src = await audio.getAttribute('src');
        // Web mode's media URLs carry the tab's page key: the session cookie alone opens nothing.
        expect(src).toMatch(new RegExp(`^/media/preview/${modelId}/${record.scale}/${kind}\\?key=[0-9a-f]{64}$`));
        const bare = await page.request.get(new URL(src!.replace(/\?.*$/, ''), page.url()).toString());
        expect(bare.status()).toBe(403);
        const response = await page.request.get(new URL(src!, page.url()).toString());
        expect(response.status()).toBe(200);
        expect(response.headers()['content-type']).toBe('audio/wav');
        const body = await response.body();
        expect(body.subarray(0, 4).toString('latin1')).toBe('RIFF');
        expect(body.subarray(8, 12).toString('latin1')).toBe('WAVE');
      }
    }
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'training-done.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 420_000);

  test('cancels a run after its first scale, resumes it to the end, and deletes a model', async () => {
    const { core } = harness;
    const { page, problems } = await harness.openApp();
    await page.getByTestId('song-row').waitFor();
    const before = new Set((await core.handlers['training:list-models']({})).map((m) => m.id));

    await trainFromEditor(page, false);
    const created = (await core.handlers['training:list-models']({})).find((m) => !before.has(m.id));
    if (!created) throw new Error('no model was created');
    const modelId = created.id;
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${modelId}"]`);

    // Mid-way: once the first scale is finished (its previews are listed), cancel.
    await detail.getByTestId('scale-row').first().waitFor({ timeout: RUN_TIMEOUT_MS });
    await detail.getByTestId('cancel-training').click();
    await waitForStatus(detail, 'Cancelled', 60_000);
    const cancelled = await core.handlers['training:get-model']({ modelId });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.scalesDone).toBeGreaterThanOrEqual(1);
    expect(cancelled.scalesDone).toBeLessThan(cancelled.scalesTotal!);
    await expect(detail.getByTestId('scale-row').count()).resolves.toBe(cancelled.scalesDone);
    expect(await detail.getByTestId('delete-model').count()).toBe(1);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'training-cancelled.png') });

    // Resume continues after the last finished scale and runs to the end.
    await detail.getByTestId('resume-training').click();
    await waitForStatus(detail, 'Done');
    const resumed = await core.handlers['training:get-model']({ modelId });
    expect(resumed.status).toBe('done');
    expect(resumed.scales).toHaveLength(resumed.scalesTotal!);
    await expect(detail.getByTestId('scale-row').count()).resolves.toBe(resumed.scalesTotal!);
    expect(await page.evaluate(CHART_POINTS)).toBeGreaterThan(0);

    // The list shows both models; deleting the older one asks first (Cancel leaves it be), then
    // it is gone.
    const rows = page.getByTestId('model-row');
    await expect(rows.count()).resolves.toBe(before.size + 1);
    const [olderId] = [...before];
    await page.locator(`[data-testid="model-row"][data-model-id="${olderId}"]`).click();
    const older = page.locator(`[data-testid="model-detail"][data-model-id="${olderId}"]`);
    await older.getByTestId('delete-model').click();
    expect(await older.getByTestId('cancel-delete').textContent()).toBe('Cancel');
    await older.getByTestId('cancel-delete').click();
    await older.getByTestId('delete-model').click();
    await older.getByTestId('confirm-delete').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${olderId}"]`).waitFor({ state: 'detached' });
    expect((await core.handlers['training:list-models']({})).map((m) => m.id)).toEqual([modelId]);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'training-list.png') });
    expect(problems).toEqual([]);
  }, 600_000);

  test('the Train form forecasts a quick run, refuses a budget too short and offers the shortest that works', async () => {
    const { core } = harness;
    // 100 s: long enough that even quick's cheapest settings need more than the shortest budget (30 s).
    const { files } = await core.handlers['library:import-files']({
      files: [{ name: 'Long take.wav', data: new Uint8Array(wavBytes({ seconds: 100, sampleRate: 16_000, channels: 1, frequency: 220, seed: 8 })) }],
    });
    const file = files[0]!;
    const clip = await core.handlers['library:add-clip']({ songId: file.songId, fileId: file.id, start: 0, end: 100, label: 'U', split: 'train', notes: '' });
    const modelsBefore = (await core.handlers['training:list-models']({})).length;
    // Measure this machine, then make it 200 times slower where the service reads it: on a quiet
    // machine even quick's shortest budget (30 s) fits this clip, and the refusal is what is tested.
    await core.handlers['training:forecast']({ clipId: clip.id, preset: 'quick', budgetSeconds: 30, device: 'auto' });
    await slowDownMachine(core.dataDir, 200);
    const { page, problems } = await harness.openApp();
    await page.getByTestId('nav-library').click();
    await page.getByTestId('song-row').filter({ hasText: 'Long take' }).getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    await page.getByTestId('editor-clip').first().click();
    await page.getByTestId('train-clip').click();
    await page.getByTestId('train-preset').selectOption('quick');
    await page.getByTestId('train-budget').fill('0.5');
    const headline = page.getByTestId('train-forecast-headline');
    await headline
      .filter({ hasText: /^30 s is too short for this 1 min 40 s clip on this computer: the shortest budget that works is / })
      .waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('train-submit').isDisabled()).toBe(true);
    await page.getByTestId('train-use-shortest').click();
    await headline.filter({ hasText: /^About .* of your .*: (full band|a little dull|muffled)/ }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('train-submit').isDisabled()).toBe(false);
    // The recipe is one click away.
    await page.getByTestId('train-forecast-details').click();
    expect(await page.getByTestId('recipe-row').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    // Nothing was made by asking.
    expect(await core.handlers['training:list-models']({})).toHaveLength(modelsBefore);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);
});
