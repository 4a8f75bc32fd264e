/**
 * Presets of the `vary` model by budget, as lm-presets.ts has for `continue`: `test` for tests,
 * `quick` for a few minutes on a laptop, `studio` for a bigger model when there is time. A
 * preset fixes the architecture and everything of the schedule but its steps, which a time
 * budget sets through the seconds one step takes on this machine, measured first.
 *
 * Seconds per step and what `quick` reaches on the development machine: test/bench/RESULTS.md
 * "Phrase models: the vary model" (test/bench/phrases/vary-vae.ts prints them).
 */
import type { SequenceOps } from '../../addon/binding.js';
import { VARY_LATENT_SIZE } from '../../common/phrases.js';
import type { Phrase } from '../phrases/phrases.js';
import { VOCAB_SIZE } from '../phrases/tokens.js';
import { BUDGET_FILL, stepsForBudget } from './lm-presets.js';
import type { VaeConfig } from './vae.js';
import { trainVae, type VaeSchedule } from './vae-train.js';

export { BUDGET_FILL, stepsForBudget };

export const VAE_PRESET_NAMES = ['test', 'quick', 'studio'] as const;
export type VaePresetName = (typeof VAE_PRESET_NAMES)[number];

export interface VaePreset {
  name: VaePresetName;
  title: string;
  description: string;
  config: VaeConfig;
  /** Everything but the steps, which a budget sets. */
  schedule: Omit<VaeSchedule, 'steps'>;
  /** A budget's default, seconds. */
  defaultSeconds: number;
}

export const VAE_PRESETS: Record<VaePresetName, VaePreset> = {
  test: {
    name: 'test',
    title: 'Test',
    description: 'A tiny model for tests: seconds, not music.',
    config: { vocab: VOCAB_SIZE, embedding: 16, encoderHidden: 32, encoderLayers: 1, latent: VARY_LATENT_SIZE, decoderHidden: 32, decoderLayers: 1, dropout: 0 },
    schedule: { lanes: 8, learningRate: 0.01, clipNorm: 1, beta: 0.5, klWarmup: 0.3, freeBits: 8, wordDropout: 0 },
    defaultSeconds: 10,
  },
  quick: {
    name: 'quick',
    title: 'Quick',
    description: 'One LSTM layer of 128 units each way: a few minutes on two cores from a few hundred bars.',
    config: { vocab: VOCAB_SIZE, embedding: 64, encoderHidden: 128, encoderLayers: 1, latent: VARY_LATENT_SIZE, decoderHidden: 128, decoderLayers: 1, dropout: 0 },
    schedule: { lanes: 16, learningRate: 0.005, clipNorm: 1, beta: 0.25, klWarmup: 0.3, freeBits: 64, wordDropout: 0.5 },
    defaultSeconds: 300,
  },
  studio: {
    name: 'studio',
    title: 'Studio',
    description: 'A 256-unit encoder and a two-layer 256-unit decoder: more detail, several times the time per step.',
    config: { vocab: VOCAB_SIZE, embedding: 128, encoderHidden: 256, encoderLayers: 1, latent: VARY_LATENT_SIZE, decoderHidden: 256, decoderLayers: 2, dropout: 0.1 },
    schedule: { lanes: 32, learningRate: 0.003, clipNorm: 1, beta: 0.25, klWarmup: 0.3, freeBits: 64, wordDropout: 0.25 },
    defaultSeconds: 1800,
  },
};

/**
 * Seconds one training step of the preset takes here: `steps` timed steps on the given
 * phrases after one untimed (which pays for first-touch allocation), median of the step times.
 */
export function measureVaeSecondsPerStep(ops: SequenceOps, preset: VaePreset, phrases: readonly Phrase[], steps = 5): number {
  const times: number[] = [];
  let last = performance.now();
  trainVae(
    { ops, config: preset.config, schedule: { ...preset.schedule, steps: steps + 1 }, train: phrases, seed: '1', progressEvery: 1 },
    () => {
      const now = performance.now();
      times.push((now - last) / 1000);
      last = now;
    },
  );
  const timed = times.slice(1).sort((a, b) => a - b);
  return timed[Math.floor(timed.length / 2)]!;
}
