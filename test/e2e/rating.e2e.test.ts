/**
 * End to end, a blind listening session against the real core, its real training and
 * generation, the real item audio and Chromium: takes of a test-preset model and real excerpts
 * of the held-out rest of the bounce → a session built in the Listen view's builder (which
 * first shows the core's refusal of a session without real items) → rater Ana plays and
 * answers every item with the keyboard; halfway, `eureka web` dies (server and core) — the
 * answer given while it is down is refused on screen, nothing already answered is lost, and
 * the reopened page resumes at the next unanswered item → the final questionnaire and Submit.
 * Rater Ben opens his own link (as the Listen view shows it) in a browser of his own and rates:
 * the link carries his key, never the owner's token, and from his page the song's audio and
 * Ana's items answer 403. The Results view's tables then match statistics
 * computed here by hand from the answers given and the key, with and without the rater who
 * failed the catch trials, and the CSV and JSON exports download. The Takes view then shows
 * each take's ratings and sorts by them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Answer, SessionSummary } from '../../src-main/common/rating.js';
import { formatDPrime, formatMusicality, formatPValue, formatProportion } from '../../src-renderer/app/rating/rating-format.js';
import { formatTakeRating, ratingSortValues } from '../../src-renderer/app/takes/take-ratings.js';
import { OUTPUT_DIR } from './harness.js';
import {
  ITEM_SECONDS,
  T_975,
  answerSingleTrial,
  binomialUpperTail,
  keyOf,
  makeTakes,
  normalQuantile,
  startRatingHarness,
  type KeyedPosition,
  type RatingHarness,
} from './rating-setup.js';

type SingleAnswer = Extract<Answer, { kind: 'single' }>;

const INSPIRING = ['yes', 'maybe', 'no', 'other'] as const;

/**
 * Ana: the low-pass catch trial judged fake and the repeat answered as its original was (a
 * consistent listener); a generated item judged real every third position; real items judged
 * real at odd positions. Ben: both catch trials failed (the low-pass judged real, the repeat
 * answered against its original), every other item right.
 */
function planFor(rater: 'Ana' | 'Ben', keyed: KeyedPosition, key: KeyedPosition[], given: ReadonlyMap<number, SingleAnswer>): SingleAnswer {
  const item = keyed.items[0];
  if (!item) throw new Error('a single-stimulus position without its item');
  const truthReal = item.expected === 'real';
  const p = keyed.position;
  let judgedReal: boolean;
  if (item.catchKind === 'repeat') {
    const original = key.find((other) => other.items[0]?.index === item.repeatOf);
    const before = original ? given.get(original.position) : undefined;
    if (!before) throw new Error(`the repeat at ${p} comes before its original`);
    judgedReal = rater === 'Ana' ? before.judgedReal : !before.judgedReal;
  } else if (item.origin === 'catch') judgedReal = rater === 'Ana' ? truthReal : !truthReal;
  else if (rater === 'Ben') judgedReal = truthReal;
  else judgedReal = item.origin === 'generated' ? p % 3 === 0 : p % 2 === 1;
  return {
    kind: 'single',
    judgedReal,
    ease: judgedReal ? null : (['easy', 'difficult', 'dont-know'] as const)[p % 3]!,
    musicality: rater === 'Ana' ? (p * 3) % 11 : 4 + (p % 3),
    inspiring: INSPIRING[(p + (rater === 'Ana' ? 0 : 1)) % 4]!,
    comment: rater === 'Ana' && p === 2 ? 'the hats smear' : '',
  };
}

/** Whether an answer is right: the truth for ordinary and low-pass items. */
const isRight = (keyed: KeyedPosition, answer: SingleAnswer): boolean => answer.judgedReal === (keyed.items[0]?.expected === 'real');

/** Catch trials passed: the low-pass judged fake, a repeat answered as right or wrong as its original. */
function catchScore(list: { keyed: KeyedPosition; answer: SingleAnswer }[]): { count: number; of: number } {
  const catches = list.filter(({ keyed }) => keyed.items[0]?.origin === 'catch');
  const passed = catches.filter(({ keyed, answer }) => {
    const item = keyed.items[0];
    if (item?.catchKind !== 'repeat') return isRight(keyed, answer);
    const original = list.find((other) => other.keyed.items[0]?.index === item.repeatOf);
    return original !== undefined && isRight(original.keyed, original.answer) === isRight(keyed, answer);
  });
  return { count: passed.length, of: catches.length };
}

