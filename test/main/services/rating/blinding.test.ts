/**
 * Blinding, measured (docs/listening-tests.md, "Blinding" and "Matching"): a session built by
 * the real builder from a real library must not let a simple detector tell real items from
 * generated ones by anything but the music.
 *
 * The material differs on purpose in everything the item treatment must hide: the song has a
 * positive DC offset, the "takes" a negative one (as the generator's output has); they sit at
 * different levels and rates, so their noise floors differ in dBFS (the same relative to the
 * music under the band limit: what is left is the music's own quiet moments); the
 * song carries air up to 20 kHz, the takes a 6 kHz tone, both above the session's 4 kHz band
 * limit; both start (and the takes end) with digital silence. The music itself is drawn from one
 * generator with independent seeds.
 *
 * Per feature of the written item files (DC, integrated loudness, sample peak, energy above the
 * band limit, leading and trailing near-silence, noise floor of the quietest stretch, file
 * size), and on all of them together, detectors are trained with leave-one-out: a threshold
 * (the best split of the other items) and a nearest class mean. A detector fails the session
 * when its leave-one-out hits are above chance beyond doubt: P[X ≥ hits] < ALPHA for X ~
 * Binomial(items, ½). Everything is seeded, so the outcome is fixed.
 *
 * ABX: X is the same audio as A or B (that is the question), so comparing the decoded samples
 * finds it; what must not find it is a comparison of the files a rater's tokens fetch — their
 * hashes, bytes, sizes or modification times. Detectors that call X whichever stimulus it
 * matches on one of those (A when it matches both or neither) must stay at chance over every
 * trial of several raters.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase, type Db } from '../../../../src-main/db/database.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { fftInPlace, nextPowerOfTwo } from '../../../../src-main/services/audio/fft.js';
import { integratedLoudness } from '../../../../src-main/services/audio/loudness.js';
import { createInlineProcessor } from '../../../../src-main/services/audio/processor.js';
import { LibraryRepository } from '../../../../src-main/services/library/library-repository.js';
import { LibraryService } from '../../../../src-main/services/library/library-service.js';
import { RatingRepository, type StoredItem } from '../../../../src-main/services/rating/rating-repository.js';
import { buildSession } from '../../../../src-main/services/rating/session-builder.js';
import { AudioStore } from '../../../../src-main/services/store/audio-store.js';
import { TakeRepository } from '../../../../src-main/services/takes/take-repository.js';
import { ModelRepository } from '../../../../src-main/services/training/model-repository.js';
import { encodeWavFixture, mulberry32 } from '../../../fixtures/audio-fixtures.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const SONG_RATE = 44_100;
const TAKE_RATE = 16_000;
/** The takes' model generates at 8 kHz: the session's band limit is 4 kHz, its files 16 kHz. */
const MODEL_RATE = 8000;
const ITEMS_PER_SIDE = 16;
const ITEM_SECONDS = 5;
/** Per detector: "above chance" means a one-sided binomial p below this. */
const ALPHA = 0.001;

/**
 * Music of one kind for both sides: plucked notes (three harmonics, all below 3.5 kHz so the
 * band limit treats both sides alike) of random pitch, length and loudness, with short rests,
 * at `level`, over white noise.
 */
function music(seconds: number, rate: number, level: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(Math.round(seconds * rate));
  for (let at = 0; at < out.length; ) {
    const hz = 110 * 2 ** (Math.floor(random() * 30) / 12);
    const length = Math.round((0.2 + 0.5 * random()) * rate);
    const decay = (0.08 + 0.25 * random()) * rate;
    const amplitude = level * (0.4 + 0.6 * random());
    const phase = 2 * Math.PI * random();
    for (let i = 0; i < length && at + i < out.length; i++) {
      const envelope = Math.min(1, i / (0.005 * rate)) * Math.exp(-i / decay);
      const w = (2 * Math.PI * hz * i) / rate + phase;
      out[at + i]! += amplitude * envelope * (0.6 * Math.sin(w) + 0.3 * Math.sin(2 * w) + 0.1 * Math.sin(3 * w));
    }
    at += length + (random() < 0.3 ? Math.round(0.3 * random() * rate) : 0);
  }
  // White noise 64 dB below the level in every 8 kHz of band: the same floor under the band
  // limit at any rate, higher in full-band dBFS the higher the rate.
  const noise = mulberry32(seed + 1_000_000);
  const noiseAmplitude = level * 10 ** (-64 / 20) * Math.sqrt(3) * Math.sqrt(rate / 2 / 8000);
  for (let i = 0; i < out.length; i++) out[i]! += noiseAmplitude * (2 * noise() - 1);
  return out;
}

