/**
 * Bench: beam-search decoding of the sliders (vae-decode.ts decodeBeam) against greedy, on a
 * `vary` model that vary-vae.ts trained and saved, on vary-vae.ts's data and split. From each
 * held-out phrase's refined latent (where the app starts), each of the 20 sliders is set to −2,
 * −1, 0, 1, 2 (the others where the phrase sits) and decoded greedily and by a beam; each
 * distinct decode is read back on that slider, and a sweep passes when its five readings never go
 * down (vary-vae.ts's check). Read back by mu (the encoder's mean) over every held-out phrase and
 * by refinement (vae-refine.ts, 200 Adam steps on z) over the first few (slow); by their notes
 * alone (notesTally); and along the sweep's own line (lineReadings: where on the slider, the
 * others kept, the decoder finds each decode likeliest). Also: held-out
 * reconstruction F1 from the refined latents, greedy and by the beam, and the time of a take's
 * decode through onnxruntime (the model exported to a temporary folder), greedy and by the beam.
 *   npm run build:node && node out/node/test/bench/phrases/vary-beam.js <model.ckpt> [bars] [judged phrases] [width]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { PhraseVaeRuntime } from '../../../src-main/services/models/onnx/phrase-runtime.js';
import { exportVaeOnnx } from '../../../src-main/services/models/onnx/vae-onnx.js';
import { fitLatentSpace, sliderLatent, sliderPosition, type LatentSpace } from '../../../src-main/services/phrase-models/latent-space.js';
import { loadVae } from '../../../src-main/services/phrase-models/vae-checkpoint.js';
import { decodeBeam, decodeGreedy } from '../../../src-main/services/phrase-models/vae-decode.js';
import { DECODE_TOKENS_PER_BAR, matchedNotes } from '../../../src-main/services/phrase-models/vae-eval.js';
import { refineLatents } from '../../../src-main/services/phrase-models/vae-refine.js';
import { BufferPool, decoderForward, encodeMean, initialState, packTokens, type PhraseVae } from '../../../src-main/services/phrase-models/vae.js';
import { generateCorpus } from '../../../src-main/services/phrases/corpus.js';
import { cutPhrases, phraseTokens, splitPhrases, type Phrase } from '../../../src-main/services/phrases/phrases.js';
import { EOS, PAD, decode, stepsOf } from '../../../src-main/services/phrases/tokens.js';

const line = (text: string): void => void process.stdout.write(`${text}\n`);
const SETTINGS = [-2, -1, 0, 1, 2];

type Decoder = (latents: Float32Array[], phrase: Phrase) => number[][];

const closed = (tokens: number[]): number[] => (tokens[tokens.length - 1] === EOS ? tokens : [...tokens, EOS]);

/** The five decodes of each slider from `base`, 20 sweeps. */
function sweeps(space: LatentSpace, base: Float32Array, phrase: Phrase, decoder: Decoder): number[][][] {
  const at = sliderPosition(space, base);
  return space.directions.map((_, i) => decoder(SETTINGS.map((value) => sliderLatent(space, base, at.map((p, j) => (j === i ? value : p)))), phrase).map(closed));
}

/** Each distinct decode read once: the same phrase at two settings has one reading. */
function readOnce(decodes: readonly number[][], read: (unique: number[][]) => Float32Array[]): Float32Array[] {
  const keys = decodes.map((tokens) => tokens.join());
  const unique = [...new Set(keys)];
  const readings = read(unique.map((key) => decodes[keys.indexOf(key)]!));
  return keys.map((key) => readings[unique.indexOf(key)]!);
}

/** Whether a sweep's decodes are not all one phrase (a slider that changes nothing passes any check). */
const changes = (decodes: readonly number[][]): boolean => !decodes.every((tokens) => tokens.join() === decodes[0]!.join());

/** Monotonic sweeps, those that change the phrase, and the largest step back of each failing one by size. */
function tally(all: readonly number[][][], readings: readonly number[][]): string {
  let passing = 0;
  let moving = 0;
  let movingPassing = 0;
  const worst: number[] = [];
  all.forEach((decodes, k) => {
    const values = readings[k]!;
    const back = values.reduce((most, value, j) => (j === 0 ? most : Math.max(most, values[j - 1]! - value)), 0);
    const ok = back <= 0;
    if (ok) passing += 1;
    else worst.push(back);
    if (changes(decodes)) {
      moving += 1;
      if (ok) movingPassing += 1;
    }
  });
  const bands = [0.05, 0.1, 0.25, 0.5, Infinity];
  const counts = bands.map((band, b) => worst.filter((w) => w > (b === 0 ? 0 : bands[b - 1]!) && w <= band).length);
  return (
    `${passing} of ${all.length} monotonic; of the ${moving} that change the phrase, ${movingPassing} (${((100 * movingPassing) / Math.max(1, moving)).toFixed(0)} %); ` +
    `steps back ≤0.05: ${counts[0]}, ≤0.1: ${counts[1]}, ≤0.25: ${counts[2]}, ≤0.5: ${counts[3]}, larger: ${counts[4]}`
  );
}

