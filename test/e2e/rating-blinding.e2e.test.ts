/**
 * The blinding guarantee, end to end: a rater opens their own link and plays through a
 * single-stimulus session (with catch trials), a pairs session and an ABX session in Chromium
 * while every WebSocket frame (both ways) and every HTTP response is recorded, up to — not
 * including — Submit. Then:
 *  - no rating payload carries an item's origin, take, clip, model, song or file, or a value
 *    naming an origin; labels are neutral and match the position; every trial has the
 *    session's one length and the same shape; the page calls the rater's own channels only
 *    (no results, exports, take ratings, takes, songs), and no event reaches it;
 *  - no frame or page carries a take's name, the item files' names or the rating folder;
 *  - every served item file of a session has the same byte length, the same bytes outside the
 *    samples (header and any chunk), the same duration, the same response headers, and a
 *    loudness within 0.5 LU of the session's target; and no two of them are the same bytes (a
 *    repeat is rendered again, and ABX's X is never A's or B's file);
 *  - audio loads strictly in the rater's position order, each trial's only after the previous
 *    answer, and that order is not the order the items were built in (origin-sorted).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { RaterProgress } from '../../src-main/common/rating.js';
import { decodeFrame } from '../../src-main/common/wire.js';
import { decodeAudio } from '../../src-main/services/audio/decode.js';
import { integratedLoudness } from '../../src-main/services/audio/loudness.js';
import { OUTPUT_DIR } from './harness.js';
import { ITEM_SECONDS, answerSingleTrial, keyOf, makeTakes, startRatingHarness, type RatingHarness } from './rating-setup.js';

/** Keys that would name what an item is. */
const FORBIDDEN_KEYS = new Set([
  'origin', 'expected', 'catchKind', 'repeatOf', 'takeId', 'takeIds', 'clipId', 'modelId', 'songId', 'fileId',
  'sourceFileId', 'sourceStart', 'file', 'path', 'preset', 'epochs', 'mode', 'lengthSeconds', 'loudnessLufs',
  'truePeakDbtp', 'durationSeconds', 'name',
]);
/** String values that would name an origin. */
const FORBIDDEN_VALUES = new Set(['real', 'fake', 'generated', 'catch', 'lowpass', 'repeat']);
/** Channels a rater's screen may call before submitting. */
const RATER_CHANNELS = new Set(['rating:progress', 'rating:answer', 'rating:final']);

interface Recorded {
  /** Everything in the order it happened. */
  log: ({ kind: 'sent' | 'received'; message: unknown } | { kind: 'media'; token: string })[];
  media: Promise<{ token: string; status: number; headers: Record<string, string>; body: Buffer }>[];
  pages: string[];
}

function record(page: Page): Recorded {
  const recorded: Recorded = { log: [], media: [], pages: [] };
  page.on('websocket', (socket) => {
    const push = (kind: 'sent' | 'received', payload: string | Buffer): void => {
      if (typeof payload === 'string') throw new Error('a text WebSocket frame');
      recorded.log.push({ kind, message: decodeFrame(new Uint8Array(payload)) });
    };
    socket.on('framesent', (frame) => push('sent', frame.payload));
    socket.on('framereceived', (frame) => push('received', frame.payload));
  });
  page.on('request', (request) => {
    const match = /\/media\/rating\/([0-9a-f]{32})$/.exec(new URL(request.url()).pathname);
    if (match?.[1]) recorded.log.push({ kind: 'media', token: match[1] });
  });
  page.on('response', (response) => {
    const match = /\/media\/rating\/([0-9a-f]{32})$/.exec(new URL(response.url()).pathname);
    const token = match?.[1];
    if (!token) return;
    recorded.media.push(
      Promise.all([response.allHeaders(), response.body()]).then(([headers, body]) => ({ token, status: response.status(), headers, body })),
    );
  });
  return recorded;
}

/** Every key and string value in a decoded payload, with where it was. */
function walk(value: unknown, visit: (key: string | null, leaf: unknown) => void, key: string | null = null): void {
  if (Array.isArray(value)) value.forEach((entry) => walk(entry, visit, key));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visit(k, undefined);
      walk(v, visit, k);
    }
  } else visit(key, value);
}