/** `x` with `offset` added, `silence` seconds of zeros before (and `tail` after), and `extra` mixed in. */
function dressed(x: Float32Array, rate: number, offset: number, silence: number, tail: number, extra: (i: number) => number): Float32Array {
  const head = Math.round(silence * rate);
  const out = new Float32Array(head + x.length + Math.round(tail * rate));
  for (let i = 0; i < x.length; i++) out[head + i] = x[i]! + offset + extra(i);
  return out;
}

// ---- features of an item file ---------------------------------------------------------------

type Features = {
  dc: number;
  loudness: number;
  peak: number;
  aboveBand: number;
  leadingSilence: number;
  trailingSilence: number;
  noiseFloor: number;
  fileSize: number;
};

const NEAR_SILENT = 10 ** (-60 / 20);

function decibels(x: number): number {
  return 20 * Math.log10(Math.max(x, 1e-12));
}

/** Energy above `cutoffHz` over all energy, dB. */
function aboveBandDb(x: Float32Array, rate: number, cutoffHz: number): number {
  const n = nextPowerOfTwo(x.length);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  re.set(x);
  fftInPlace(re, im);
  let above = 0;
  let all = 0;
  for (let k = 1; k <= n / 2; k++) {
    const power = re[k]! ** 2 + im[k]! ** 2;
    all += power;
    if ((k * rate) / n > cutoffHz) above += power;
  }
  return 10 * Math.log10(Math.max(above, 1e-30) / all);
}

/** RMS of the quietest 50 ms block, dB, outside the 100 ms at each end (the fades). */
function noiseFloorDb(x: Float32Array, rate: number): number {
  const block = Math.round(0.05 * rate);
  let quietest = Infinity;
  for (let from = Math.round(0.1 * rate); from + block <= x.length - Math.round(0.1 * rate); from += block) {
    let sum = 0;
    for (let i = from; i < from + block; i++) sum += x[i]! ** 2;
    quietest = Math.min(quietest, Math.sqrt(sum / block));
  }
  return decibels(quietest);
}

async function featuresOf(item: StoredItem, bandRate: number): Promise<Features> {
  const bytes = new Uint8Array(await readFile(item.file));
  const decoded = await decodeAudio(bytes, 'item');
  const x = decoded.channels[0]!;
  const rate = decoded.sampleRate;
  let sum = 0;
  let peak = 0;
  for (const v of x) {
    sum += v;
    peak = Math.max(peak, Math.abs(v));
  }
  const firstLoud = x.findIndex((v) => Math.abs(v) >= NEAR_SILENT);
  const lastLoud = x.findLastIndex((v) => Math.abs(v) >= NEAR_SILENT);
  return {
    dc: sum / x.length,
    loudness: integratedLoudness([x], rate)!,
    peak: decibels(peak),
    aboveBand: aboveBandDb(x, rate, bandRate / 2),
    leadingSilence: firstLoud,
    trailingSilence: x.length - 1 - lastLoud,
    noiseFloor: noiseFloorDb(x, rate),
    fileSize: bytes.length,
  };
}

// ---- detectors -------------------------------------------------------------------------------

type Label = 0 | 1;
interface Sample {
  x: number[];
  label: Label;
}