/** The statistics of one group of answers as the protocol defines them, computed plainly. */
function handStats(answered: { keyed: KeyedPosition; answer: SingleAnswer }[]) {
  const counted = answered.filter(({ keyed }) => keyed.items[0]?.origin !== 'catch');
  const n = counted.length;
  const correct = counted.filter(({ keyed, answer }) => isRight(keyed, answer)).length;
  const fakes = counted.filter(({ keyed }) => keyed.items[0]?.expected === 'fake');
  const reals = counted.filter(({ keyed }) => keyed.items[0]?.expected === 'real');
  const clampRate = (count: number, of: number): number => Math.min(1 - 1 / (2 * of), Math.max(1 / (2 * of), count / of));
  const hits = fakes.filter(({ answer }) => !answer.judgedReal).length;
  const falseAlarms = reals.filter(({ answer }) => !answer.judgedReal).length;
  const dPrime = normalQuantile(clampRate(hits, fakes.length)) - normalQuantile(clampRate(falseAlarms, reals.length));
  const generated = counted.filter(({ keyed }) => keyed.items[0]?.origin === 'generated');
  const scores = generated.map(({ answer }) => answer.musicality);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1));
  const half = (T_975[scores.length - 1] ?? NaN) * (sd / Math.sqrt(scores.length));
  const share = (count: number, of: number) => ({ count, of, value: of === 0 ? null : count / of });
  return {
    trials: n,
    accuracy: share(correct, n),
    binomialP: binomialUpperTail(correct, n),
    dPrime,
    fooled: share(generated.filter(({ answer }) => answer.judgedReal).length, generated.length),
    musicality: { mean, low: Math.max(0, mean - half), high: Math.min(10, mean + half), n: scores.length },
    inspiring: share(generated.filter(({ answer }) => answer.inspiring === 'yes').length, generated.length),
    inspiringOrMaybe: share(generated.filter(({ answer }) => answer.inspiring !== 'no' && answer.inspiring !== 'other').length, generated.length),
  };
}

type HandStats = ReturnType<typeof handStats>;

/** The table row's cells as the Results view shows them. */
async function rowCells(page: Page, key: string): Promise<Record<string, string>> {
  const row = page.locator(`[data-testid="results-summary"] [data-testid="stats-row"][data-key="${key}"]`);
  await row.waitFor();
  const cells = await row.locator('[data-stat]').evaluateAll((nodes) =>
    nodes.map((node) => [node.getAttribute('data-stat') ?? '', node.textContent?.trim() ?? '']),
  );
  return Object.fromEntries(cells);
}

/** What the row of `stats` should read. */
function expectedCells(stats: HandStats): Record<string, string> {
  const proportion = (share: { count: number; of: number; value: number | null }) =>
    formatProportion({ ...share, low: null, high: null });
  return {
    trials: String(stats.trials),
    accuracy: proportion(stats.accuracy),
    p: formatPValue(stats.binomialP),
    dprime: formatDPrime(stats.dPrime),
    fooled: proportion(stats.fooled),
    musicality: formatMusicality(stats.musicality),
    inspiring: proportion(stats.inspiring),
    'inspiring-maybe': proportion(stats.inspiringOrMaybe),
  };
}