/** The bytes of a WAV outside its data chunk's samples, and the samples' length. */
function outsideSamples(body: Buffer): { outside: Buffer; dataBytes: number; rate: number; blockAlign: number } {
  let offset = 12;
  let rate = 0;
  let blockAlign = 0;
  while (offset + 8 <= body.length) {
    const id = body.toString('latin1', offset, offset + 4);
    const size = body.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      rate = body.readUInt32LE(offset + 12);
      blockAlign = body.readUInt16LE(offset + 20);
    }
    if (id === 'data') {
      const after = offset + 8 + size + (size % 2);
      return { outside: Buffer.concat([body.subarray(0, offset + 8), body.subarray(after)]), dataBytes: size, rate, blockAlign };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('an item WAV without a data chunk');
}

describe('web mode UI: blinding', () => {
  let harness: RatingHarness;

  beforeAll(async () => {
    harness = await startRatingHarness();
    mkdirSync(OUTPUT_DIR, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  test('nothing a rater can read tells real from generated before they submit', async () => {
    const { core } = harness;
    const { takes } = await makeTakes(core, 3);
    const single = await core.handlers['rating:create']({
      name: 'Blind single',
      format: 'single',
      takeIds: takes.map((take) => take.id),
      generatedCount: 3,
      realCount: 2,
      itemSeconds: ITEM_SECONDS,
      catchTrials: true,
      raters: ['Ana', 'Ben'],
      seed: '11',
      targetLufs: -23,
    });
    const pairs = await core.handlers['rating:create']({
      name: 'Blind pairs',
      format: '2afc',
      takeIds: takes.slice(0, 2).map((take) => take.id),
      generatedCount: 2,
      realCount: 2,
      itemSeconds: ITEM_SECONDS,
      catchTrials: false,
      raters: ['Ana'],
      seed: '12',
      targetLufs: -23,
    });
    const abx = await core.handlers['rating:create']({
      name: 'Blind ABX',
      format: 'abx',
      takeIds: takes.slice(1, 3).map((take) => take.id),
      generatedCount: 2,
      realCount: 2,
      itemSeconds: ITEM_SECONDS,
      catchTrials: false,
      raters: ['Ana'],
      seed: '13',
      targetLufs: -23,
    });
    const forbiddenText = [...takes.map((take) => take.name), path.join(core.dataDir, 'rating')];

    for (const session of [single, pairs, abx]) {
      const rater = session.raters[0];
      if (!rater) throw new Error('a session without raters');
      const key = keyOf(core, rater.id);
      const items = core.ratingRepository.items(session.id);
      const fileNames = items.map((item) => item.file.split('/').at(-1)?.replace(/\.wav$/, '') ?? '');
      forbiddenText.push(...fileNames);

      // Ana's order is shuffled: not the build order (generated items first, then real ones).
      if (session.format === 'single') expect(key.map((k) => k.items[0]?.index)).not.toEqual(items.map((item) => item.index));
      // Each rater's tokens are their own.
      const others = core.ratingRepository.raters(session.id).filter((r) => r.id !== rater.id);
      const mine = new Set(key.flatMap((k) => k.tokens));
      for (const other of others) expect(other.tokens.flat().filter((token) => mine.has(token))).toEqual([]);

      const context = await harness.browser.newContext({ viewport: { width: 1280, height: 860 } });
      const page = await context.newPage();
      const recorded = record(page);
      await page.goto(harness.raterLink(rater.id));
      await page.getByTestId('rater-view').waitFor();
      for (const keyed of key) {
        const trial = page.locator(`[data-testid="trial"][data-position="${keyed.position}"]`);
        await trial.waitFor();
        // Every stimulus of the trial loads at once (the hidden ones too).
        for (let i = 0; i < keyed.tokens.length; i++) {
          await trial.locator('[data-testid="blind-player"][data-state="ready"]').nth(i).waitFor({ state: 'attached' });
        }
        recorded.pages.push(await page.content());
        if (session.format === 'single') {
          await answerSingleTrial(page, keyed.position, { kind: 'single', judgedReal: keyed.position % 2 === 0, ease: 'difficult', musicality: 5, inspiring: 'maybe', comment: '' });
        } else {
          await page.keyboard.press('2');
          await trial.locator('[data-testid="blind-player"]:visible[data-state="ready"]').waitFor();
          if (keyed.position === 1 && session === pairs) await page.screenshot({ path: path.join(OUTPUT_DIR, 'rating-pair.png') });
          await page.keyboard.press(keyed.position % 2 === 0 ? 'a' : 'b');
          await page.keyboard.press('Enter');
        }
        await page.locator(`[data-testid="rater-progress"][data-answered="${keyed.position}"]`).waitFor();
      }
      const final = page.getByTestId('final-questionnaire');
      await final.getByTestId('final-helps-yes').click();
      await final.getByTestId('final-places-no').click();
      await final.getByTestId('final-save').click();
      await page.getByTestId('rater-submit').waitFor();
      recorded.pages.push(await page.content());

      // The frames: which calls were made, and what every rating payload says.
      const channelOf = new Map<number, string>();
      const progressShapes = new Set<string>();
      const called = new Set<string>();
      for (const entry of recorded.log) {
        if (entry.kind === 'media') continue;
        const message = entry.message as { type: string; id?: number; channel?: string; event?: string; envelope?: { ok: boolean; value?: unknown }; payload?: unknown };
        const text = JSON.stringify(message);
        for (const forbidden of forbiddenText) expect(text.includes(forbidden) ? forbidden : null).toBeNull();
        if (message.type === 'invoke' && message.id !== undefined && message.channel) {
          channelOf.set(message.id, message.channel);
          called.add(message.channel);
        }
        const channel = message.type === 'result' && message.id !== undefined ? channelOf.get(message.id) : message.channel ?? message.event;
        if (!channel?.startsWith('rating:')) continue;
        walk(message, (k, leaf) => {
          if (k !== null && FORBIDDEN_KEYS.has(k) && leaf === undefined) throw new Error(`a ${channel} payload has the key "${k}"`);
          if (typeof leaf === 'string' && FORBIDDEN_VALUES.has(leaf)) throw new Error(`a ${channel} payload says "${leaf}"`);
        });
        const progress = message.type === 'result' && message.envelope?.ok ? (message.envelope.value as RaterProgress) : null;
        if (progress?.next) {
          const trial = progress.next;
          expect(trial.seconds).toBe(session.itemSeconds);
          const labels = trial.stimuli.map((stimulus) => stimulus.label);
          const pairLabels = session.format === 'abx' ? ['A', 'B', 'X'] : [`Item ${trial.position} A`, `Item ${trial.position} B`];
          expect(labels).toEqual(session.format === 'single' ? [`Item ${trial.position}`] : pairLabels);
          expect(trial.stimuli.map((stimulus) => stimulus.audio)).toEqual(key[trial.position - 1]?.tokens);
          progressShapes.add(JSON.stringify(Object.keys(progress)) + JSON.stringify(Object.keys(trial)) + trial.stimuli.map((s) => Object.keys(s).join()).join('|'));
        }
      }
      // No takes, results, exports, take ratings or songs were asked for: only the rater's own
      // calls; and no event was pushed.
      expect([...called].filter((channel) => !RATER_CHANNELS.has(channel))).toEqual([]);
      expect(recorded.log.filter((entry) => entry.kind === 'received' && (entry.message as { type?: string }).type === 'event')).toEqual([]);
      expect(progressShapes.size).toBe(1);
      for (const html of recorded.pages) for (const forbidden of forbiddenText) expect(html.includes(forbidden) ? forbidden : null).toBeNull();

      // Audio: one request per stimulus, in position order, each after the previous answer.
      const expectedTokens = key.flatMap((k) => k.tokens);
      const requested = recorded.log.flatMap((entry) => (entry.kind === 'media' ? [entry.token] : []));
      expect(requested).toEqual(expectedTokens);
      let answersSent = 0;
      for (const entry of recorded.log) {
        if (entry.kind === 'sent' && (entry.message as { channel?: string }).channel === 'rating:answer') answersSent += 1;
        if (entry.kind === 'media') {
          const position = key.findIndex((k) => k.tokens.includes(entry.token)) + 1;
          expect(answersSent).toBe(position - 1);
        }
      }

      // The served files: alike in every byte but the samples, and equally loud.
      const media = await Promise.all(recorded.media);
      expect(media.map((m) => m.status)).toEqual(expectedTokens.map(() => 200));
      const [first, ...rest] = media;
      if (!first) throw new Error('no item audio was served');
      const reference = outsideSamples(first.body);
      // Every response header but the clock's.
      const headersOf = (headers: Record<string, string>): Record<string, string> =>
        Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'date'));
      expect(reference.dataBytes / reference.blockAlign / reference.rate).toBeCloseTo(session.itemSeconds, 3);
      for (const served of rest) {
        expect(served.body.length).toBe(first.body.length);
        const parts = outsideSamples(served.body);
        expect(parts.dataBytes).toBe(reference.dataBytes);
        expect(parts.outside.equals(reference.outside)).toBe(true);
        expect(headersOf(served.headers)).toEqual(headersOf(first.headers));
      }
      for (const served of media) {
        const decoded = await decodeAudio(new Uint8Array(served.body), 'item.wav');
        const loudness = integratedLoudness(decoded.channels, decoded.sampleRate);
        expect(loudness).not.toBeNull();
        expect(Math.abs((loudness ?? 0) - session.targetLufs)).toBeLessThanOrEqual(0.5);
      }
      // No two served files are the same bytes: no hash pairs a repeat with its original, or
      // an ABX trial's X with its A or B.
      const digests = new Set(media.map((served) => createHash('sha256').update(served.body).digest('hex')));
      expect(digests.size).toBe(media.length);
      await context.close();
    }
  }, 600_000);
});