/** Leave-one-out hits of a decision stump on feature 0: the threshold and side that best split the rest. */
function stumpHits(samples: readonly Sample[]): number {
  let hits = 0;
  samples.forEach((held, h) => {
    const rest = samples.filter((_, i) => i !== h);
    const values = [...new Set(rest.map((s) => s.x[0]!))].sort((a, b) => a - b);
    const cuts = [values[0]! - 1, ...values.slice(1).map((v, i) => (v + values[i]!) / 2), values[values.length - 1]! + 1];
    let best = { correct: -1, cut: 0, above: 1 as Label };
    for (const cut of cuts) {
      for (const above of [0, 1] as const) {
        const correct = rest.filter((s) => (s.x[0]! > cut ? above : 1 - above) === s.label).length;
        if (correct > best.correct) best = { correct, cut, above };
      }
    }
    if ((held.x[0]! > best.cut ? best.above : 1 - best.above) === held.label) hits++;
  });
  return hits;
}

/** Leave-one-out hits of the nearest class mean, features standardised on the rest (constant ones dropped); a tie counts as a miss. */
function nearestMeanHits(samples: readonly Sample[]): number {
  let hits = 0;
  samples.forEach((held, h) => {
    const rest = samples.filter((_, i) => i !== h);
    const dims = held.x.length;
    const mean = (rows: readonly Sample[], d: number): number => rows.reduce((a, s) => a + s.x[d]!, 0) / rows.length;
    let toOwn = 0;
    let toOther = 0;
    for (let d = 0; d < dims; d++) {
      const all = mean(rest, d);
      const spread = Math.sqrt(rest.reduce((a, s) => a + (s.x[d]! - all) ** 2, 0) / rest.length);
      if (!(spread > 0)) continue;
      const own = mean(rest.filter((s) => s.label === held.label), d);
      const other = mean(rest.filter((s) => s.label !== held.label), d);
      toOwn += ((held.x[d]! - own) / spread) ** 2;
      toOther += ((held.x[d]! - other) / spread) ** 2;
    }
    if (toOwn < toOther) hits++;
  });
  return hits;
}

/** P[X ≥ k] for X ~ Binomial(n, ½), exactly. */
function binomialTail(n: number, k: number): number {
  let term = 0.5 ** n; // C(n, 0) / 2^n
  let tail = k <= 0 ? term : 0;
  for (let i = 1; i <= n; i++) {
    term = (term * (n - i + 1)) / i;
    if (i >= k) tail += term;
  }
  return tail;
}

/** The detectors that beat chance beyond doubt, with their leave-one-out hits. */
function detectorsAboveChance(rows: readonly { features: Record<string, number>; label: Label }[]): string[] {
  const names = Object.keys(rows[0]!.features);
  const found: string[] = [];
  const check = (name: string, hits: number): void => {
    if (binomialTail(rows.length, hits) < ALPHA) found.push(`${name}: ${hits}/${rows.length}`);
  };
  for (const name of names) {
    const samples = rows.map((row) => ({ x: [row.features[name]!], label: row.label }));
    check(`${name} (threshold)`, stumpHits(samples));
    check(`${name} (nearest mean)`, nearestMeanHits(samples));
  }
  check('all features (nearest mean)', nearestMeanHits(rows.map((row) => ({ x: names.map((n) => row.features[n]!), label: row.label }))));
  return found;
}

// ---- the library and the session -------------------------------------------------------------

let dir: string;
let db: Db;
let ratings: RatingRepository;
let deps: Parameters<typeof buildSession>[0];

function plan(topRate: number): string {
  return JSON.stringify({
    preset: 'quick', mode: 'normal', holes: null, topRate, fsList: [500, 1000], channelsFirst: 16, channelsRest: 32, kernelSize: 9, layers: 8,
    epochsPerScale: 200, learningRate: 0.0015, alpha1: null, alpha2: null, mssConfigs: null, seed: '1',
    device: 'cpu', deviceReason: 'test', budgetSeconds: null, predictedSeconds: null, scales: [], summary: 'test',
  });
}

