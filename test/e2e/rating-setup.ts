/**
 * What the rating end-to-end tests share: a harness whose server AND core can be killed and
 * restarted on the same data folder and port (a crash of `eureka web`, not just a dropped
 * socket), real takes to rate (a bounce longer than its training clip, so real excerpts can be
 * cut from the held-out rest, a test-preset model, 'new' takes of 6 s), the answer key read
 * straight from the main process's repository, answering a trial with the keyboard, and the
 * statistics computed by hand to check the Results against.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createCore, type Core } from '../../src-main/core.js';
import type { Take } from '../../src-main/common/generation.js';
import { raterLinkPath, type Answer } from '../../src-main/common/rating.js';
import type { Model } from '../../src-main/common/training.js';
import type { StoredItem } from '../../src-main/services/rating/rating-repository.js';
import { startWebServer, type WebServer } from '../../src-main/web/server.js';
import { wavBytes } from '../helpers/signals.js';
import { makeTempDir, removeDir } from '../helpers/temp-dir.js';
import { VIEWPORT, webBuildFor } from './harness.js';

/** A test-preset run takes 15-40 s on 2 cores; leave room for a slow machine. */
export const RUN_TIMEOUT_MS = 240_000;
export const GENERATE_TIMEOUT_MS = 180_000;

/** The bounce: 16 s; the model learns 0.25–3.25 s, the remaining 12.75 s are held out. */
const BOUNCE = { seconds: 16, sampleRate: 16_000 };
const CLIP = { start: 0.25, end: 3.25 };
export const TAKE_SECONDS = 6;
/** Items are cut to 5 s (the shortest a session allows): two fit in the held-out stretch. */
export const ITEM_SECONDS = 5;

export interface RatingHarness {
  core: Core;
  server: WebServer;
  browser: Browser;
  /** Kills the server and the core (as a crash of `eureka web` would). */
  kill(): Promise<void>;
  /** Starts a new core and server on the same data folder, port and token. */
  restart(): Promise<void>;
  /** Opens a fresh page on the tokened URL (plus `hash`), collecting console errors. */
  openApp(hash?: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  /** Opens `url` (a rater's link) in a fresh browser context of its own, collecting console errors. */
  openLink(url: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  /** A rater's link on this server (what the owner's Listen view shows). */
  raterLink(raterId: number): string;
  dispose(): Promise<void>;
}

const CHROMIUM = process.env.EUREKA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function startRatingHarness(): Promise<RatingHarness> {
  const dataDir = await makeTempDir('eureka-e2e-rating-');
  const scratch = await makeTempDir('eureka-e2e-rating-web-');
  const staticDir = webBuildFor(scratch);
  let core = await createCore({ dataDir, runQueue: 'all' });
  let server = await startWebServer({ core, staticDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  let killed = false;
  const harness: RatingHarness = {
    core,
    server,
    browser,
    async kill() {
      await server.close();
      await core.dispose();
      killed = true;
    },
    async restart() {
      const { port, token } = server;
      core = await createCore({ dataDir, runQueue: 'all' });
      server = await startWebServer({ core, staticDir, port, token });
      killed = false;
      harness.core = core;
      harness.server = server;
    },
    openApp(hash = '') {
      return harness.openLink(`${server.url}${hash}`);
    },
    raterLink(raterId) {
      const rater = core.ratingRepository.rater(raterId);
      if (!rater) throw new Error(`no rater ${raterId}`);
      return `${new URL(server.url).origin}${raterLinkPath(raterId, rater.accessKey)}`;
    },
    async openLink(url) {
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, acceptDownloads: true });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      const response = await page.goto(url);
      if (response?.status() !== 200) throw new Error(`opening ${url} gave HTTP ${response?.status()}`);
      return { context, page, problems };
    },
    async dispose() {
      for (const context of contexts) await context.close();
      await browser.close();
      if (!killed) {
        await server.close();
        await core.dispose();
      }
      await removeDir(dataDir);
      await removeDir(scratch);
    },
  };
  return harness;
}

/**
 * Resolves once `check` holds, re-checking after every event the core emits (no polling
 * sleeps); rejects with `what` after `timeoutMs`.
 */
export function untilCore(core: Core, what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    let checking = false;
    let again = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (error) reject(error);
      else resolve();
    };
    const run = (): void => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      check()
        .then((ok) => {
          checking = false;
          if (ok) finish();
          else if (again) {
            again = false;
            run();
          }
        })
        .catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const unsubscribe = core.subscribe(() => run());
    run();
  });
}

/** A trained model and `count` ready takes of it. */
export interface RatingMaterial {
  model: Model;
  takes: Take[];
  clipId: number;
}

