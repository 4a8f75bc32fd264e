/**
 * Bench: the `continue` model (services/phrase-models, an LSTM language model) against the
 * Markov baselines (services/phrases/markov.ts), on the generated test corpus: seed 1, 4-bar
 * phrases, a quarter of the pieces held out with split seed 5, exactly the data and split of
 * docs/midi.md's Markov figures. The chains are fitted on every training phrase in each key it
 * fits within ±6 semitones (as markov.test.ts does); the LSTM trains on the same phrases with a
 * fresh seeded augmentation (transposition, swing) each epoch, for a time budget, its steps
 * set from the measured seconds per step. All three are scored on the held-out phrases by the
 * same count (every token after BOS, from a zero state): next-token accuracy and perplexity.
 * The held-out score is also printed every tenth of the run, to show the curve; it never
 * steers training.
 *   npx tsc -p tsconfig.node.json && npm run bench:phrases [-- preset seconds seed]
 *   (defaults: quick 180 1)
 * Writes test-output/bench/phrases/lm-vs-markov.json; figures go in test/bench/RESULTS.md
 * with machine, commit and command.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { LM_PRESETS, LM_PRESET_NAMES, measureSecondsPerStep, stepsForBudget, type LmPresetName } from '../../../src-main/services/phrase-models/lm-presets.js';
import { scoreLm } from '../../../src-main/services/phrase-models/lm-eval.js';
import { trainLm } from '../../../src-main/services/phrase-models/lm-train.js';
import { allowedTranspositions, transpose } from '../../../src-main/services/phrases/augment.js';
import { generateCorpus } from '../../../src-main/services/phrases/corpus.js';
import { MarkovChain } from '../../../src-main/services/phrases/markov.js';
import { cutPhrases, phraseTokens, splitPhrases } from '../../../src-main/services/phrases/phrases.js';

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const line = (text: string): void => void process.stdout.write(`${text}\n`);
const fmt = (s: { perplexity: number; accuracy: number }): string => `perplexity ${s.perplexity.toFixed(2)}, accuracy ${s.accuracy.toFixed(3)}`;

function main(): void {
  const presetName = (process.argv[2] ?? 'quick') as LmPresetName;
  if (!LM_PRESET_NAMES.includes(presetName)) throw new Error(`preset: one of ${LM_PRESET_NAMES.join(', ')}`);
  const seconds = Number(process.argv[3] ?? 180);
  if (!(seconds > 0)) throw new Error('seconds: a number above 0');
  const seed = process.argv[4] ?? '1';
  line(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}; node ${process.version}; commit ${commit()}`);

  const phrases = generateCorpus({ seed: '1' }).flatMap((piece) => cutPhrases(piece.music, 4, piece.name));
  const split = splitPhrases(phrases, { seed: '5', heldOutFraction: 0.25 });
  const heldOut = split.heldOut.map(phraseTokens);
  const everyKey = split.train.flatMap((phrase) =>
    allowedTranspositions(phrase.notes).map((semitones) => phraseTokens({ ...phrase, notes: transpose(phrase.notes, semitones)! })),
  );
  line(`corpus: ${split.train.length} training phrases (${everyKey.length} in every key), ${split.heldOut.length} held out (${split.heldOutSources.length} pieces)`);
  const order3 = MarkovChain.fit(everyKey, 3).score(heldOut);
  const order1 = MarkovChain.fit(everyKey, 1).score(heldOut);
  line(`Markov order 3: ${fmt(order3)} over ${order3.tokens} tokens`);
  line(`Markov order 1: ${fmt(order1)}`);

  const ops = loadNativeAddon().sequence;
  const preset = LM_PRESETS[presetName];
  const secondsPerStep = measureSecondsPerStep(ops, preset, split.train);
  const steps = stepsForBudget(seconds, secondsPerStep);
  line(`LSTM ${presetName} (E ${preset.config.embedding}, H ${preset.config.hidden}, ${preset.config.layers} layer(s), dropout ${preset.config.dropout}; T ${preset.schedule.window}, B ${preset.schedule.lanes}, lr ${preset.schedule.learningRate}): ${(secondsPerStep * 1000).toFixed(1)} ms a step, ${steps} steps in ${seconds} s, seed ${seed}`);
  const curve: { step: number; epoch: number; trainLoss: number; perplexity: number; accuracy: number }[] = [];
  const every = Math.max(1, Math.round(steps / 10));
  const result = trainLm(
    { ops, config: preset.config, schedule: { ...preset.schedule, steps }, train: split.train, seed, progressEvery: every },
    (progress) => {
      const score = scoreLm(progress.model, heldOut);
      curve.push({ step: progress.step, epoch: progress.epoch, trainLoss: progress.loss, perplexity: score.perplexity, accuracy: score.accuracy });
      line(`  step ${progress.step}/${progress.steps} (epoch ${progress.epoch}, ${progress.seconds.toFixed(0)} s): train loss ${progress.loss.toFixed(3)}, held out ${fmt(score)}`);
    },
  );
  const lstm = scoreLm(result.state.model, heldOut);
  if (lstm.tokens !== order3.tokens) throw new Error(`scored ${lstm.tokens} tokens, the chains ${order3.tokens}`);
  line(`LSTM ${presetName}: ${fmt(lstm)}`);
  const beats = lstm.perplexity < order3.perplexity && lstm.accuracy > order3.accuracy;
  line(beats ? 'The LSTM beats the order-3 chain on both.' : 'The LSTM does NOT beat the order-3 chain on both.');

  const out = path.join('test-output', 'bench', 'phrases');
  mkdirSync(out, { recursive: true });
  const report = { commit: commit(), preset: presetName, seconds, seed, secondsPerStep, steps, order3, order1, lstm, curve };
  writeFileSync(path.join(out, 'lm-vs-markov.json'), `${JSON.stringify(report, null, 2)}\n`);
  line(`written ${path.join(out, 'lm-vs-markov.json')}`);
}

main();
