/**
 * Presets of the `continue` model by budget, as the audio models have (services/training/
 * presets.ts): `test` for tests, `quick` for minutes on a laptop, `studio` for a bigger model
 * when there is time. A preset fixes the architecture and the window, lanes and learning rate;
 * the number of steps comes from a time budget and the seconds one step takes on this machine,
 * measured first (measureSecondsPerStep), as the audio presets' probe does.
 *
 * Seconds per step measured on the development machine (2 shared cores of a cloud VM, see
 * test/bench/RESULTS.md "Phrase models"): test/bench/phrases/lm-vs-markov.ts prints them.
 */
import type { SequenceOps } from '../../addon/binding.js';
import type { Phrase } from '../phrases/phrases.js';
import { VOCAB_SIZE } from '../phrases/tokens.js';
import type { LmConfig } from './lstm-lm.js';
import { trainLm, type LmSchedule } from './lm-train.js';

export const LM_PRESET_NAMES = ['test', 'quick', 'studio'] as const;
export type LmPresetName = (typeof LM_PRESET_NAMES)[number];

export interface LmPreset {
  name: LmPresetName;
  title: string;
  description: string;
  config: LmConfig;
  /** Everything but the steps, which a budget sets. */
  schedule: Omit<LmSchedule, 'steps'>;
  /** A budget's default, seconds. */
  defaultSeconds: number;
}

export const LM_PRESETS: Record<LmPresetName, LmPreset> = {
  test: {
    name: 'test',
    title: 'Test',
    description: 'A tiny model for tests: seconds, not music.',
    config: { vocab: VOCAB_SIZE, embedding: 32, hidden: 64, layers: 1, dropout: 0 },
    schedule: { window: 32, lanes: 8, learningRate: 0.01, clipNorm: 1 },
    defaultSeconds: 10,
  },
  quick: {
    name: 'quick',
    title: 'Quick',
    description: 'One LSTM layer of 128 units: a few minutes on two cores from a few hundred bars.',
    config: { vocab: VOCAB_SIZE, embedding: 64, hidden: 128, layers: 1, dropout: 0.1 },
    schedule: { window: 64, lanes: 32, learningRate: 0.005, clipNorm: 1 },
    defaultSeconds: 300,
  },
  studio: {
    name: 'studio',
    title: 'Studio',
    description: 'Two LSTM layers of 256 units with dropout between them: more context, about five times the time per step.',
    config: { vocab: VOCAB_SIZE, embedding: 128, hidden: 256, layers: 2, dropout: 0.2 },
    schedule: { window: 64, lanes: 32, learningRate: 0.003, clipNorm: 1 },
    defaultSeconds: 1800,
  },
};

/** The share of a budget the steps may fill (the rest covers measurement error and evaluation). */
export const BUDGET_FILL = 0.9;

/** Steps that fit `seconds` at `secondsPerStep` (at least 1). */
export function stepsForBudget(seconds: number, secondsPerStep: number): number {
  if (!(seconds > 0) || !(secondsPerStep > 0)) throw new Error(`A budget and a step time are seconds above 0 (got ${seconds} and ${secondsPerStep}).`);
  return Math.max(1, Math.floor((BUDGET_FILL * seconds) / secondsPerStep));
}

/**
 * Seconds one training step of the preset takes here: `steps` timed steps on the given
 * phrases after one untimed (which pays for first-touch allocation), median of the step times.
 */
export function measureSecondsPerStep(ops: SequenceOps, preset: LmPreset, phrases: readonly Phrase[], steps = 5): number {
  const times: number[] = [];
  let last = performance.now();
  trainLm(
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
