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
 * key from a wrong phrase, and the held-out F1 and slider checks from latents refined
 * (vae-refine.ts: mu, then Adam steps on z through the decoder; "refine" overrides its
 * settings), the decodes re-encoded from mu, and for the first 5 phrases by refinement too.
 * Other overrides: "sliderSpace": "refined" (the sliders fitted on the training phrases' refined
 * latents, not their mu), "pieces" (more generated pieces, all to training; the held-out set stays),
 * "shiftedWindows" (the schedule's), "load" (a saved vary-vae.ckpt measured, not trained),
 * "arch": "transformer" (the VAE-Transformer variant instead, with "steps" and the preset's
 * schedule; "transformer" overrides its architecture: vary-transformer.ts).
 * VARY_BENCH_OUT=<folder> writes the outputs there instead (parallel runs). Writes test-output/bench/phrases/vary-vae.json and the trained model
 * (vary-vae.ckpt); figures go in test/bench/RESULTS.md with
 * machine, commit and command.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { fitLatentSpace, sliderLatent, sliderPosition } from '../../../src-main/services/phrase-models/latent-space.js';
import { encodeMean, vaeLayout, type PhraseVae } from '../../../src-main/services/phrase-models/vae.js';
import { decodeGreedy } from '../../../src-main/services/phrase-models/vae-decode.js';
import { DECODE_TOKENS_PER_BAR, matchedNotes, reconstructPhrases, reconstructionF1 } from '../../../src-main/services/phrase-models/vae-eval.js';
import { loadVae, saveVae } from '../../../src-main/services/phrase-models/vae-checkpoint.js';
import { VAE_PRESETS, VAE_PRESET_NAMES, measureVaeSecondsPerStep, stepsForBudget, type VaePresetName } from '../../../src-main/services/phrase-models/vae-presets.js';
import { refineLatents, type RefineOptions } from '../../../src-main/services/phrase-models/vae-refine.js';
import { trainVae } from '../../../src-main/services/phrase-models/vae-train.js';
import { generateCorpus } from '../../../src-main/services/phrases/corpus.js';
import { cutPhrases, phraseTokens, splitPhrases, type Phrase } from '../../../src-main/services/phrases/phrases.js';
import { EOS, decode, stepsOf } from '../../../src-main/services/phrases/tokens.js';
import { benchTransformer } from './vary-transformer.js';
import type { TransformerVaeConfig } from '../../../src-main/services/phrase-models/transformer-vae.js';

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
/** Held-out phrases whose slider checks re-encode by refinement (slow: 100 refinements a phrase). */
const REENCODE_PHRASES = 5;

interface SliderCheck {
  slider: number;
  measured: number[];
  monotonic: boolean;
  /** Whether the five decodes were one and the same phrase (monotonic trivially). */
  unchanged: boolean;
  spearman: number;
}

/** Each slider of `base` moved through SETTINGS, decoded, encoded again and measured on that slider. */
function checkSliders(vae: PhraseVae, space: ReturnType<typeof fitLatentSpace>, base: Float32Array, phrase: Phrase, reencode: (tokens: number[][]) => Float32Array[] = (tokens) => encodeMean(vae, tokens)): SliderCheck[] {
  const lengthSteps = stepsOf(phrase.toBeats - phrase.fromBeats);
  const start = sliderPosition(space, base);
  return space.directions.map((_, i) => {
    const latents = SETTINGS.map((value) => sliderLatent(space, base, start.map((p, j) => (j === i ? value : p))));
    const decoded = decodeGreedy(vae, latents, { maxTokens: phrase.bars * DECODE_TOKENS_PER_BAR, lengthSteps }).map((tokens) => (tokens[tokens.length - 1] === EOS ? tokens : [...tokens, EOS]));
    const measured = reencode(decoded).map((z) => sliderPosition(space, z)[i]!);
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
  const { config: configOverrides, steps: fixedSteps, pieces, refine: refineSettings, load, arch, transformer, sliderSpace, ...overrides } = JSON.parse(process.argv[6] ?? '{}') as Partial<typeof VAE_PRESETS.quick.schedule> & {
    /** "transformer": the VAE-Transformer variant (vary-transformer.ts) on the same data and schedule. */
    arch?: 'lstm' | 'transformer';
    /** The VAE-Transformer's architecture, over vary-transformer.ts's. */
    transformer?: Partial<TransformerVaeConfig>;
    config?: Partial<typeof VAE_PRESETS.quick.config>;
    steps?: number;
    /** More pieces of the same generator (the first 36 are the usual corpus): the extra ones all go to training, the held-out set stays the same. */
    pieces?: number;
    /** A model saved by an earlier run (its vary-vae.ckpt): measured as it is, not trained. */
    load?: string;
    /** Latent refinement (vae-refine.ts) measured after training; default its defaults. */
    refine?: RefineOptions;
    /** "refined": the sliders fitted on the training phrases' refined latents, not their mu. */
    sliderSpace?: 'mu' | 'refined';
  };
  const base = VAE_PRESETS[presetName];
  const preset = { ...base, config: { ...base.config, ...configOverrides }, schedule: { ...base.schedule, ...overrides } };
  line(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}; node ${process.version}; commit ${commit()}`);

  const corpus = generateCorpus({ seed: '1', pieces: Math.max(36, pieces ?? 36) });
  const phrases = corpus.slice(0, 36).flatMap((piece) => cutPhrases(piece.music, bars, piece.name));
  const usual = splitPhrases(phrases, { seed: '5', heldOutFraction: 0.25 });
  const extra = corpus.slice(36).flatMap((piece) => cutPhrases(piece.music, bars, piece.name));
  const split = { ...usual, train: [...usual.train, ...extra] };
  const corpusBars = corpus.reduce((sum, piece) => sum + piece.bars, 0);
  line(`corpus: ${corpus.length} pieces, ${corpusBars} bars`);
  line(`corpus: ${bars}-bar phrases, ${split.train.length} training phrases, ${split.heldOut.length} held out (${split.heldOutSources.length} pieces)`);

  const ops = loadNativeAddon().sequence;
  const out = process.env['VARY_BENCH_OUT'] ?? path.join('test-output', 'bench', 'phrases');
  if (arch === 'transformer') {
    if (fixedSteps === undefined) throw new Error('"arch": "transformer" takes "steps": its figures are compared with the LSTM\'s at fixed steps.');
    mkdirSync(out, { recursive: true });
    benchTransformer({
      ops, split, schedule: preset.schedule, steps: fixedSteps, seed, bars, overrides: transformer ?? {}, refine: refineSettings ?? {}, reports: 5, out, commit: commit(), line,
    });
    return;
  }
  const secondsPerStep = measureVaeSecondsPerStep(ops, preset, split.train);
  // A fixed number of steps (overrides "steps") compares settings on a machine whose load changes.
  const steps = fixedSteps ?? stepsForBudget(seconds, secondsPerStep);
  const { config: c, schedule: s } = preset;
  line(
    `VAE ${presetName} (E ${c.embedding}, encoder ${c.encoderLayers}×${c.encoderHidden}, Z ${c.latent}, decoder ${c.decoderLayers}×${c.decoderHidden}; ` +
      `${vaeLayout(ops, c).total} parameters; B ${s.lanes}, lr ${s.learningRate}, β ${s.beta}, warm-up ${s.klWarmup}, free bits ${s.freeBits}, word dropout ${s.wordDropout}${s.shiftedWindows ? ", shifted windows" : ""}): ` +
      `${(secondsPerStep * 1000).toFixed(1)} ms a step, ${steps} steps in ${seconds} s, seed ${seed}`,
  );
  const curve: { step: number; epoch: number; loss: number; reconstruction: number; kl: number; f1: number }[] = [];
  const every = Math.max(1, Math.round(steps / 10));
  let trainSeconds = 0;
  const vae = load ? (await loadVae(ops, load)).vae : trainVae(
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
  ).state.vae;
  if (load) line(`model loaded from ${load}, not trained`);
  const heldOut = reconstructionF1(vae, split.heldOut);
  const train = reconstructionF1(vae, split.train);
  line(`reconstruction, held out: F1 ${heldOut.f1.toFixed(3)} (precision ${heldOut.precision.toFixed(3)}, recall ${heldOut.recall.toFixed(3)}, ${heldOut.phrases} phrases)`);
  line(`reconstruction, training: F1 ${train.f1.toFixed(3)} (precision ${train.precision.toFixed(3)}, recall ${train.recall.toFixed(3)})`);
  const transposedF1 = { heldOut: f1UpToTransposition(vae, split.heldOut), train: f1UpToTransposition(vae, split.train) };
  line(`F1 up to transposition (each decode in its best key): held out ${transposedF1.heldOut.toFixed(3)}, training ${transposedF1.train.toFixed(3)}`);
  line(heldOut.f1 >= 0.8 ? 'Held-out F1 reaches 0.8.' : 'Held-out F1 does NOT reach 0.8.');
  const refineStarted = performance.now();
  const refinedLatents = refineLatents(vae, split.heldOut.map(phraseTokens), refineSettings ?? {});
  const refineSeconds = (performance.now() - refineStarted) / 1000;
  const refined = reconstructionF1(vae, split.heldOut, refinedLatents);
  const norm = (zs: readonly Float32Array[]): number => zs.reduce((sum, z) => sum + Math.hypot(...z), 0) / zs.length;
  line(
    `reconstruction, held out, latents refined (${JSON.stringify(refineSettings ?? {})}, ${refineSeconds.toFixed(1)} s): F1 ${refined.f1.toFixed(3)} ` +
      `(precision ${refined.precision.toFixed(3)}, recall ${refined.recall.toFixed(3)}); mean |z| ${norm(refinedLatents).toFixed(2)} against mu's ${norm(encodeMean(vae, split.heldOut.map(phraseTokens))).toFixed(2)}`,
  );

  const trainLatents = sliderSpace === 'refined' ? refineLatents(vae, split.train.map(phraseTokens), refineSettings ?? {}) : encodeMean(vae, split.train.map(phraseTokens));
  if (sliderSpace === 'refined') line('sliders fitted on the training phrases\' refined latents');
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

  mkdirSync(out, { recursive: true });
  const refinedChecks = refinedLatents.map((base, i) => checkSliders(vae, space, base, split.heldOut[i]!));
  const refinedAll = refinedChecks.flat();
  line(
    `sliders from the refined latents: ${refinedChecks[0]!.filter((check) => check.monotonic).length} of 20 monotonic on the first held-out phrase, ` +
      `${refinedAll.filter((check) => check.monotonic).length} of ${refinedAll.length} over all (${refinedAll.filter((check) => check.unchanged).length} with all five decodes the same; on the first phrase ${refinedChecks[0]!.filter((check) => check.unchanged).length}), mean Spearman ${(refinedAll.reduce((sum, check) => sum + check.spearman, 0) / refinedAll.length).toFixed(2)}`,
  );
  // The same from the refined latents, each decode encoded again by refinement too (slow: the first few phrases).
  const refinedBoth = refinedLatents.slice(0, REENCODE_PHRASES).map((base, i) => checkSliders(vae, space, base, split.heldOut[i]!, (tokens) => refineLatents(vae, tokens, refineSettings ?? {})));
  const refinedBothAll = refinedBoth.flat();
  line(
    `sliders from the refined latents, decodes encoded again by refinement: ${refinedBoth[0]!.filter((check) => check.monotonic).length} of 20 monotonic on the first held-out phrase, ` +
      `${refinedBothAll.filter((check) => check.monotonic).length} of ${refinedBothAll.length} over the first ${refinedBoth.length}, mean Spearman ${(refinedBothAll.reduce((sum, check) => sum + check.spearman, 0) / refinedBothAll.length).toFixed(2)}`,
  );
  for (const check of refinedBoth[0]!) line(`  slider ${check.slider}: measured ${check.measured.map((v) => v.toFixed(2)).join(' ')}; ${check.monotonic ? 'monotonic' : 'NOT monotonic'}${check.unchanged ? ' (decodes unchanged)' : ''}`);
  const report = {
    commit: commit(), preset: presetName, config: c, schedule: s, bars, seconds, seed, secondsPerStep, steps, trainSeconds, heldOut, train, transposedF1, curve,
    kl: curve[curve.length - 1]?.kl, spreads: space.spreads, explained: space.explained,
    sliders: { first, firstPassing, allPassing, allChecks: allChecks.length, unchanged, meanSpearman },
    refined: { settings: refineSettings ?? {}, seconds: refineSeconds, ...refined, firstPassing: refinedChecks[0]!.filter((check) => check.monotonic).length, allPassing: refinedAll.filter((check) => check.monotonic).length,
      reencoded: { first: refinedBoth[0], firstPassing: refinedBoth[0]!.filter((check) => check.monotonic).length, passing: refinedBothAll.filter((check) => check.monotonic).length, checks: refinedBothAll.length } },
  };
  writeFileSync(path.join(out, 'vary-vae.json'), `${JSON.stringify(report, null, 2)}\n`);
  await saveVae(path.join(out, 'vary-vae.ckpt'), vae, null, { preset: presetName, seed, steps });
  line(`written ${path.join(out, 'vary-vae.json')} and vary-vae.ckpt`);
}

await main();
