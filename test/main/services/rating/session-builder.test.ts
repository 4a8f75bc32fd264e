/**
 * Building blind rating sessions (session-builder.ts) from a real library (SQLite, imported
 * audio) and real take files: every item within 0.5 LU of the target on the written file,
 * true peak ≤ −1 dBTP, one byte length and one chunk layout, real excerpts only from held-out
 * regions, everything band-limited to the lowest generated rate, catch trials, per-rater
 * orders that follow the seed and keep a repeat after and apart from its original, the pair
 * formats (ABX's X a rendering of its own, never A's or B's file), the refusals, and the media
 * route from token to file.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SessionDraft } from '../../../../src-main/common/rating.js';
import { parseMediaPath } from '../../../../src-main/common/media.js';
import { openDatabase, type Db } from '../../../../src-main/db/database.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { integratedLoudness } from '../../../../src-main/services/audio/loudness.js';
import { createInlineProcessor } from '../../../../src-main/services/audio/processor.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { TakeRepository } from '../../../../src-main/services/takes/take-repository.js';
import { LibraryRepository } from '../../../../src-main/services/library/library-repository.js';
import { LibraryService } from '../../../../src-main/services/library/library-service.js';
import { AudioStore } from '../../../../src-main/services/store/audio-store.js';
import { ModelRepository } from '../../../../src-main/services/training/model-repository.js';
import { RatingRepository, type RaterRow, type StoredItem } from '../../../../src-main/services/rating/rating-repository.js';
import { buildSession } from '../../../../src-main/services/rating/session-builder.js';
import { seededRandom } from '../../../../src-main/node/seeded-random.js';
import { isValidOrder, orderTrials } from '../../../../src-main/services/rating/session-order.js';
import { truePeakDbtp } from '../../../../src-main/services/rating/true-peak.js';
import { wavBytes } from '../../../helpers/signals.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

let dir: string;
let db: Db;
let ratings: RatingRepository;
let deps: Parameters<typeof buildSession>[0];
/** Model A (quick, generated at 8 kHz) and B (studio, 16 kHz) and their takes. */
const ids = { fileId: 0, trainClip: 0, testClip: 0, valClip: 0, modelA: 0, modelB: 0, modelC: 0, longA: [] as number[], shortA: 0, discardedA: 0, takesB: [] as number[], clicky: 0 };

const RATE = 16_000;

/** RIFF chunk ids after the WAVE tag, in file order. */
function chunkIds(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: string[] = [];
  for (let at = 12; at + 8 <= bytes.length; ) {
    found.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
    const size = view.getUint32(at + 4, true);
    at += 8 + size + (size % 2);
  }
  return found;
}

/** Mono float take audio: tones (with a 6 kHz one for model B, above model A's band), or faint with loud clicks. */
function takeAudio(seconds: number, base: number, withHighTone: boolean | 'clicks'): Uint8Array {
  const samples = new Float32Array(seconds * RATE).map((_, i) => {
    const t = i / RATE;
    if (withHighTone === 'clicks') return 0.005 * Math.sin(2 * Math.PI * base * t) + (i % 4000 === 100 ? 0.5 : 0);
    const high = withHighTone ? 0.2 * Math.sin(2 * Math.PI * 6000 * t) : 0;
    return 0.3 * Math.sin(2 * Math.PI * base * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 0.7 * t)) + 0.1 * Math.sin(2 * Math.PI * 2.5 * base * t) + high;
  });
  return encodeWav({ sampleRate: RATE, channels: [samples] }, { bitDepth: 32, float: true });
}

function plan(preset: 'quick' | 'studio', topRate: number): string {
  return JSON.stringify({
    preset, mode: 'normal', holes: null, topRate, fsList: [500, 1000], channelsFirst: 16, channelsRest: 32, kernelSize: 9, layers: 8,
    epochsPerScale: preset === 'quick' ? 200 : 2000, learningRate: 0.0015, alpha1: null, alpha2: null, mssConfigs: null, seed: '1',
    device: 'cpu', deviceReason: 'test', budgetSeconds: null, predictedSeconds: null, scales: [], summary: 'test',
  });
}