describe('web mode UI: a blind listening session', () => {
  let harness: RatingHarness;

  beforeAll(async () => {
    harness = await startRatingHarness();
    mkdirSync(OUTPUT_DIR, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  test('builds, plays through a crash, submits and shows the statistics', async () => {
    const { model, takes } = await makeTakes(harness.core, 3);
    const { page, problems } = await harness.openApp();

    // The builder: a session without real items cannot be blind, and says so.
    await page.getByTestId('nav-rating').click();
    expect(await page.title()).toBe('Listen — Eureka');
    await page.getByTestId('no-sessions').waitFor();
    const builder = page.getByTestId('session-builder');
    await builder.getByTestId('builder-name').fill('Band night');
    await builder.getByTestId(`builder-model-${model.id}`).check();
    await builder.getByTestId('builder-generated').fill('3');
    await builder.getByTestId('builder-real').fill('0');
    await builder.getByTestId('builder-seconds').fill(String(ITEM_SECONDS));
    await builder.getByTestId('builder-catch').check();
    await builder.getByTestId('builder-raters').fill('Ana, Ben');
    await builder.getByTestId('builder-seed').fill('7');
    await builder.getByTestId('builder-create').click();
    await builder.getByTestId('builder-refusal').filter({ hasText: /real items/ }).waitFor();
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'rating-builder.png') });
    await builder.getByTestId('builder-real').fill('2');
    await expect(builder.getByTestId('builder-refusal').count()).resolves.toBe(0);
    await builder.getByTestId('builder-create').click();
    const detail = page.getByTestId('session-detail');
    await detail.waitFor({ timeout: 60_000 });
    const sessionId = Number(await detail.getAttribute('data-session-id'));
    const session: SessionSummary = await harness.core.handlers['rating:get']({ sessionId });
    // 3 generated + 2 real + one low-pass and one repeat catch trial.
    expect([session.itemCount, session.itemSeconds, session.format, session.catchTrials]).toEqual([7, ITEM_SECONDS, 'single', true]);
    const [ana, ben] = session.raters;
    if (!ana || !ben) throw new Error('the session lacks its two raters');
    expect([ana.name, ben.name]).toEqual(['Ana', 'Ben']);
    const anaKey = keyOf(harness.core, ana.id);
    const benKey = keyOf(harness.core, ben.id);
    // Each rater's link, as the owner sees it to send: their own key, never the owner's token.
    const benLink = await detail.locator(`[data-testid="session-rater"][data-rater-id="${ben.id}"]`).getByTestId('rater-link').getAttribute('href');
    expect(benLink).toBe(harness.raterLink(ben.id));
    expect(benLink).not.toContain(harness.server.token);
    expect(new Set(anaKey.flatMap((k) => k.items.map((item) => item.takeId)).filter((id) => id !== null))).toEqual(
      new Set(takes.map((take) => take.id)),
    );

    // Ana listens: the rater screen has an address, so a reload comes back to it.
    await detail.locator(`[data-testid="session-rater"][data-rater-id="${ana.id}"]`).getByTestId('open-rater').click();
    await page.getByTestId('rater-view').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/rate/${ana.id}`);
    // Her screen alone: the header offers none of the owner's views.
    await page.getByTestId('rater-header').waitFor();
    for (const tab of ['nav-library', 'nav-training', 'nav-takes', 'nav-rating', 'undo']) {
      await expect(page.getByTestId(tab).count()).resolves.toBe(0);
    }
    const given = new Map<number, SingleAnswer>();
    const total = anaKey.length;
    const half = Math.floor(total / 2);
    for (const keyed of anaKey.slice(0, half)) {
      await page.getByTestId('rater-progress').filter({ hasText: `${keyed.position} of ${total}` }).waitFor();
      const answer = planFor('Ana', keyed, anaKey, given);
      await answerSingleTrial(page, keyed.position, answer);
      given.set(keyed.position, answer);
      await page.locator(`[data-testid="rater-progress"][data-answered="${keyed.position}"]`).waitFor();
      if (keyed.position === 1) await page.screenshot({ path: path.join(OUTPUT_DIR, 'rating-trial.png') });
    }

    // `eureka web` dies (once the next item's audio is in): an answer given now is refused on
    // screen, and kept out of the record.
    const nextKeyed = anaKey[half];
    if (!nextKeyed) throw new Error('the session is too short to stop halfway');
    await page
      .locator(`[data-testid="trial"][data-position="${nextKeyed.position}"] [data-testid="blind-player"][data-state="ready"]`)
      .waitFor();
    await harness.kill();
    await answerSingleTrial(page, nextKeyed.position, planFor('Ana', nextKeyed, anaKey, given));
    await page.getByTestId('rater-error').waitFor();
    await harness.restart();
    const stored = harness.core.ratingRepository.answers(ana.id);
    expect(stored.map((row) => [row.position, row.answer])).toEqual([...given.entries()]);

    // Closing the window and opening it again resumes at the next unanswered item.
    await page.reload();
    await page.getByTestId('rater-progress').filter({ hasText: `${half + 1} of ${total}` }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('rater-progress').getAttribute('data-answered')).toBe(String(half));
    for (const keyed of anaKey.slice(half)) {
      await page.getByTestId('rater-progress').filter({ hasText: `${keyed.position} of ${total}` }).waitFor();
      const answer = planFor('Ana', keyed, anaKey, given);
      await answerSingleTrial(page, keyed.position, answer);
      given.set(keyed.position, answer);
      await page.locator(`[data-testid="rater-progress"][data-answered="${keyed.position}"]`).waitFor();
    }
    const final = page.getByTestId('final-questionnaire');
    await final.getByTestId('final-helps-maybe').click();
    await final.getByTestId('final-places-yes').click();
    await final.getByTestId('final-need').fill('Longer takes, and stems');
    await final.getByTestId('final-save').click();
    await page.getByTestId('rater-submit').click();
    await page.getByTestId('rater-done').waitFor();
    expect(harness.core.ratingRepository.answers(ana.id).map((row) => [row.position, row.answer])).toEqual(
      [...given.entries()].toSorted(([a], [b]) => a - b),
    );

    // Ben rates through his own link, in a browser of his own.
    const benAnswers = new Map<number, SingleAnswer>();
    const benBrowser = await harness.openLink(benLink ?? '');
    const benPage = benBrowser.page;
    const benMedia: string[] = [];
    benPage.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/media/')) benMedia.push(request.url());
    });
    await benPage.getByTestId('rater-view').waitFor();
    expect(benPage.url()).not.toContain(harness.server.token);
    await expect(benPage.getByTestId('rater-back').count()).resolves.toBe(0); // a rater's screen only: no way to the sessions
    for (const keyed of benKey) {
      await benPage.getByTestId('rater-progress').filter({ hasText: `${keyed.position} of ${total}` }).waitFor();
      const answer = planFor('Ben', keyed, benKey, benAnswers);
      await answerSingleTrial(benPage, keyed.position, answer);
      benAnswers.set(keyed.position, answer);
      await benPage.locator(`[data-testid="rater-progress"][data-answered="${keyed.position}"]`).waitFor();
    }
    const benFinal = benPage.getByTestId('final-questionnaire');
    await benFinal.getByTestId('final-helps-no').click();
    await benFinal.getByTestId('final-places-maybe').click();
    await benFinal.getByTestId('final-save').click();
    await benPage.getByTestId('rater-submit').click();
    await benPage.getByTestId('rater-done').waitFor();
    const benGiven = benKey.map((keyed) => ({ keyed, answer: benAnswers.get(keyed.position)! }));
    expect(harness.core.ratingRepository.answers(ben.id).map((row) => [row.position, row.answer])).toEqual(
      benGiven.map(({ keyed, answer }) => [keyed.position, answer]),
    );
    // From Ben's page, with his own page key: his items play; the song itself and Ana's items are refused.
    const pageKey = new URL(benMedia[0] ?? 'http://x/').searchParams.get('key');
    expect(benMedia.every((url) => /\/media\/rating\/[0-9a-f]{32}\?key=[0-9a-f]{64}$/.test(url))).toBe(true);
    const songFileId = (await harness.core.handlers['library:list-songs']({}))[0]?.files[0]?.id;
    const probes = {
      own: `/media/rating/${benKey[0]!.tokens[0]}?key=${pageKey}`,
      song: `/media/file/${songFileId}?key=${pageKey}`,
      take: `/media/take/${takes[0]!.id}?key=${pageKey}`,
      anas: `/media/rating/${anaKey[0]!.tokens[0]}?key=${pageKey}`,
      songWithoutKey: `/media/file/${songFileId}`,
    };
    const statuses = await benPage.evaluate(
      async (urls) => Object.fromEntries(await Promise.all(Object.entries(urls).map(async ([name, url]) => [name, (await fetch(url)).status]))),
      probes,
    );
    expect(statuses).toEqual({ own: 200, song: 403, take: 403, anas: 403, songWithoutKey: 403 });
    expect(benBrowser.problems.filter((p) => !/status of 403/.test(p))).toEqual([]);

    // The statistics, by hand.
    const anaGiven = anaKey.map((keyed) => ({ keyed, answer: given.get(keyed.position)! }));
    const anaStats = handStats(anaGiven);
    const benStats = handStats(benGiven);
    const pooledStats = handStats([...anaGiven, ...benGiven]);
    expect(catchScore(anaGiven)).toEqual({ count: 2, of: 2 });
    expect(catchScore(benGiven)).toEqual({ count: 0, of: 2 });

    const results = await harness.core.handlers['rating:results']({ sessionId, excludeUnreliable: false });
    for (const [stats, hand] of [
      [results.raters.find((r) => r.raterId === ana.id)?.stats, anaStats],
      [results.raters.find((r) => r.raterId === ben.id)?.stats, benStats],
      [results.pooled, pooledStats],
    ] as const) {
      if (!stats) throw new Error('a rater is missing from the results');
      expect(stats.trials).toBe(hand.trials);
      expect([stats.accuracy.count, stats.accuracy.of]).toEqual([hand.accuracy.count, hand.accuracy.of]);
      expect(stats.binomialP).toBeCloseTo(hand.binomialP, 9);
      expect(stats.dPrime).toBeCloseTo(hand.dPrime, 6);
      expect([stats.fooled.count, stats.fooled.of]).toEqual([hand.fooled.count, hand.fooled.of]);
      expect(stats.musicality?.mean).toBeCloseTo(hand.musicality.mean, 9);
      expect(stats.musicality?.low).toBeCloseTo(hand.musicality.low, 2);
      expect(stats.musicality?.high).toBeCloseTo(hand.musicality.high, 2);
      expect([stats.inspiring.count, stats.inspiringOrMaybe.count]).toEqual([hand.inspiring.count, hand.inspiringOrMaybe.count]);
    }

    // "‹ Sessions" goes back to her session (the window was reloaded since it was chosen), and
    // the Results view shows the same numbers.
    await page.getByTestId('rater-back').click();
    await page.locator(`[data-testid="session-detail"][data-session-id="${sessionId}"]`).waitFor();
    await page.getByTestId('nav-training').waitFor();
    await page.getByTestId('results-panel').waitFor();
    expect(await rowCells(page, `rater-${ana.id}`)).toMatchObject({ ...expectedCells(anaStats), catch: '100 % (2/2)' });
    expect(await rowCells(page, `rater-${ben.id}`)).toMatchObject({ ...expectedCells(benStats), catch: '0 % (0/2)' });
    expect(await rowCells(page, 'pooled')).toMatchObject(expectedCells(pooledStats));
    await expect(page.getByTestId('chart-accuracy').getByTestId('chart-bar').count()).resolves.toBe(3);
    await page.getByTestId('results-key').waitFor();
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'rating-results.png'), fullPage: true });

    // Leaving out the rater who failed the catch trials: the pool is Ana alone.
    await page.getByTestId('results-exclude').check();
    await page
      .locator('[data-testid="results-summary"] [data-testid="stats-row"][data-key="pooled"] th')
      .filter({ hasText: 'without 1 unreliable' })
      .waitFor();
    expect(await rowCells(page, 'pooled')).toMatchObject(expectedCells(anaStats));

    // Exports download, the JSON with the same pool.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csvText = readFileSync((await csv.path()) ?? '', 'utf8');
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    expect(csvText.split('\n').length).toBeGreaterThan(2);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    const exported = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as unknown;
    expect(JSON.stringify(exported)).toContain('Band night');

    // The Takes view shows each take's ratings and orders by them.
    const takeRatings = await harness.core.handlers['takes:ratings']({ modelId: model.id });
    expect(takeRatings.map((rating) => rating.takeId).toSorted((a, b) => a - b)).toEqual(takes.map((take) => take.id));
    await page.getByTestId('nav-training').click();
    await page.locator(`[data-testid="model-detail"][data-model-id="${model.id}"]`).getByTestId('open-takes').click();
    for (const rating of takeRatings) {
      const cell = page.locator(`[data-testid="take-row"][data-take-id="${rating.takeId}"]`).getByTestId('take-rating');
      await cell.filter({ hasText: formatTakeRating(rating) }).waitFor();
    }
    await page.getByTestId('take-sort').selectOption('rating');
    const values = ratingSortValues(takeRatings);
    const bestFirst = takes.map((take) => take.id).toSorted((a, b) => (values[b] ?? -Infinity) - (values[a] ?? -Infinity) || b - a);
    expect(await page.getByTestId('take-row').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-take-id'))))).toEqual(bestFirst);

    // The dropped socket may log failed reconnect attempts and the refused answer; nothing else.
    expect(problems.filter((p) => !/WebSocket connection .* failed|ERR_CONNECTION_REFUSED/.test(p))).toEqual([]);
  }, 600_000);
});