/** 1 − note F1 between two decodes (vae-eval.ts's matching): 0 the same notes, 1 none shared. */
function noteDistance(a: number[], b: number[]): number {
  const x = decode(a);
  const y = decode(b);
  return x.length + y.length === 0 ? 0 : 1 - (2 * matchedNotes(x, y)) / (x.length + y.length);
}

/**
 * The sweeps read by their notes alone, no encoder: a sweep passes when each decode is no nearer
 * the first decode (−2) than the one before it and no farther from the last (+2): the phrase keeps
 * moving away from where the slider started and towards where it ends.
 */
function notesTally(all: readonly number[][][]): string {
  let passing = 0;
  let moving = 0;
  let movingPassing = 0;
  for (const decodes of all) {
    const first = decodes.map((tokens) => noteDistance(decodes[0]!, tokens));
    const last = decodes.map((tokens) => noteDistance(decodes[decodes.length - 1]!, tokens));
    const ok = first.every((d, j) => j === 0 || d >= first[j - 1]! - 1e-12) && last.every((d, j) => j === 0 || d <= last[j - 1]! + 1e-12);
    if (ok) passing += 1;
    if (changes(decodes)) {
      moving += 1;
      if (ok) movingPassing += 1;
    }
  }
  return `${passing} of ${all.length} keep moving away from −2 and towards +2; of the ${moving} that change the phrase, ${movingPassing} (${((100 * movingPassing) / Math.max(1, moving)).toFixed(0)} %)`;
}

/** Where a line read-back looks: the panel's whole range (±3 spreads) at the panel's step (0.1). */
const LINE = Array.from({ length: 61 }, (_, i) => -3 + i / 10);

/** One phrase's teacher-forced cross-entropy (nats, summed over its tokens) at each latent: vae.ts's decoder forward, one run. */
function phraseLosses(vae: PhraseVae, pool: BufferPool, tokens: readonly number[], latents: readonly Float32Array[]): number[] {
  const { vocab: V, latent: Z } = vae.config;
  const B = latents.length;
  const { T, ids: packedIds } = packTokens(pool, latents.map(() => tokens), 'line.packed');
  const N = (T - 1) * B;
  const z = new Float32Array(B * Z);
  latents.forEach((latent, b) => z.set(latent, b * Z));
  const state = initialState(vae, pool, z, B);
  const { logits } = decoderForward(vae, pool, packedIds.slice(0, N), T - 1, B, z, state.h0, state.c0);
  const losses = new Array<number>(B).fill(0);
  for (let n = 0; n < N; n++) {
    const target = packedIds[B + n]!;
    if (target === PAD) continue;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[n * V + v]!);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[n * V + v]! - max);
    losses[n % B] = losses[n % B]! + Math.log(sum) + max - logits[n * V + target]!;
  }
  return losses;
}

/**
 * Each decode read back along its own sweep's line (the other sliders where the phrase sits):
 * the slider position in LINE where the decoder finds the phrase likeliest.
 */
function lineReadings(vae: PhraseVae, space: LatentSpace, base: Float32Array, slider: number, decodes: readonly number[][]): number[] {
  const at = sliderPosition(space, base);
  const line = LINE.map((value) => sliderLatent(space, base, at.map((p, j) => (j === slider ? value : p))));
  const pool = new BufferPool();
  return readOnce(decodes, (unique) =>
    unique.map((tokens) => {
      const losses = phraseLosses(vae, pool, tokens, line);
      const best = losses.reduce((b, loss, i) => (loss < losses[b]! ? i : b), 0);
      return Float32Array.of(LINE[best]!);
    }),
  ).map((reading) => reading[0]!);
}

