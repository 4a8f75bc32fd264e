/**
 * Measures this machine's training speed for the planner: for each channel count a plan may
 * use, a few real epochs of the real trainer on seeded white noise at two lengths, giving the
 * cost model's fixed and per-sample seconds per epoch (planner.ts). White noise because the
 * cost depends only on shapes, and noise always passes the pyramid's energy rule. Each probe is
 * cancelled after its epochs, so it writes no checkpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NativeAddon, TrainOptions } from '../../addon/binding.js';
import { AppError } from '../../common/errors.js';
import type { ChannelCost, CostModel } from './planner.js';
import { minLevelLength } from './planner.js';
import type { Preset } from './presets.js';

/** Epochs measured per probe after the warm-up ones, and the warm-up. */
const MEASURED_EPOCHS = 4;
const WARMUP_EPOCHS = 2;
/** The probe's signal rate (any rate works: one level, trained at this rate). */
const PROBE_RATE = 8000;
/** The long probe is this many samples longer than the short one. */
const LENGTH_STEP = 16_384;

export interface ProbeControl {
  /** Called between epochs; returning true stops the probe with a CANCELLED error. */
  cancelled(): boolean;
  onFraction(fraction: number): void;
}

export class ProbeCancelled extends Error {}

export async function measureCosts(
  addon: NativeAddon,
  preset: Preset,
  channels: readonly number[],
  control: ProbeControl,
): Promise<CostModel> {
  const shortLength = Math.max(minLevelLength(preset, preset.mode), 4096);
  const lengths = [shortLength, shortLength + LENGTH_STEP] as const;
  const work = channels.length * 2;
  const costs = new Map<number, ChannelCost>();
  const dir = await mkdtemp(path.join(tmpdir(), 'eureka-probe-'));
  try {
    let done = 0;
    for (const count of channels) {
      const times: number[] = [];
      for (const length of lengths) {
        times.push(await timeEpoch(addon, preset, count, length, dir, control));
        control.onFraction(++done / work);
      }
      const [short, long] = times as [number, number];
      const perSample = Math.max(0, (long - short) / LENGTH_STEP);
      costs.set(count, { perSample, fixed: Math.max(0, short - perSample * lengths[0]) });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return costs;
}

/** The median measured epoch time of one single-level run with `channels` on `length` samples. */
async function timeEpoch(
  addon: NativeAddon,
  preset: Preset,
  channels: number,
  length: number,
  dir: string,
  control: ProbeControl,
): Promise<number> {
  const signal = whiteNoise(length, channels * 7919 + length);
  const options: TrainOptions = {
    mode: preset.mode,
    channelsFirst: channels,
    channelsRest: channels,
    kernelSize: preset.kernelSize,
    layers: preset.layers,
    epochsPerScale: 1000,
    learningRate: preset.learningRate,
    seed: 1,
    fsList: [PROBE_RATE],
    ...(preset.alpha1 !== null ? { alpha1: preset.alpha1 } : {}),
    ...(preset.alpha2 !== null ? { alpha2: preset.alpha2 } : {}),
    ...(preset.mssConfigs !== null ? { mssConfigs: preset.mssConfigs } : {}),
  };
  const seconds: number[] = [];
  let stopped = false;
  const run = addon.train(signal, PROBE_RATE, options, dir, false, (progress) => {
    if (progress.epoch > WARMUP_EPOCHS) seconds.push(progress.epochSeconds);
    if (control.cancelled()) stopped = true;
    if (stopped || seconds.length >= MEASURED_EPOCHS) run.cancel();
  });
  await run.promise;
  if (stopped) throw new ProbeCancelled('cancelled while measuring');
  if (seconds.length < MEASURED_EPOCHS) {
    throw new AppError('INTERNAL', `the speed probe saw ${seconds.length} epochs, expected ${MEASURED_EPOCHS}`);
  }
  return median(seconds);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Deterministic uniform noise in [−1, 1) (a 32-bit LCG: statistics do not matter here). */
function whiteNoise(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