async function addTake(takes: TakeRepository, modelId: number, seconds: number, base: number, high: boolean | 'clicks'): Promise<number> {
  const [id] = takes.insertBatch({ modelId, clipId: ids.trainClip, songId: 1, batchId: `b${modelId}-${base}`, settings: { mode: 'new', seconds, extendFromRate: null }, seeds: ['1'], ownerPid: process.pid });
  takes.start(id!, { scales: 2, configHash: 'ab' });
  const file = path.join('takes', String(modelId), `take-${id}.wav`);
  await mkdir(path.join(dir, 'takes', String(modelId)), { recursive: true });
  await writeFile(path.join(dir, file), takeAudio(seconds, base, high));
  takes.finishReady(id!, { file, sampleRate: RATE, durationSeconds: seconds, loudnessLufs: -20, sourceLoudnessLufs: -20, executionProvider: 'cpu', generateSeconds: 1 });
  return id!;
}

beforeAll(async () => {
  dir = await makeTempDir();
  db = openDatabase(path.join(dir, 'eureka.db'));
  const library = new LibraryService(new LibraryRepository(db), new AudioStore(dir), createInlineProcessor(), { maxImportSeconds: 600, maxClipSeconds: 120 });
  const imported = await library.importFiles([{ name: 'Tide.wav', data: wavBytes({ seconds: 40, sampleRate: 44_100, channels: 2, frequency: 196, amplitude: 0.4, seed: 9 }) }]);
  const file = imported.files[0]!;
  ids.fileId = file.id;
  ids.trainClip = library.addClip({ songId: file.songId, start: 2, end: 10, label: 'U', split: 'train' }).id;
  ids.testClip = library.addClip({ songId: file.songId, start: 14, end: 27, label: 'U', split: 'test' }).id;
  ids.valClip = library.addClip({ songId: file.songId, start: 30, end: 38, label: 'V', split: 'val' }).id;
  const models = new ModelRepository(db);
  const request = { budgetSeconds: null, device: 'cpu', deviceReason: 'test', seed: '1', mode: null } as const;
  ids.modelA = models.insert({ clipId: ids.trainClip, songId: file.songId, name: 'A', preset: 'quick', request });
  ids.modelB = models.insert({ clipId: ids.trainClip, songId: file.songId, name: 'B', preset: 'studio', request });
  ids.modelC = models.insert({ clipId: ids.trainClip, songId: file.songId, name: 'C', preset: 'test', request });
  db.prepare(`UPDATE models SET plan = ?, status = 'done' WHERE id = ?`).run(plan('quick', 8000), ids.modelA);
  db.prepare(`UPDATE models SET plan = ?, status = 'done' WHERE id = ?`).run(plan('studio', 16_000), ids.modelB);
  db.prepare(`UPDATE models SET plan = ?, status = 'done' WHERE id = ?`).run(plan('studio', 16_000), ids.modelC);
  const takes = new TakeRepository(db);
  for (const base of [220, 247, 262]) ids.longA.push(await addTake(takes, ids.modelA, 12, base, false));
  ids.shortA = await addTake(takes, ids.modelA, 3, 294, false);
  ids.discardedA = await addTake(takes, ids.modelA, 12, 330, false);
  takes.update(ids.discardedA, { verdict: 'discarded' });
  for (const base of [349, 392]) ids.takesB.push(await addTake(takes, ids.modelB, 10, base, true));
  ids.clicky = await addTake(takes, ids.modelC, 12, 440, 'clicks');

  ratings = new RatingRepository(db, dir);
  deps = {
    library,
    takes: { list: () => takes.list(), get: (id) => takes.get(id), filePath: (id) => path.join(dir, takes.file(id)!) },
    training: { get: (id) => models.get(id) },
    dataDir: dir,
    ratings,
  };
}, 60_000);

afterAll(async () => {
  db.close();
  await removeDir(dir);
});

let DRAFT: SessionDraft;
beforeAll(() => {
  // Models A and B; model C's one take is there for the clipping refusal.
  DRAFT = { name: 'Tide check', takeFilter: { modelIds: [ids.modelA, ids.modelB] }, generatedCount: 4, realCount: 2, itemSeconds: 5, catchTrials: true, raters: ['Ann', 'Bo'], seed: '12345' };
});

/** Each rater's order as item sequences, and the items, of a built session. */
function layout(sessionId: number): { items: StoredItem[]; raters: RaterRow[] } {
  return { items: ratings.items(sessionId), raters: ratings.raters(sessionId) };
}

const sha = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