beforeAll(async () => {
  dir = await makeTempDir();
  db = openDatabase(path.join(dir, 'eureka.db'));
  const library = new LibraryService(new LibraryRepository(db), new AudioStore(dir), createInlineProcessor(), { maxImportSeconds: 600, maxClipSeconds: 120 });
  // The song: 1.5 s of silence, then 90 s at a peak level of 0.5 with DC +1e-4 and air (slowly
  // swelling partials at 11, 13.5 and 17 kHz).
  const air = (i: number): number =>
    [11_000, 13_500, 17_000].reduce((sum, hz, k) => sum + 0.01 * (1 + 0.5 * Math.sin((2 * Math.PI * (k + 1) * i) / SONG_RATE)) * Math.sin((2 * Math.PI * hz * i) / SONG_RATE), 0);
  const song = dressed(music(90, SONG_RATE, 0.5, 1), SONG_RATE, 1e-4, 1.5, 0, air);
  const imported = await library.importFiles([{ name: 'Harbour.wav', data: encodeWavFixture([song], SONG_RATE, { bits: 32, float: true }) }]);
  const file = imported.files[0]!;
  const trainClip = library.addClip({ songId: file.songId, start: 1.5, end: 10, label: 'U', split: 'train' }).id;
  library.addClip({ songId: file.songId, start: 10, end: 91.5, label: 'U', split: 'test' });
  const models = new ModelRepository(db);
  const modelId = models.insert({ clipId: trainClip, songId: file.songId, name: 'M', preset: 'quick', request: { budgetSeconds: null, device: 'cpu', deviceReason: 'test', seed: '1', mode: null } });
  db.prepare(`UPDATE models SET plan = ?, status = 'done' WHERE id = ?`).run(plan(MODEL_RATE), modelId);
  // The takes: 7 s each (0.3 s of silence at both ends), peak level 0.2, DC −4e-4, a 6 kHz tone.
  const takes = new TakeRepository(db);
  await mkdir(path.join(dir, 'takes', String(modelId)), { recursive: true });
  for (let t = 0; t < ITEMS_PER_SIDE; t++) {
    const [id] = takes.insertBatch({ modelId, clipId: trainClip, songId: file.songId, batchId: `b${t}`, settings: { mode: 'new', seconds: 7, extendFromRate: null }, seeds: [String(t)], ownerPid: process.pid });
    takes.start(id!, { scales: 2, configHash: 'ab' });
    const samples = dressed(music(6.4, TAKE_RATE, 0.2, 100 + t), TAKE_RATE, -4e-4, 0.3, 0.3, (i) => 0.005 * Math.sin((2 * Math.PI * 6000 * i) / TAKE_RATE));
    const relative = path.join('takes', String(modelId), `take-${id}.wav`);
    await writeFile(path.join(dir, relative), encodeWavFixture([samples], TAKE_RATE, { bits: 32, float: true }));
    takes.finishReady(id!, { file: relative, sampleRate: TAKE_RATE, durationSeconds: 7, loudnessLufs: -26, sourceLoudnessLufs: -18, executionProvider: 'cpu', generateSeconds: 1 });
  }
  ratings = new RatingRepository(db, dir);
  deps = {
    library,
    takes: { list: () => takes.list(), get: (id) => takes.get(id), filePath: (id) => path.join(dir, takes.file(id)!) },
    training: { get: (id) => models.get(id) },
    dataDir: dir,
    ratings,
  };
}, 120_000);

afterAll(async () => {
  db?.close();
  await removeDir(dir);
});

