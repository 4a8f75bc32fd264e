/**
 * End to end, measuring takes in the Takes view against the real core, its real training,
 * generation and metrics workers, onnxruntime and Chromium, in web mode: a short bounce → a
 * clip → a model trained with the test preset → three takes; "Measure takes" shows its
 * progress, then each row's score (the core's, out of 100) and the diversity sentence; "Best
 * score" orders the rows by it; the selected take's "why this score" panel shows its parts in
 * plain words and, behind its Numbers switch, the core's sentences and the tables (each measure
 * named plainly beside its technical name), and its pictures are painted (the take's waveform in the take's colour, the
 * source's in the source's, the mel spectrograms as heat maps); moving the novelty slider to
 * the end saves the weights and re-ranks (scores become the novelty parts); "Save PNG"
 * downloads a PNG.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { TakeMetrics } from '../../src-main/common/metrics.js';
import { pictureLayout, type Rect } from '../../src-renderer/app/takes/picture-geometry.js';
import { comparisonRows, plainVerdicts, scorePercent } from '../../src-renderer/app/takes/take-metrics.js';
import { OUTPUT_DIR, startHarness, trainedModelWithTakes, type Harness } from './harness.js';

/** Training with the test preset and three 3 s takes on 2 cores; room for a slow machine. */
const PREPARE_TIMEOUT_MS = 360_000;
/** Measuring three short takes (worker start, features, pairwise diversity). */
const MEASURE_TIMEOUT_MS = 120_000;

/** PNG's 8-byte signature. */
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Records whether Measure's progress line was ever in the page (it may be brief). */
const WATCH_MEASURING = `(() => {
  window.__measuringSeen = false;
  const look = () => {
    if (document.querySelector('[data-testid="measure-progress"]')) window.__measuringSeen = true;
  };
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true });
})()`;

/**
 * Pixels of `rect` (CSS px, device scale 1) on the pictures' canvas within 40 per channel of
 * `rgb`, and how many distinct colours the rect holds.
 */