describe('buildSession: single stimulus with catch trials', () => {
  let sessionId: number;
  beforeAll(async () => {
    sessionId = await buildSession(deps, DRAFT);
  }, 60_000);

  it('picks takes and held-out real excerpts, and adds one low-pass and one repeat catch trial', () => {
    const { items } = layout(sessionId);
    const session = ratings.session(sessionId)!;
    expect(session).toMatchObject({ format: 'single', itemSeconds: 5, sampleRate: 8000, fileRate: 16_000, targetLufs: -23, catchTrials: true, seed: '12345', itemCount: 8 });
    expect(items.map((item) => item.origin)).toEqual(['generated', 'generated', 'generated', 'generated', 'real', 'real', 'catch', 'catch']);
    const generated = items.filter((item) => item.origin === 'generated');
    const usable = [...ids.longA, ...ids.takesB];
    for (const item of generated) {
      expect(usable).toContain(item.takeId);
      expect(item).toMatchObject({ expected: 'fake', clipId: ids.trainClip, mode: 'new' });
      expect([item.preset, item.epochs, item.lengthSeconds]).toEqual(item.modelId === ids.modelA ? ['quick', 200, 12] : ['studio', 2000, 10]);
      expect(item.sourceStart).toBeCloseTo(((item.lengthSeconds ?? 0) - 5) / 2, 9); // the take's middle
    }
    expect(new Set(generated.map((item) => item.takeId)).size).toBe(4);
    // Real excerpts (and the low-pass catch): inside the test or val clip, never the training clip.
    const heldOut = items.filter((item) => item.origin === 'real' || item.catchKind === 'lowpass');
    for (const item of heldOut) {
      expect(item.sourceFileId).toBe(ids.fileId);
      const inside = [[14, 27, ids.testClip], [30, 38, ids.valClip]].find(([start, end]) => item.sourceStart >= start! && item.sourceStart + 5 <= end!);
      expect(inside).toBeDefined();
      expect(item.clipId).toBe(inside![2]);
    }
    const lowpass = items.find((item) => item.catchKind === 'lowpass')!;
    expect(lowpass.expected).toBe('fake');
    // 3 windows fit the held-out clips (two in 14–27 s, one in 30–38 s): the catch takes the spare one.
    expect(new Set(heldOut.map((item) => item.sourceStart)).size).toBe(3);
    const repeat = items.find((item) => item.catchKind === 'repeat')!;
    const original = items[repeat.repeatOf!]!;
    expect(original.origin === 'generated' || original.origin === 'real').toBe(true);
    expect(repeat).toMatchObject({ expected: original.expected, takeId: original.takeId, sourceStart: original.sourceStart });
    expect(repeat.file).not.toBe(original.file);
  });

  it('renders a repeat as its own file: every item file hashes differently, the repeat is its original within 2 LSB', async () => {
    const { items } = layout(sessionId);
    const hashes = await Promise.all(items.map((item) => sha(item.file)));
    expect(new Set(hashes).size).toBe(items.length);
    const repeat = items.find((item) => item.catchKind === 'repeat')!;
    const samplesOf = async (item: StoredItem): Promise<Float32Array> => (await decodeAudio(new Uint8Array(await readFile(item.file)), 'item')).channels[0]!;
    const [again, original] = [await samplesOf(repeat), await samplesOf(items[repeat.repeatOf!]!)];
    expect(again).toHaveLength(original.length);
    let worst = 0;
    for (let i = 0; i < again.length; i++) worst = Math.max(worst, Math.abs(again[i]! - original[i]!));
    expect(worst).toBeLessThanOrEqual(2 / 32767 + 2 ** -24); // 2 LSB, and the decoded float32's rounding
  });

  it('writes every item at the target loudness (±0.5 LU), ≤ −1 dBTP, in one byte length and layout, with nothing above the band', async () => {
    const { items } = layout(sessionId);
    const files = [...new Set(items.map((item) => item.file))];
    expect(files).toHaveLength(8);
    const folder = ratings.sessionDir(sessionId);
    expect((await readdir(folder)).sort()).toEqual(files.map((file) => path.basename(file)).sort());
    for (const file of files) expect(path.basename(file)).toMatch(/^[0-9a-f]{32}\.wav$/);
    for (const item of items) {
      const bytes = new Uint8Array(await readFile(item.file));
      expect(bytes.length).toBe(44 + 2 * 5 * 16_000);
      expect(chunkIds(bytes)).toEqual(['fmt ', 'data']);
      const decoded = await decodeAudio(bytes, 'item');
      expect([decoded.sampleRate, decoded.channels.length, decoded.channels[0]!.length]).toEqual([16_000, 1, 80_000]);
      const samples = decoded.channels[0]!;
      const loudness = integratedLoudness([samples], 16_000)!;
      expect(Math.abs(loudness - -23)).toBeLessThanOrEqual(0.5);
      expect(item.loudnessLufs).toBeCloseTo(loudness, 6);
      expect(truePeakDbtp(samples)).toBeLessThanOrEqual(-1);
      // Model B's takes carry a 6 kHz tone; at the session's 8 kHz band rate it is gone.
      let re = 0;
      let im = 0;
      for (let i = 0; i < samples.length; i++) {
        re += samples[i]! * Math.cos((2 * Math.PI * 6000 * i) / 16_000);
        im += samples[i]! * Math.sin((2 * Math.PI * 6000 * i) / 16_000);
      }
      expect((2 * Math.hypot(re, im)) / samples.length).toBeLessThan(1e-3);
    }
    // Same-length files with the same timestamps: nothing in a listing tells the build order.
    const { stat } = await import('node:fs/promises');
    const times = new Set(await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs)));
    expect(times.size).toBe(1);
  });

  it('gives each rater their own order and tokens: every item once, the repeat after its original and never next to it', () => {
    const { items, raters } = layout(sessionId);
    expect(raters.map((rater) => rater.name)).toEqual(['Ann', 'Bo']);
    const repeat = items.find((item) => item.catchKind === 'repeat')!;
    for (const rater of raters) {
      expect(rater.order.every((stimuli) => stimuli.length === 1)).toBe(true);
      const sequence = rater.order.map((stimuli) => stimuli[0]!);
      expect([...sequence].sort((a, b) => a - b)).toEqual(items.map((item) => item.index));
      const at = sequence.indexOf(repeat.index);
      const originalAt = sequence.indexOf(repeat.repeatOf!);
      expect(at - originalAt).toBeGreaterThan(1);
      for (const [p, tokens] of rater.tokens.entries()) {
        expect(tokens).toHaveLength(1);
        expect(ratings.audioFile(tokens[0]!)).toBe(items[rater.order[p]![0]!]!.file);
        expect(parseMediaPath(`rating/${tokens[0]}`)).toEqual({ kind: 'rating', token: tokens[0] });
      }
    }
    expect(raters[0]!.order).not.toEqual(raters[1]!.order);
    const allTokens = raters.flatMap((rater) => rater.tokens.flat());
    expect(new Set(allTokens).size).toBe(allTokens.length);
  });

  it('rebuilds the same session from the same seed, but with new tokens and file names', async () => {
    const first = layout(sessionId);
    const again = layout(await buildSession(deps, DRAFT));
    const describe = ({ items, raters }: ReturnType<typeof layout>): unknown => ({
      items: items.map(({ origin, catchKind, repeatOf, takeId, sourceStart }) => ({ origin, catchKind, repeatOf, takeId, sourceStart })),
      orders: raters.map((rater) => rater.order),
    });
    expect(describe(again)).toEqual(describe(first));
    expect(await Promise.all(again.items.map((item) => sha(item.file)))).toEqual(await Promise.all(first.items.map((item) => sha(item.file))));
    expect(again.items.map((item) => path.basename(item.file))).not.toEqual(first.items.map((item) => path.basename(item.file)));
    expect(again.raters[0]!.tokens).not.toEqual(first.raters[0]!.tokens);
  }, 60_000);
});

