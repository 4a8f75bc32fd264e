/**
 * Measures this machine's training speed for the planner: for each channel count a plan may
 * use, a few real epochs of the real trainer on seeded white noise at two lengths, giving the
 * cost model's fixed and per-sample seconds per epoch (planner.ts). White noise because the
 * cost depends only on shapes, and noise always passes the pyramid's energy rule. Each probe is
 * cancelled after its epochs, so it writes no checkpoint. It trains whole levels (no crop: the
 * planner prices a crop as a level of crop + 2P samples) in the precision the run will use, on
 * the device it will use: a GPU measurement is made on the GPU, and a GPU that the trainer puts
 * back on the CPU (its check against the CPU failed) ends the probe with {@link ProbeOffDevice}
 * rather than storing CPU times as the GPU's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NativeAddon, TrainOptions } from '../../addon/binding.js';
import { AppError } from '../../common/errors.js';
import type { TrainPrecision } from '../../common/training.js';
import type { ChannelCost, CostModel } from './planner.js';
import { minLevelLength } from './planner.js';
import type { Preset } from './presets.js';

/** Epochs measured per probe after the warm-up one (allocation, first-touch page faults). */
const MEASURED_EPOCHS = 4;
const WARMUP_EPOCHS = 1;
/** The probe's signal rate (any rate works: one level, trained at this rate). */
const PROBE_RATE = 8000;
/**
 * The long probe is this many times the short one. A wide spread keeps the fixed / per-sample
 * split well determined (two close lengths let a little timing noise swap one for the other);
 * wide channel counts get a narrower one because their epochs are slow.
 */
const lengthFactor = (channels: number): number => (channels <= 32 ? 4 : 2);
/** Channel counts measured; others are interpolated (the probe is part of the budget). */
const MEASURED_CHANNELS = [16, 32, 64, 96];

export interface ProbeControl {
  /** Called between epochs; returning true stops the probe with a CANCELLED error. */
  cancelled(): boolean;
  onFraction(fraction: number): void;
}

export class ProbeCancelled extends Error {}

/** The trainer trained the probe on another device than asked (a GPU that failed its check). */
export class ProbeOffDevice extends Error {
  constructor(readonly reason: string) {
    super(`the probe ran on the CPU: ${reason}`);
  }
}

export async function measureCosts(
  addon: NativeAddon,
  preset: Preset,
  channels: readonly number[],
  precision: TrainPrecision,
  control: ProbeControl,
  device: 'cpu' | 'cuda' = 'cpu',
): Promise<CostModel> {
  const shortLength = Math.max(minLevelLength(preset, preset.mode), 4096);
  const probed = channelsToMeasure(channels);
  const work = probed.length * 2;
  const measured = new Map<number, ChannelCost>();
  const dir = await mkdtemp(path.join(tmpdir(), 'eureka-probe-'));
  try {
    let done = 0;
    for (const count of probed) {
      const lengths = [shortLength, shortLength * lengthFactor(count)] as const;
      const times: number[] = [];
      for (const length of lengths) {
        times.push(await timeEpoch(addon, preset, precision, count, length, dir, control, device));
        control.onFraction(++done / work);
      }
      const [short, long] = times as [number, number];
      const perSample = Math.max(0, (long - short) / (lengths[1] - lengths[0]));
      measured.set(count, { perSample, fixed: Math.max(0, short - perSample * lengths[0]) });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return new Map(channels.map((count) => [count, interpolateCost(measured, count)]));
}

/** The wanted counts' outermost two plus the MEASURED_CHANNELS between them. */
export function channelsToMeasure(wanted: readonly number[]): number[] {
  const low = Math.min(...wanted);
  const high = Math.max(...wanted);
  return [...new Set([low, ...MEASURED_CHANNELS.filter((c) => c > low && c < high), high])].sort((a, b) => a - b);
}

/**
 * A channel count's cost from the measured ones: exact when measured, else linear in C² between
 * its neighbours (the convolutions, most of an epoch, cost C² per sample).
 */
export function interpolateCost(measured: ReadonlyMap<number, ChannelCost>, channels: number): ChannelCost {
  const exact = measured.get(channels);
  if (exact) return exact;
  const counts = [...measured.keys()].sort((a, b) => a - b);
  const above = counts.find((c) => c > channels) ?? counts.at(-1)!;
  const below = [...counts].reverse().find((c) => c < channels) ?? counts[0]!;
  if (above === below) return measured.get(above)!;
  const t = (channels ** 2 - below ** 2) / (above ** 2 - below ** 2);
  const a = measured.get(below)!;
  const b = measured.get(above)!;
  return { fixed: a.fixed + t * (b.fixed - a.fixed), perSample: a.perSample + t * (b.perSample - a.perSample) };
}

/** The median measured epoch time of one single-level run with `channels` on `length` samples. */
async function timeEpoch(
  addon: NativeAddon,
  preset: Preset,
  precision: TrainPrecision,
  channels: number,
  length: number,
  dir: string,
  control: ProbeControl,
  device: 'cpu' | 'cuda',
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
    ...(precision === 'bf16' ? { precision } : {}),
    ...(preset.alpha1 !== null ? { alpha1: preset.alpha1 } : {}),
    ...(preset.alpha2 !== null ? { alpha2: preset.alpha2 } : {}),
    ...(preset.mssConfigs !== null ? { mssConfigs: preset.mssConfigs } : {}),
    ...(device === 'cuda' ? { device } : {}),
  };
  const seconds: number[] = [];
  let stopped = false;
  let offDevice: string | null = null;
  const run = addon.train(signal, PROBE_RATE, options, dir, false, (progress) => {
    if (progress.epoch > WARMUP_EPOCHS) seconds.push(progress.epochSeconds);
    if (control.cancelled()) stopped = true;
    if (stopped || offDevice !== null || seconds.length >= MEASURED_EPOCHS) run.cancel();
  }, (choice) => {
    if (choice.device !== device) {
      offDevice = choice.reason === '' ? `the trainer chose ${choice.name}` : choice.reason;
      run.cancel();
    }
  });
  await run.promise;
  if (stopped) throw new ProbeCancelled('cancelled while measuring');
  if (offDevice !== null) throw new ProbeOffDevice(offDevice);
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
