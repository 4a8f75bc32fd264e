/**
 * Bench: seconds a training step of the LSTM VAE (`quick`) and of the VAE-Transformer
 * (vary-transformer.ts's architecture, the same schedule), back to back on the same 2-bar split,
 * so the two are timed under the same load of a shared machine: three rounds, each 40 steps of
 * one model then 40 of the other, the median of each run's last 38 steps.
 *   npx tsc -p tsconfig.node.json && node out/node/test/bench/phrases/vary-step-time.js
 */
import { loadavg } from 'node:os';
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { trainTransformerVae } from '../../../src-main/services/phrase-models/transformer-vae-train.js';
import { VAE_PRESETS } from '../../../src-main/services/phrase-models/vae-presets.js';
import { trainVae } from '../../../src-main/services/phrase-models/vae-train.js';
import { generateCorpus } from '../../../src-main/services/phrases/corpus.js';
import { cutPhrases, splitPhrases } from '../../../src-main/services/phrases/phrases.js';
import { TRANSFORMER_BENCH_CONFIG } from './vary-transformer.js';

const STEPS = 40;
/** Steps left out of the median: the first touches every buffer. */
const WARM = 2;

/** Median milliseconds between progress calls of a run, after WARM. */
function medianStep(run: (tick: () => void) => void): number {
  const times: number[] = [];
  let last = performance.now();
  run(() => {
    const now = performance.now();
    times.push(now - last);
    last = now;
  });
  const timed = times.slice(WARM).sort((a, b) => a - b);
  return timed[Math.floor(timed.length / 2)]!;
}

const ops = loadNativeAddon().sequence;
const corpus = generateCorpus({ seed: '1', pieces: 36 });
const { train } = splitPhrases(
  corpus.flatMap((piece) => cutPhrases(piece.music, 2, piece.name)),
  { seed: '5', heldOutFraction: 0.25 },
);
const quick = VAE_PRESETS.quick;
const schedule = { ...quick.schedule, steps: STEPS };
for (let round = 1; round <= 3; round++) {
  const before = loadavg()[0]!;
  const lstm = medianStep((tick) => trainVae({ ops, config: quick.config, schedule, train, seed: '1', progressEvery: 1 }, tick));
  const transformer = medianStep((tick) => trainTransformerVae({ ops, config: TRANSFORMER_BENCH_CONFIG, schedule, train, seed: '1', progressEvery: 1 }, tick));
  process.stdout.write(
    `round ${round}: LSTM ${lstm.toFixed(1)} ms a step, Transformer ${transformer.toFixed(1)} ms a step (median of ${STEPS - WARM}), load ${before.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}\n`,
  );
}