/** Sweeps that come back to a phrase they had left (A, B, A): none means every change is to a new phrase. */
function revisits(all: readonly number[][][]): number {
  return all.filter((decodes) => {
    const runs = decodes.map((tokens) => tokens.join()).filter((key, j, keys) => j === 0 || key !== keys[j - 1]);
    return new Set(runs).size < runs.length;
  }).length;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: vary-beam.js <model.ckpt> [bars] [judged phrases] [width]');
  const bars = Number(process.argv[3] ?? 2);
  const judged = Number(process.argv[4] ?? 5);
  const width = Number(process.argv[5] ?? 4);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a checkout
  }
  line(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}; node ${process.version}; commit ${commit}`);
  line(`model ${file}, ${bars}-bar phrases; beam width ${width}`);
  const ops = loadNativeAddon().sequence;
  const vae = (await loadVae(ops, file)).vae;
  const phrases = generateCorpus({ seed: '1' }).flatMap((piece) => cutPhrases(piece.music, bars, piece.name));
  const split = splitPhrases(phrases, { seed: '5', heldOutFraction: 0.25 });
  const space = fitLatentSpace(encodeMean(vae, split.train.map(phraseTokens)));
  const swept = Number(process.env['BEAM_PHRASES'] ?? split.heldOut.length);
  const heldOut = split.heldOut.slice(0, swept);
  const bases = refineLatents(vae, heldOut.map(phraseTokens));
  const options = (phrase: Phrase) => ({ maxTokens: phrase.bars * DECODE_TOKENS_PER_BAR, lengthSteps: stepsOf(phrase.toBeats - phrase.fromBeats) });
  const decoders: [string, Decoder][] = [
    ['greedy', (latents, phrase) => decodeGreedy(vae, latents, options(phrase))],
    [`beam ${width}`, (latents, phrase) => decodeBeam(vae, latents, width, options(phrase))],
  ];
  for (const [name, decoder] of decoders) {
    const started = performance.now();
    const reconstructed = bases.map((base, p) => decode(decoder([base], heldOut[p]!)[0]!));
    let matched = 0;
    let predicted = 0;
    let actual = 0;
    reconstructed.forEach((notes, p) => {
      const reference = decode(phraseTokens(heldOut[p]!));
      matched += matchedNotes(notes, reference);
      predicted += notes.length;
      actual += reference.length;
    });
    const all = bases.flatMap((base, p) => sweeps(space, base, heldOut[p]!, decoder));
    const seconds = (performance.now() - started) / 1000;
    line(`${name}: held-out F1 from the refined latents ${((2 * matched) / (predicted + actual)).toFixed(3)}; ${((1000 * seconds) / (all.length * SETTINGS.length + bases.length)).toFixed(1)} ms a decode`);
    const sliderOf = (k: number): number => k % space.directions.length;
    const mu = all.map((decodes, k) => readOnce(decodes, (unique) => encodeMean(vae, unique)).map((z) => sliderPosition(space, z)[sliderOf(k)]!));
    line(`  read back by mu, ${bases.length} phrases: ${tally(all, mu)}`);
    line(`  read by their notes, ${bases.length} phrases: ${notesTally(all)}; ${revisits(all)} sweeps come back to a phrase they left`);
    const lineStarted = performance.now();
    const along = all.map((decodes, k) => lineReadings(vae, space, bases[Math.floor(k / space.directions.length)]!, sliderOf(k), decodes));
    line(`  read back along the slider's own line, ${bases.length} phrases (${((performance.now() - lineStarted) / 1000).toFixed(0)} s): ${tally(all, along)}`);
    const count = Math.min(judged, bases.length) * space.directions.length;
    const judgedSweeps = all.slice(0, count);
    const refined = judgedSweeps.map((decodes, k) => readOnce(decodes, (unique) => refineLatents(vae, unique)).map((z) => sliderPosition(space, z)[sliderOf(k)]!));
    line(`  read back by refinement, first ${count / space.directions.length} phrases: ${tally(judgedSweeps, refined)}`);
  }
  // As the app decodes a take (onnxruntime, one latent at a time): greedy against the beam.
  const folder = mkdtempSync(path.join(tmpdir(), 'eureka-vary-beam-'));
  try {
    await exportVaeOnnx(vae, folder);
    const runtime = await PhraseVaeRuntime.open(folder);
    const timed = async (run: (z: Float32Array) => Promise<number[]>): Promise<number> => {
      const started = performance.now();
      for (const base of bases) await run(base);
      return (performance.now() - started) / bases.length;
    };
    const greedyMs = await timed((z) => runtime.decode(z, bars, 0, '1'));
    const beamMs = await timed((z) => runtime.decodeBeam(z, bars, width));
    line(`onnxruntime, a take's decode from a refined latent: greedy ${greedyMs.toFixed(1)} ms, beam ${width} ${beamMs.toFixed(1)} ms (${(beamMs / greedyMs).toFixed(2)}×)`);
    await runtime.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