describe('buildSession: pair formats', () => {
  it('2afc: every trial pairs one take with one real excerpt, in random places', async () => {
    const id = await buildSession(deps, { ...DRAFT, format: '2afc', generatedCount: 2, realCount: 2, catchTrials: false, raters: ['Ann', 'Bo', 'Cy'] });
    const { items, raters } = layout(id);
    expect(items.map((item) => item.origin).sort()).toEqual(['generated', 'generated', 'real', 'real']);
    const places = new Set<number>();
    for (const rater of raters) {
      expect(rater.order).toHaveLength(2);
      for (const stimuli of rater.order) {
        expect(stimuli.map((i) => items[i]!.origin).sort()).toEqual(['generated', 'real']);
        places.add(stimuli.findIndex((i) => items[i]!.origin === 'real'));
      }
    }
    expect(places).toEqual(new Set([0, 1])); // the real one is not always first (seeded, 6 trials)
  }, 60_000);
});

describe('buildSession: abx', () => {
  let sessionId: number;
  beforeAll(async () => {
    // Three raters: each draws X per trial, so both stimuli of most trials are heard as X by someone.
    sessionId = await buildSession(deps, { ...DRAFT, format: 'abx', generatedCount: 2, realCount: 2, catchTrials: true, raters: ['Ann', 'Bo', 'Cy'] });
  }, 60_000);

  const samplesOf = async (file: string): Promise<Float32Array> => (await decodeAudio(new Uint8Array(await readFile(file)), 'item')).channels[0]!;
  /** The largest sample difference of two equally long item files, in LSB of 16 bits. */
  const worstLsb = async (one: string, other: string): Promise<number> => {
    const [x, y] = [await samplesOf(one), await samplesOf(other)];
    expect(x).toHaveLength(y.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    return worst * 32767;
  };

  it('A and B are one take and one excerpt, X renders one of them; catch trials pair a low-passed excerpt with its original', () => {
    const { items, raters } = layout(sessionId);
    const lowpass = items.find((item) => item.catchKind === 'lowpass' && item.xOf === null)!;
    const repeat = items.find((item) => item.catchKind === 'repeat' && item.xOf === null)!;
    expect(items[repeat.repeatOf!]!.origin).toBe('generated');
    for (const rater of raters) {
      expect(rater.order).toHaveLength(4);
      for (const [a, b, x] of rater.order) {
        expect([a, b]).toContain(items[x!]!.xOf);
        const pair = [items[a!]!, items[b!]!];
        expect(pair.map((item) => item.xOf)).toEqual([null, null]);
        if (pair.includes(lowpass)) {
          const other = pair.find((item) => item !== lowpass)!;
          expect([other.origin, other.sourceStart]).toEqual(['real', lowpass.sourceStart]);
        } else {
          expect(pair.map((item) => item.expected).sort()).toEqual(['fake', 'real']);
        }
      }
      const trialOf = (index: number): number => rater.order.findIndex((stimuli) => stimuli.includes(index));
      expect(trialOf(repeat.index) - trialOf(repeat.repeatOf!)).toBeGreaterThan(1);
      // A catch trial's real partner and every X are their own renderings: no item is heard in two trials.
      const heardIn = new Map<number, number>();
      rater.order.forEach((stimuli, trial) =>
        stimuli.forEach((index) => {
          expect(heardIn.get(index) ?? trial).toBe(trial);
          heardIn.set(index, trial);
        }),
      );
    }
  });

  it('renders X as a file of its own: it hashes apart from A and B, and holds the stimulus it renders within 2 LSB', async () => {
    const { items, raters } = layout(sessionId);
    const hashes = await Promise.all(items.map((item) => sha(item.file)));
    expect(new Set(hashes).size).toBe(items.length);
    for (const rater of raters) {
      for (const [p, [a, b, x]] of rater.order.entries()) {
        // What the rater can fetch: the files behind their three tokens.
        const files = rater.tokens[p]!.map((token) => ratings.audioFile(token)!);
        expect(files).toEqual([items[a!]!.file, items[b!]!.file, items[x!]!.file]);
        const [hashA, hashB, hashX] = await Promise.all(files.map(sha));
        expect(hashX).not.toBe(hashA);
        expect(hashX).not.toBe(hashB);
        const rendered = items[x!]!.xOf;
        expect([a, b]).toContain(rendered);
        const other = rendered === a ? b! : a!;
        expect(await worstLsb(items[x!]!.file, items[rendered!]!.file)).toBeLessThanOrEqual(2 + 2 ** -24 * 32767); // and float32's rounding
        expect(await worstLsb(items[x!]!.file, items[other]!.file)).toBeGreaterThan(2); // the comparison tells audio apart
      }
    }
  }, 60_000);

  it('makes two X renderings per trial, one of each stimulus, after the presented items; the item count holds them', () => {
    const { items } = layout(sessionId);
    // 2 pairs, a low-pass and a repeat catch trial with their partners: 8 presented items; X of each: 8 more.
    expect(ratings.session(sessionId)!.itemCount).toBe(16);
    const presented = items.filter((item) => item.xOf === null);
    const renderings = items.filter((item) => item.xOf !== null);
    expect(presented.map((item) => item.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(renderings.map((item) => item.xOf).sort((x, y) => x! - y!)).toEqual(presented.map((item) => item.index));
    // Each rendering carries its stimulus's key: origin, take, excerpt, catch kind.
    const keyOf = (item: StoredItem): unknown => ({ ...item, index: null, file: null, loudnessLufs: null, truePeakDbtp: null, xOf: null });
    for (const x of renderings) expect(keyOf(x)).toEqual(keyOf(items[x.xOf!]!));
  });
});

describe('buildSession refusals', () => {
  const refuses = async (draft: Partial<SessionDraft>, message: RegExp): Promise<void> => {
    const before = ratings.sessions().length;
    await expect(buildSession(deps, { ...DRAFT, ...draft })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
    expect(ratings.sessions()).toHaveLength(before);
    expect((await readdir(path.join(dir, 'rating'))).filter((name) => name.startsWith('.'))).toEqual([]); // no staging left
  };

  it('refuses sessions that cannot be blind or cannot be made, saying why in one line', async () => {
    await refuses({ realCount: 0 }, /needs real items/);
    await refuses({ generatedCount: 0 }, /at least one generated item/);
    await refuses({ raters: ['Ann', ' ann '] }, /two raters are called/);
    await refuses({ format: '2afc', generatedCount: 3, realCount: 2 }, /as many real items as generated/);
    await refuses({ generatedCount: 6 }, /only 5 of the 6 matching takes can be used \(1 are shorter than 5 s/);
    await refuses({ takeIds: [ids.longA[0]!, ids.shortA], generatedCount: 2 }, /Take 4 \(take \d+\) cannot be used: it is 3.0 s long, shorter than the 5 s items/);
    await refuses({ takeIds: [ids.longA[0]!], generatedCount: 2 }, /1 takes were picked but 2/);
    // 9 s items: the test clip holds one window, the val clip none → one real excerpt, two asked.
    await refuses({ itemSeconds: 9, realCount: 2 }, /only 1 real excerpts of 9 s fit in the held-out parts of the takes' songs, 2 were asked for/);
    // ABX: 22 pairs and 2 + 2 catch trials make 52 presented items and an X rendering of each.
    await refuses({ format: 'abx', generatedCount: 22, realCount: 22 }, /a session holds at most 100 items; this one would have 104/);
    await refuses({ takeIds: [ids.clicky, ids.longA[0]!], generatedCount: 2 }, /only 1 takes of 5 s could be made, 2 were asked for; Take 1 \(take \d+\) would peak at .* dBTP/);
  }, 120_000);
});

describe('orderTrials', () => {
  it('keeps related trials apart and repeats after their originals, or says it cannot', () => {
    const trials = [
      { sources: ['take:1'], after: null },
      { sources: ['take:1'], after: 0 },
      { sources: ['region:a'], after: null },
      { sources: ['region:a'], after: null },
      { sources: ['take:2'], after: null },
    ];
    for (let seed = 1; seed <= 50; seed++) {
      const order = orderTrials(trials, seededRandom(String(seed), 'test'))!;
      expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(isValidOrder(order, trials)).toBe(true);
      expect(order.indexOf(1)).toBeGreaterThan(order.indexOf(0) + 1);
    }
    expect(isValidOrder([0, 1, 2, 3, 4], trials)).toBe(false);
    // The seed decides: equal seeds, equal orders; other seeds, other orders.
    const many = Array.from({ length: 12 }, (_, i) => ({ sources: [`take:${i}`], after: null }));
    const orderOf = (seed: string): number[] | null => orderTrials(many, seededRandom(seed, 'order:0'));
    expect(orderOf('12345')).toEqual(orderOf('12345'));
    expect(orderOf('12345')).not.toEqual(orderOf('999'));
    expect(orderOf('12345')).not.toEqual(orderTrials(many, seededRandom('12345', 'order:1')));
    expect(orderTrials(trials.slice(0, 2), seededRandom('1', 'test'))).toBeNull();
  });
});

describe('the media route', () => {
  it('serves a rating token only as its item file', () => {
    expect(parseMediaPath('rating/0123456789abcdef0123456789abcdef')).toEqual({ kind: 'rating', token: '0123456789abcdef0123456789abcdef' });
    expect(parseMediaPath('rating/0123456789ABCDEF0123456789abcdef')).toBeNull();
    expect(parseMediaPath('rating/../eureka.db')).toBeNull();
    expect(parseMediaPath('rating/1')).toBeNull();
  });
});