describe('blinding', () => {
  it('the detectors catch a feature that does tell real from generated, and let a random one pass', () => {
    const random = mulberry32(5);
    const rows = Array.from({ length: 2 * ITEMS_PER_SIDE }, (_, i) => {
      const label = (i % 2) as Label;
      return { label, features: { telling: label + 0.3 * random(), random: random() } };
    });
    expect(detectorsAboveChance(rows)).toEqual(['telling (threshold): 32/32', 'telling (nearest mean): 32/32', 'all features (nearest mean): 32/32']);
    expect(detectorsAboveChance(rows.map((row) => ({ ...row, features: { random: row.features.random } })))).toEqual([]);
  });

  it('no simple detector tells the real items from the generated ones by DC, level, band, silence, noise floor or size', async () => {
    const sessionId = await buildSession(deps, {
      name: 'Blinding',
      generatedCount: ITEMS_PER_SIDE,
      realCount: ITEMS_PER_SIDE,
      itemSeconds: ITEM_SECONDS,
      catchTrials: false,
      raters: ['Ann'],
      seed: '20240611',
    });
    const session = ratings.session(sessionId)!;
    expect([session.sampleRate, session.fileRate]).toEqual([MODEL_RATE, TAKE_RATE]);
    const items = ratings.items(sessionId);
    expect(items.filter((item) => item.origin === 'real')).toHaveLength(ITEMS_PER_SIDE);
    expect(items.filter((item) => item.origin === 'generated')).toHaveLength(ITEMS_PER_SIDE);
    const rows = await Promise.all(
      items.map(async (item) => ({ label: (item.origin === 'real' ? 1 : 0) as Label, features: { ...(await featuresOf(item, session.sampleRate)) } })),
    );
    expect(detectorsAboveChance(rows)).toEqual([]);
  }, 120_000);

  it('no comparison of the files a rater fetches tells which of A and B an ABX trial\'s X is', async () => {
    const pairs = 12;
    const sessionId = await buildSession(deps, {
      name: 'Blinding ABX',
      format: 'abx',
      generatedCount: pairs,
      realCount: pairs,
      itemSeconds: ITEM_SECONDS,
      catchTrials: false,
      raters: ['Ann', 'Bo', 'Cy', 'Di'],
      seed: '20240612',
    });
    const items = ratings.items(sessionId);
    type Fetched = { bytes: Buffer; sha: string; size: number; modified: number };
    const fetched = async (token: string): Promise<Fetched> => {
      const file = ratings.audioFile(token)!;
      const bytes = await readFile(file);
      return { bytes, sha: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, modified: (await stat(file)).mtimeMs };
    };
    const same: Record<string, (x: Fetched, stimulus: Fetched) => boolean> = {
      hash: (x, stimulus) => x.sha === stimulus.sha,
      bytes: (x, stimulus) => x.bytes.equals(stimulus.bytes),
      size: (x, stimulus) => x.size === stimulus.size,
      modified: (x, stimulus) => x.modified === stimulus.modified,
    };
    const hits = Object.fromEntries(Object.keys(same).map((name) => [name, 0]));
    let trials = 0;
    const distinctFiles: number[] = [];
    for (const rater of ratings.raters(sessionId)) {
      const hashes = new Set<string>();
      for (const [p, [a, b, x]] of rater.order.entries()) {
        const [fileA, fileB, fileX] = await Promise.all(rater.tokens[p]!.map(fetched));
        for (const file of [fileA!, fileB!, fileX!]) hashes.add(file.sha);
        // The key: the stimulus X renders (sessions where X was A's or B's own item: that item).
        const truth = (items[x!]!.xOf ?? x) === a ? 0 : 1;
        expect([a, b]).toContain(items[x!]!.xOf ?? x);
        for (const [name, matches] of Object.entries(same)) {
          const guess = matches(fileX!, fileB!) && !matches(fileX!, fileA!) ? 1 : 0;
          if (guess === truth) hits[name]! += 1;
        }
        trials += 1;
      }
      distinctFiles.push(hashes.size);
    }
    expect(trials).toBe(4 * pairs);
    const aboveChance = Object.entries(hits).flatMap(([name, count]) => (binomialTail(trials, count) < ALPHA ? [`${name}: ${count}/${trials}`] : []));
    expect(aboveChance).toEqual([]);
    // No two files a rater receives are the same bytes.
    expect(distinctFiles).toEqual(Array.from({ length: 4 }, () => 3 * pairs));
  }, 120_000);
});
