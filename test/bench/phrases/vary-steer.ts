/**
 * Bench: steady sliders (services/phrase-models/slider-steering.ts) on a `vary` model that
 * vary-vae.ts trained and saved, on vary-vae.ts's data and split. From each held-out phrase's
 * refined latent (where the app starts), each of the 20 sliders is set to −2, −1, 0, 1, 2 (the
 * others where the phrase sits) and decoded twice: plainly (the latent at those positions, as
 * before) and steered. Each decode is read back on that slider, and a slider passes when the
 * five read-backs never go down (vary-vae.ts's check). Two read-backs:
 * - mu (the encoder's mean): what steering itself aims at, so its figure flatters steering;
 * - refinement (vae-refine.ts, 200 Adam steps on z through the decoder), which steering never
 *   sees: the honest judge, run on the first few phrases (it is slow).
 * Also: how many sweeps change the phrase at all, how many steered decodes differ from the plain
 * one, the rounds a steered decode took and its time (batch 1, as the app decodes).
 *   npm run build:node && node out/node/test/bench/phrases/vary-steer.js <model.ckpt> [bars] [judged phrases] [steering JSON]
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { fitLatentSpace, sliderLatent, sliderPosition, type LatentSpace } from '../../../src-main/services/phrase-models/latent-space.js';
import { STEERING, steerSliders, type SteeringCodec, type SteeringOptions } from '../../../src-main/services/phrase-models/slider-steering.js';
import { loadVae } from '../../../src-main/services/phrase-models/vae-checkpoint.js';
import { decodeGreedy } from '../../../src-main/services/phrase-models/vae-decode.js';
import { DECODE_TOKENS_PER_BAR } from '../../../src-main/services/phrase-models/vae-eval.js';
import { refineLatents } from '../../../src-main/services/phrase-models/vae-refine.js';
import { encodeMean, type PhraseVae } from '../../../src-main/services/phrase-models/vae.js';
import { generateCorpus } from '../../../src-main/services/phrases/corpus.js';
import { cutPhrases, phraseTokens, splitPhrases, type Phrase } from '../../../src-main/services/phrases/phrases.js';
import { EOS, stepsOf } from '../../../src-main/services/phrases/tokens.js';

const line = (text: string): void => void process.stdout.write(`${text}\n`);
const SETTINGS = [-2, -1, 0, 1, 2];

interface Sweep {
  /** The five decodes, BOS..EOS. */
  decodes: number[][];
  /** Steered decodes: rounds each took. */
  rounds: number[];
}

/** The five decodes of slider `i` from `base`, plainly or steered. */
async function sweep(vae: PhraseVae, space: LatentSpace, base: Float32Array, phrase: Phrase, i: number, steering: SteeringOptions | null): Promise<Sweep> {
  const lengthSteps = stepsOf(phrase.toBeats - phrase.fromBeats);
  const decodeOne = (latent: Float32Array): number[] => {
    const tokens = decodeGreedy(vae, [latent], { maxTokens: phrase.bars * DECODE_TOKENS_PER_BAR, lengthSteps })[0]!;
    return tokens[tokens.length - 1] === EOS ? tokens : [...tokens, EOS];
  };
  const codec: SteeringCodec = {
    decode: (latent) => Promise.resolve(decodeOne(latent)),
    encode: (tokens) => Promise.resolve(encodeMean(vae, [tokens])[0]!),
  };
  const at = sliderPosition(space, base);
  const decodes: number[][] = [];
  const rounds: number[] = [];
  for (const value of SETTINGS) {
    const sliders = at.map((p, j) => (j === i ? value : p));
    if (steering === null) {
      decodes.push(decodeOne(sliderLatent(space, base, sliders)));
    } else {
      const steered = await steerSliders(space, base, sliders, codec, steering);
      decodes.push(steered.tokens);
      rounds.push(steered.rounds);
    }
  }
  return { decodes, rounds };
}

const monotonic = (values: readonly number[]): boolean => values.every((value, k) => k === 0 || value >= values[k - 1]!);
const unchanged = (decodes: readonly number[][]): boolean => decodes.every((tokens) => tokens.join() === decodes[0]!.join());

interface Tally {
  passing: number;
  moving: number;
  movingPassing: number;
  checks: number;
}

function tallyOf(sweeps: readonly Sweep[], readings: readonly number[][]): Tally {
  const tally: Tally = { passing: 0, moving: 0, movingPassing: 0, checks: sweeps.length };
  sweeps.forEach((s, k) => {
    const ok = monotonic(readings[k]!);
    if (ok) tally.passing += 1;
    if (!unchanged(s.decodes)) {
      tally.moving += 1;
      if (ok) tally.movingPassing += 1;
    }
  });
  return tally;
}

/**
 * Each distinct decode read once: the same phrase at two settings has one reading. (Read in one
 * batch, two copies of a phrase can differ in the last float bits, a batch lane's sums running
 * in another order, which the check would count as a step back.)
 */