async function paint(page: Page, rect: Rect, rgb: [number, number, number]): Promise<{ matching: number; colours: number }> {
  const area = [rect.x, rect.y, rect.width, rect.height].map(Math.round).join(', ');
  return (await page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="pictures-canvas"]');
    const ctx = canvas && canvas.getContext('2d');
    if (!ctx) return { matching: 0, colours: 0 };
    const data = ctx.getImageData(${area}).data;
    const rgb = ${JSON.stringify(rgb)};
    let matching = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      const near = [0, 1, 2].every((k) => Math.abs(data[i + k] - rgb[k]) <= 40);
      if (data[i + 3] !== 0 && near) matching += 1;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    return { matching, colours: colours.size };
  })()`)) as { matching: number; colours: number };
}

describe('web mode UI: metrics', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    mkdirSync(OUTPUT_DIR, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  /** Row ids in list order, and each row's score. */
  async function rows(page: Page): Promise<{ ids: number[]; scores: (number | null)[] }> {
    const found = await page.getByTestId('take-row').evaluateAll((items) =>
      items.map((item) => [item.getAttribute('data-take-id'), item.getAttribute('data-score')]),
    );
    return { ids: found.map(([id]) => Number(id)), scores: found.map(([, score]) => (score === null ? null : Number(score))) };
  }

  /** The ids best score first, ties newest first (the list's order). */
  const byScore = (measured: TakeMetrics[]): number[] =>
    measured.toSorted((a, b) => b.score.total - a.score.total || b.takeId - a.takeId).map((m) => m.takeId);

  async function stored(ids: number[]): Promise<TakeMetrics[]> {
    const answers = await Promise.all(ids.map((takeId) => harness.core.handlers['metrics:get']({ takeId })));
    return answers.map((answer, index) => {
      if (!answer) throw new Error(`take ${ids[index]} has no stored metrics`);
      return answer;
    });
  }

  test('measures, ranks, explains, re-weights and pictures takes', async () => {
    const { core } = harness;
    const { modelId, takes: made } = await trainedModelWithTakes(core, { count: 3, seconds: 3 });
    const takeIds = made.map((take) => take.id);

    const { page, problems } = await harness.openApp();
    await page.getByTestId('nav-takes').click();
    await page.getByTestId('take-row').nth(2).waitFor();
    expect((await rows(page)).scores).toEqual([null, null, null]);

    // Measure: its progress line, then every row's score (the core's) and the diversity sentence.
    await page.evaluate(WATCH_MEASURING);
    await page.getByTestId('measure-takes').click();
    await page.locator('[data-testid="take-row"][data-score]').nth(2).waitFor({ timeout: MEASURE_TIMEOUT_MS });
    expect(await page.evaluate('window.__measuringSeen')).toBe(true);
    const measured = await stored(takeIds);
    const listed = await rows(page);
    for (const metrics of measured) {
      expect(listed.scores[listed.ids.indexOf(metrics.takeId)]).toBe(scorePercent(metrics.score.total));
    }
    const ranking = await core.handlers['metrics:rank']({ modelId });
    expect(await page.getByTestId('diversity-summary').textContent()).toBe(ranking.diversity.summary);

    // Best score first.
    await page.getByTestId('take-sort').selectOption('score');
    expect((await rows(page)).ids).toEqual(byScore(measured));

    // The best take's "why this score": its total, both parts' sentences, the numbers.
    const best = byScore(measured)[0];
    const bestMetrics = measured.find((m) => m.takeId === best);
    if (best === undefined || !bestMetrics) throw new Error('no best take');
    await page.locator(`[data-testid="take-row"][data-take-id="${best}"]`).click();
    const panel = page.locator(`[data-testid="score-panel"][data-take-id="${best}"]`);
    expect(await panel.getByTestId('score-total').textContent()).toBe(String(scorePercent(bestMetrics.score.total)));
    const bestRank = ranking.entries.find((entry) => entry.takeId === best)?.rank;
    expect(await panel.getByTestId('score-rank').textContent()).toBe(`#${bestRank} of 3`);
    expect(await panel.getByTestId('score-plain').locator('li').allTextContents()).toEqual(plainVerdicts(bestMetrics));
    // The numbers are one click away: hidden until Numbers is pressed.
    expect(await panel.getByTestId('score-numbers').isVisible()).toBe(false);
    await panel.getByTestId('numbers-toggle').click();
    await panel.getByTestId('metrics-own').waitFor();
    const sentences = await panel.getByTestId('score-explanation').locator('li').allTextContents();
    expect(sentences).toEqual(bestMetrics.score.explanation);
    expect(await panel.getByTestId('metrics-own').locator('tbody tr').count()).toBe(5);
    expect(await panel.getByTestId('metrics-compare').locator('tbody tr').count()).toBe(4);
    expect(await panel.getByTestId('metrics-compare').locator('tbody th').allTextContents()).toEqual(
      comparisonRows(bestMetrics).map((row) => `${row.name} ${row.technical}`),
    );

    // Its pictures, painted: each waveform in its colour, the mel spectrograms as heat maps.
    await page.locator('[data-testid="take-pictures"][data-drawn="true"]').waitFor({ timeout: MEASURE_TIMEOUT_MS });
    const cssWidth = await page.getByTestId('pictures-canvas').evaluate((canvas) => canvas.getBoundingClientRect().width);
    const layout = pictureLayout(cssWidth);
    expect((await paint(page, layout.takeWave, [110, 168, 255])).matching).toBeGreaterThan(100);
    expect((await paint(page, layout.sourceWave, [46, 196, 166])).matching).toBeGreaterThan(100);
    expect((await paint(page, layout.takeWave, [46, 196, 166])).matching).toBe(0);
    for (const mel of [layout.takeMel, layout.sourceMel]) expect((await paint(page, mel, [0, 0, 0])).colours).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'metrics-measured.png') });
    await panel.screenshot({ path: path.join(OUTPUT_DIR, 'metrics-score-panel.png') });
    await page.getByTestId('take-pictures').screenshot({ path: path.join(OUTPUT_DIR, 'metrics-pictures.png') });

    // All the weight on novelty: saved, re-ranked, each score now its novelty part (which the
    // weights do not change), best first.
    const expected = measured
      .map((m) => ({ takeId: m.takeId, novelty: m.score.novelty, score: scorePercent(m.score.novelty) }))
      .toSorted((a, b) => b.novelty - a.novelty || b.takeId - a.takeId)
      .map((entry) => String(entry.score));
    const novelty = panel.getByTestId('weight-novelty');
    await novelty.focus();
    await page.keyboard.press('End');
    await panel.getByTestId('weight-fidelity-value').filter({ hasText: /^0 %$/ }).waitFor();
    // The slider's "0 %" is drawn in the same update that marks the bar busy (saving, then
    // re-ranking), so once it shows, not-busy means the re-rank has landed.
    await page.locator('[data-testid="measure-bar"][data-busy="false"]').waitFor({ timeout: MEASURE_TIMEOUT_MS });
    expect((await rows(page)).scores.map(String)).toEqual(expected);
    expect(await core.handlers['metrics:get-weights']({})).toMatchObject({ fidelity: 0, novelty: 1 });
    const reweighted = await stored(takeIds);
    for (const metrics of reweighted) expect(metrics.score.total).toBeCloseTo(metrics.score.novelty, 6);
    expect((await rows(page)).ids).toEqual(byScore(reweighted));

    // Save PNG: a download that is a PNG.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-png').click()]);
    expect(download.suggestedFilename()).toMatch(/ vs source\.png$/);
    const file = await download.path();
    const bytes = await readFile(file);
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
    expect(problems).toEqual([]);
  }, PREPARE_TIMEOUT_MS + 3 * MEASURE_TIMEOUT_MS);
});
