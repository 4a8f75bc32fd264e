/**
 * Bench: the `vary` model (services/phrase-models/vae.ts, an LSTM VAE) on the generated test
 * corpus, with the data and split of lm-vs-markov.ts: seed 1, phrases of N bars (4 unless
 * told), a quarter of the pieces held out with split seed 5. Trains a preset for a time budget (steps from the measured
 * seconds per step), then measures on the held-out phrases:
 * - reconstruction: each encoded to its mean latent, decoded greedily; note F1 (a note matches
 *   when pitch and onset step are equal), precision and recall micro-averaged (vae-eval.ts);
 * - the sliders (latent-space.ts, fitted on the training phrases' mean latents): for each of
 *   the 20, a held-out phrase's latent set to −2, −1, 0, 1, 2 on that slider, decoded greedily
 *   and encoded again: its position on the slider must not decrease along the five (the
 *   slider is monotonic), and the Spearman correlation of set and measured positions is
 *   printed. Done for every held-out phrase; the first held-out phrase's count is the headline.
 * The held-out F1 is also printed every tenth of the run (it never steers training). A fourth
 * argument is the phrase length in bars; a fifth, JSON, overrides schedule settings of the
 * preset (under "config", its architecture; "steps", a number of steps in place of the budget's)
 * for a tuning run.
 *   npx tsc -p tsconfig.node.json && npm run bench:vary [-- preset seconds seed bars overrides]
 *   (defaults: quick 300 1 4; e.g. -- quick 150 1 2 '{"beta":0.25,"config":{"decoderHidden":256}}')
 * Also prints F1 up to transposition (each decode compared in its best key), to tell a wrong
 * key from a wrong phrase. Writes test-output/bench/phrases/vary-vae.json and the trained model
 * (vary-vae.ckpt); figures go in test/bench/RESULTS.md with
 * machine, commit and command.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { fitLatentSpace, sliderLatent, sliderPosition } from '../../../src-main/services/phrase-models/latent-space.js';
import { decodeGreedy, encodeMean, type PhraseVae } from '../../../src-main/services/phrase-models/vae.js';
import { DECODE_TOKENS_PER_BAR, matchedNotes, reconstructPhrases, reconstructionF1 } from '../../../src-main/services/phrase-models/vae-eval.js';
import { saveVae } from '../../../src-main/services/phrase-models/vae-checkpoint.js';
import { VAE_PRESETS, VAE_PRESET_NAMES, measureVaeSecondsPerStep, stepsForBudget, type VaePresetName } from '../../../src-main/services/phrase-models/vae-presets.js';
import { trainVae } from '../../../src-main/services/phrase-models/vae-train.js';
import { generateCorpus } from '../../../src-main/services/phrases/corpus.js';
import { cutPhrases, phraseTokens, splitPhrases, type Phrase } from '../../../src-main/services/phrases/phrases.js';
import { EOS, decode, stepsOf } from '../../../src-main/services/phrases/tokens.js';

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const line = (text: string): void => void process.stdout.write(`${text}\n`);

/** Spearman's rank correlation (ties get their mean rank); 0 when either side is constant. */
function spearman(a: readonly number[], b: readonly number[]): number {
  const ranks = (values: readonly number[]): number[] => {
    const order = values.map((value, i) => ({ value, i })).sort((x, y) => x.value - y.value);
    const out = new Array<number>(values.length);
    for (let k = 0; k < order.length; ) {
      let end = k;
      while (end + 1 < order.length && order[end + 1]!.value === order[k]!.value) end += 1;
      for (let j = k; j <= end; j++) out[order[j]!.i] = (k + end) / 2;
      k = end + 1;
    }
    return out;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

/**
 * F1 as vae-eval.ts counts it, but each phrase's decode compared in the transposition (within
 * an octave either way) that matches it best: how much of the miss is a right phrase in a wrong key.
 */
function f1UpToTransposition(vae: PhraseVae, phrases: readonly Phrase[]): number {
  const decoded = reconstructPhrases(vae, phrases);
  let matched = 0;
  let predicted = 0;
  let actual = 0;
  phrases.forEach((phrase, i) => {
    const reference = decode(phraseTokens(phrase));
    let best = 0;
    for (let shift = -12; shift <= 12; shift++) best = Math.max(best, matchedNotes(decoded[i]!.map((note) => ({ ...note, pitch: note.pitch + shift })), reference));
    matched += best;
    predicted += decoded[i]!.length;
    actual += reference.length;
  });
  return predicted === 0 || actual === 0 || matched === 0 ? 0 : (2 * matched) / (predicted + actual);
}

const SETTINGS = [-2, -1, 0, 1, 2];

interface SliderCheck {
  slider: number;
  measured: number[];
  monotonic: boolean;
  /** Whether the five decodes were one and the same phrase (monotonic trivially). */
  unchanged: boolean;
  spearman: number;
}

/** Each slider of `base` moved through SETTINGS, decoded, encoded again and measured on that slider. */
function checkSliders(vae: PhraseVae, space: ReturnType<typeof fitLatentSpace>, base: Float32Array, phrase: Phrase): SliderCheck[] {
  const lengthSteps = stepsOf(phrase.toBeats - phrase.fromBeats);
  const start = sliderPosition(space, base);
  return space.directions.map((_, i) => {
    const latents = SETTINGS.map((value) => sliderLatent(space, base, start.map((p, j) => (j === i ? value : p))));
    const decoded = decodeGreedy(vae, latents, { maxTokens: phrase.bars * DECODE_TOKENS_PER_BAR, lengthSteps }).map((tokens) => (tokens[tokens.length - 1] === EOS ? tokens : [...tokens, EOS]));
    const measured = encodeMean(vae, decoded).map((z) => sliderPosition(space, z)[i]!);
    const monotonic = measured.every((value, k) => k === 0 || value >= measured[k - 1]!);
    const unchanged = decoded.every((tokens) => tokens.join() === decoded[0]!.join());
    return { slider: i + 1, measured, monotonic, unchanged, spearman: spearman(SETTINGS, measured) };
  });
}

async function main(): Promise<void> {
  const presetName = (process.argv[2] ?? 'quick') as VaePresetName;
  if (!VAE_PRESET_NAMES.includes(presetName)) throw new Error(`preset: one of ${VAE_PRESET_NAMES.join(', ')}`);
  const seconds = Number(process.argv[3] ?? 300);
  if (!(seconds > 0)) throw new Error('seconds: a number above 0');
  const seed = process.argv[4] ?? '1';
  const bars = Number(process.argv[5] ?? 4);
  if (!Number.isInteger(bars) || bars < 2 || bars > 16) throw new Error('bars: a whole number in 2..16');
  const { config: configOverrides, steps: fixedSteps, ...overrides } = JSON.parse(process.argv[6] ?? '{}') as Partial<typeof VAE_PRESETS.quick.schedule> & {
    config?: Partial<typeof VAE_PRESETS.quick.config>;
    steps?: number;
  };
  const base = VAE_PRESETS[presetName];
  const preset = { ...base, config: { ...base.config, ...configOverrides }, schedule: { ...base.schedule, ...overrides } };
  line(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}; node ${process.version}; commit ${commit()}`);

  const phrases = generateCorpus({ seed: '1' }).flatMap((piece) => cutPhrases(piece.music, bars, piece.name));
  const split = splitPhrases(phrases, { seed: '5', heldOutFraction: 0.25 });
  line(`corpus: ${bars}-bar phrases, ${split.train.length} training phrases, ${split.heldOut.length} held out (${split.heldOutSources.length} pieces)`);

  const ops = loadNativeAddon().sequence;
  const secondsPerStep = measureVaeSecondsPerStep(ops, preset, split.train);
  // A fixed number of steps (overrides "steps") compares settings on a machine whose load changes.
  const steps = fixedSteps ?? stepsForBudget(seconds, secondsPerStep);
  const { config: c, schedule: s } = preset;
  line(
    `VAE ${presetName} (E ${c.embedding}, encoder ${c.encoderLayers}×${c.encoderHidden}, Z ${c.latent}, decoder ${c.decoderLayers}×${c.decoderHidden}; ` +
      `B ${s.lanes}, lr ${s.learningRate}, β ${s.beta}, warm-up ${s.klWarmup}, free bits ${s.freeBits}, word dropout ${s.wordDropout}): ` +
      `${(secondsPerStep * 1000).toFixed(1)} ms a step, ${steps} steps in ${seconds} s, seed ${seed}`,
  );
  const curve: { step: number; epoch: number; loss: number; reconstruction: number; kl: number; f1: number }[] = [];
  const every = Math.max(1, Math.round(steps / 10));
  let trainSeconds = 0;
  const result = trainVae(
    { ops, config: c, schedule: { ...s, steps }, train: split.train, seed, progressEvery: every },
    (progress) => {
      trainSeconds = progress.seconds;
      const f1 = reconstructionF1(progress.vae, split.heldOut).f1;
      curve.push({ step: progress.step, epoch: progress.epoch, loss: progress.loss, reconstruction: progress.reconstruction, kl: progress.kl, f1 });
      line(
        `  step ${progress.step}/${progress.steps} (epoch ${progress.epoch}, ${progress.seconds.toFixed(0)} s): loss ${progress.loss.toFixed(3)}, ` +
          `cross-entropy ${progress.reconstruction.toFixed(3)}, KL ${progress.kl.toFixed(1)} nats, held-out F1 ${f1.toFixed(3)}`,
      );
    },
  );
  const vae = result.state.vae;
  const heldOut = reconstructionF1(vae, split.heldOut);
  const train = reconstructionF1(vae, split.train);
  line(`reconstruction, held out: F1 ${heldOut.f1.toFixed(3)} (precision ${heldOut.precision.toFixed(3)}, recall ${heldOut.recall.toFixed(3)}, ${heldOut.phrases} phrases)`);
  line(`reconstruction, training: F1 ${train.f1.toFixed(3)} (precision ${train.precision.toFixed(3)}, recall ${train.recall.toFixed(3)})`);
  const transposedF1 = { heldOut: f1UpToTransposition(vae, split.heldOut), train: f1UpToTransposition(vae, split.train) };
  line(`F1 up to transposition (each decode in its best key): held out ${transposedF1.heldOut.toFixed(3)}, training ${transposedF1.train.toFixed(3)}`);
  line(heldOut.f1 >= 0.8 ? 'Held-out F1 reaches 0.8.' : 'Held-out F1 does NOT reach 0.8.');

  const trainLatents = encodeMean(vae, split.train.map(phraseTokens));
  const space = fitLatentSpace(trainLatents);
  line(`sliders: spreads ${space.spreads.map((v) => v.toFixed(2)).join(' ')}; variance explained by 20: ${(100 * space.explained.reduce((a, b) => a + b, 0)).toFixed(1)} %`);
  const heldOutLatents = encodeMean(vae, split.heldOut.map(phraseTokens));
  const perPhrase = heldOutLatents.map((base, i) => checkSliders(vae, space, base, split.heldOut[i]!));
  const first = perPhrase[0]!;
  for (const check of first) {
    line(`  slider ${check.slider}: measured ${check.measured.map((v) => v.toFixed(2)).join(' ')}; ${check.monotonic ? 'monotonic' : 'NOT monotonic'}${check.unchanged ? ' (decodes unchanged)' : ''}, Spearman ${check.spearman.toFixed(2)}`);
  }
  const firstPassing = first.filter((check) => check.monotonic).length;
  const allChecks = perPhrase.flat();
  const allPassing = allChecks.filter((check) => check.monotonic).length;
  const meanSpearman = allChecks.reduce((sum, check) => sum + check.spearman, 0) / allChecks.length;
  const unchanged = allChecks.filter((check) => check.unchanged).length;
  line(`sliders monotonic on the first held-out phrase: ${firstPassing} of 20 (mean Spearman ${(first.reduce((s2, c2) => s2 + c2.spearman, 0) / 20).toFixed(2)})`);
  line(`sliders monotonic over all ${perPhrase.length} held-out phrases: ${allPassing} of ${allChecks.length} (${unchanged} with all five decodes the same), mean Spearman ${meanSpearman.toFixed(2)}`);

  const out = path.join('test-output', 'bench', 'phrases');
  mkdirSync(out, { recursive: true });
  const report = {
    commit: commit(), preset: presetName, config: c, schedule: s, bars, seconds, seed, secondsPerStep, steps, trainSeconds, heldOut, train, transposedF1, curve,
    kl: curve[curve.length - 1]?.kl, spreads: space.spreads, explained: space.explained,
    sliders: { first, firstPassing, allPassing, allChecks: allChecks.length, unchanged, meanSpearman },
  };
  writeFileSync(path.join(out, 'vary-vae.json'), `${JSON.stringify(report, null, 2)}\n`);
  await saveVae(path.join(out, 'vary-vae.ckpt'), vae, null, { preset: presetName, seed, steps });
  line(`written ${path.join(out, 'vary-vae.json')} and vary-vae.ckpt`);
}

await main();