function readOnce(decodes: readonly number[][], read: (unique: number[][]) => Float32Array[]): Float32Array[] {
  const keys = decodes.map((tokens) => tokens.join());
  const unique = [...new Set(keys)];
  const readings = read(unique.map((key) => decodes[keys.indexOf(key)]!));
  return keys.map((key) => readings[unique.indexOf(key)]!);
}

/** The largest step back in each sweep's readings (0 for a monotonic one), counted by size. */
function stepsBack(readings: readonly number[][]): string {
  const worst = readings.map((values) => values.reduce((most, value, k) => (k === 0 ? most : Math.max(most, values[k - 1]! - value)), 0));
  const bands = [0.05, 0.1, 0.25, 0.5, Infinity];
  const counts = bands.map((band, b) => worst.filter((w) => w > (b === 0 ? 0 : bands[b - 1]!) && w <= band).length);
  return `steps back ≤0.05: ${counts[0]}, ≤0.1: ${counts[1]}, ≤0.25: ${counts[2]}, ≤0.5: ${counts[3]}, larger: ${counts[4]}`;
}

const describe = (t: Tally): string => `${t.passing} of ${t.checks} monotonic; of the ${t.moving} that change the phrase, ${t.movingPassing} (${((100 * t.movingPassing) / Math.max(1, t.moving)).toFixed(0)} %)`;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: vary-steer.js <model.ckpt> [bars] [judged phrases] [steering JSON]');
  const bars = Number(process.argv[3] ?? 2);
  const judged = Number(process.argv[4] ?? 5);
  const steering: SteeringOptions = { ...STEERING, ...(JSON.parse(process.argv[5] ?? '{}') as Partial<SteeringOptions>) };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a checkout
  }
  line(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}; node ${process.version}; commit ${commit}`);
  line(`model ${file}, ${bars}-bar phrases; steering ${JSON.stringify(steering)}`);
  const ops = loadNativeAddon().sequence;
  const vae = (await loadVae(ops, file)).vae;
  const phrases = generateCorpus({ seed: '1' }).flatMap((piece) => cutPhrases(piece.music, bars, piece.name));
  const split = splitPhrases(phrases, { seed: '5', heldOutFraction: 0.25 });
  const space = fitLatentSpace(encodeMean(vae, split.train.map(phraseTokens)));
  const swept = Number(process.env['STEER_PHRASES'] ?? split.heldOut.length);
  const bases = refineLatents(vae, split.heldOut.slice(0, swept).map(phraseTokens));

  const plain: Sweep[] = [];
  const steered: Sweep[] = [];
  let steerSeconds = 0;
  for (const [p, base] of bases.entries()) {
    for (let i = 0; i < space.directions.length; i++) {
      plain.push(await sweep(vae, space, base, split.heldOut[p]!, i, null));
      const started = performance.now();
      steered.push(await sweep(vae, space, base, split.heldOut[p]!, i, steering));
      steerSeconds += (performance.now() - started) / 1000;
    }
    process.stderr.write(`  phrase ${p + 1} of ${bases.length} swept (${steerSeconds.toFixed(0)} s steering)\n`);
  }
  const sliderOf = (k: number): number => k % space.directions.length;
  const readMu = (sweeps: readonly Sweep[]): number[][] => sweeps.map((s, k) => readOnce(s.decodes, (unique) => encodeMean(vae, unique)).map((z) => sliderPosition(space, z)[sliderOf(k)]!));
  const differing = steered.reduce((sum, s, k) => sum + s.decodes.filter((tokens, j) => tokens.join() !== plain[k]!.decodes[j]!.join()).length, 0);
  const rounds = steered.flatMap((s) => s.rounds);
  line(`held out: ${bases.length} phrases × 20 sliders; ${steered.length * SETTINGS.length} steered decodes, ${differing} differ from the plain decode; rounds mean ${(rounds.reduce((a, b) => a + b, 0) / rounds.length).toFixed(2)}, ${((1000 * steerSeconds) / rounds.length).toFixed(1)} ms a steered decode`);
  const [plainMu, steeredMu] = [readMu(plain), readMu(steered)];
  line(`read back by mu — plain: ${describe(tallyOf(plain, plainMu))}; ${stepsBack(plainMu)}`);
  line(`read back by mu — steered: ${describe(tallyOf(steered, steeredMu))}; ${stepsBack(steeredMu)}`);
  const count = Math.min(judged, bases.length) * space.directions.length;
  const readRefined = (sweeps: readonly Sweep[]): number[][] => sweeps.slice(0, count).map((s, k) => readOnce(s.decodes, (unique) => refineLatents(vae, unique)).map((z) => sliderPosition(space, z)[sliderOf(k)]!));
  const [plainRefined, steeredRefined] = [readRefined(plain), readRefined(steered)];
  line(`read back by refinement, first ${count / space.directions.length} phrases — plain: ${describe(tallyOf(plain.slice(0, count), plainRefined))}; ${stepsBack(plainRefined)}`);
  line(`read back by refinement, first ${count / space.directions.length} phrases — steered: ${describe(tallyOf(steered.slice(0, count), steeredRefined))}; ${stepsBack(steeredRefined)}`);
}

await main();