/** Imports the bounce, trains a test-preset model on its first 3 s and generates `count` takes. */
export async function makeTakes(core: Core, count: number): Promise<RatingMaterial> {
  const imported = await core.handlers['library:import-files']({
    files: [{ name: 'Verse.wav', data: new Uint8Array(wavBytes({ ...BOUNCE, channels: 1, frequency: 247, seed: 11 })) }],
  });
  const songId = imported.files[0]?.songId;
  if (songId === undefined) throw new Error('the fixture bounce did not import');
  const clip = await core.handlers['library:add-clip']({ songId, ...CLIP, label: 'U', split: 'train', notes: '' });
  const started = await core.handlers['training:start']({ clipId: clip.id, preset: 'test', device: 'auto', seed: '42' });
  await untilCore(core, 'the model to train', async () => {
    const model = await core.handlers['training:get-model']({ modelId: started.id });
    if (model.status === 'failed' || model.status === 'cancelled') throw new Error(`training ${model.status}: ${model.error}`);
    return model.status === 'done';
  }, RUN_TIMEOUT_MS);
  await core.handlers['takes:generate']({ modelId: started.id, mode: 'new', seconds: TAKE_SECONDS, count, seed: '100' });
  await untilCore(core, 'the takes to generate', async () => {
    const takes = await core.handlers['takes:list']({ modelId: started.id });
    const failed = takes.find((take) => take.status === 'failed');
    if (failed) throw new Error(`a take failed: ${failed.error}`);
    return takes.length === count && takes.every((take) => take.status === 'ready');
  }, GENERATE_TIMEOUT_MS);
  const model = await core.handlers['training:get-model']({ modelId: started.id });
  const takes = (await core.handlers['takes:list']({ modelId: started.id })).toSorted((a, b) => a.id - b.id);
  return { model, takes, clipId: clip.id };
}

/** One position of a rater's order as the key has it. */
export interface KeyedPosition {
  position: number;
  items: StoredItem[];
  tokens: string[];
}

/** A rater's order with the key (main process only: read from the core's repository). */
export function keyOf(core: Core, raterId: number): KeyedPosition[] {
  const rater = core.ratingRepository.rater(raterId);
  if (!rater) throw new Error(`no rater ${raterId}`);
  const items = core.ratingRepository.items(rater.sessionId);
  return rater.order.map((indices, i) => ({
    position: i + 1,
    items: indices.map((index) => {
      const item = items.find((candidate) => candidate.index === index);
      if (!item) throw new Error(`rater ${raterId} position ${i + 1} names a missing item ${index}`);
      return item;
    }),
    tokens: rater.tokens[i] ?? [],
  }));
}

/**
 * Answers the trial on screen with the keyboard: Space plays and pauses it, R/F, the ease by
 * click (when fake), digits for musicality, Y/M/N/O for inspiring, a comment, Enter sends.
 */
export async function answerSingleTrial(page: Page, position: number, answer: Extract<Answer, { kind: 'single' }>): Promise<void> {
  const trial = page.locator(`[data-testid="trial"][data-position="${position}"]`);
  await trial.waitFor();
  await trial.locator('[data-testid="blind-player"][data-state="ready"]').waitFor();
  await page.keyboard.press(' ');
  await trial.locator('[data-testid="blind-player"][data-playing="true"]').waitFor();
  await page.keyboard.press(' ');
  await trial.locator('[data-testid="blind-player"][data-playing="false"]').waitFor();
  await page.keyboard.press(answer.judgedReal ? 'r' : 'f');
  if (!answer.judgedReal && answer.ease) await trial.getByTestId(`ease-${answer.ease}`).click();
  if (answer.musicality === 10) {
    await page.keyboard.press('1');
    await page.keyboard.press('0');
  } else await page.keyboard.press(String(answer.musicality));
  await page.keyboard.press({ yes: 'y', maybe: 'm', no: 'n', other: 'o' }[answer.inspiring]);
  if (answer.comment) await trial.getByTestId('answer-comment').fill(answer.comment);
  await trial.getByTestId(`musicality-${answer.musicality}`).and(page.locator('[aria-pressed="true"]')).waitFor();
  await page.keyboard.press('Enter');
}

/** P[X ≥ k] for X ~ Binomial(n, ½), exactly. */
export function binomialUpperTail(k: number, n: number): number {
  let total = 0;
  let choose = 1; // C(n, 0)
  for (let i = 0; i <= n; i++) {
    if (i >= k) total += choose;
    choose = (choose * (n - i)) / (i + 1);
  }
  return total / 2 ** n;
}

/** The standard normal quantile by bisection of erf (slow, plain, good to 1e-9). */
export function normalQuantile(p: number): number {
  const cdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
  let low = -8;
  let high = 8;
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (cdf(middle) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** erf by its Maclaurin series (converges for the |x| < 7 the quantile search needs). */
function erf(x: number): number {
  if (Math.abs(x) > 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Two-sided 95 % Student-t quantiles t(0.975, df), from the printed tables. */
export const T_975: Record<number, number> = { 1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306 };
