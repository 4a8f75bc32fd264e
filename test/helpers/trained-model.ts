/**
 * A tiny real Catch-A-Waveform model for generation tests, trained by the native addon (the
 * setup of test/native/addon-train.test.ts): a 1.5 s synthetic clip at 2 kHz, fsList [250, 500,
 * 1000] (four scales: 250, 500, 1000, 2000 Hz), C 4/6, K 3, L 4 (P = 15), 10 epochs per scale —
 * a few seconds. `inpainting` trains the gap variant with a 50 ms hole at 0.70 s. Train once
 * per test file (beforeAll) and remove() it afterwards.
 */
import type { NativeAddon, TrainOptions } from '../../src-main/addon/binding.js';
import { makeTempDir, removeDir } from './temp-dir.js';

export const TINY_RATE = 2000;
export const TINY_SAMPLES = 3000; // 1.5 s
export const TINY_RATES = [250, 500, 1000, 2000];
/** The inpainting variant's gap, samples at TINY_RATE. */
export const TINY_HOLE = { start: 1400, end: 1500 };

export const TINY_OPTIONS: TrainOptions = {
  mode: 'normal',
  channelsFirst: 4,
  channelsRest: 6,
  kernelSize: 3,
  layers: 4,
  epochsPerScale: 10,
  seed: 3,
  mssConfigs: [
    { nFft: 256, hop: 32, win: 128 },
    { nFft: 128, hop: 16, win: 64 },
    { nFft: 64, hop: 8, win: 32 },
  ],
  fsList: [250, 500, 1000],
};

export interface TrainedModel {
  /** The model folder: scale-<s>.ckpt and the trainer's manifest.json. */
  dir: string;
  signal: Float32Array;
  options: TrainOptions;
  remove(): Promise<void>;
}

/** Tones at 55, 110, 330 (tremolo) and 700 Hz plus seeded noise bursts (80 ms every 0.4 s). */
export function tinySignal(): Float32Array {
  const x = new Float32Array(TINY_SAMPLES);
  let state = 7;
  for (let i = 0; i < TINY_SAMPLES; i++) {
    const t = i / TINY_RATE;
    let v =
      0.5 * Math.sin(2 * Math.PI * 55 * t) +
      0.3 * Math.sin(2 * Math.PI * 110 * t + 0.3) +
      0.2 * Math.sin(2 * Math.PI * 330 * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 1.5 * t)) +
      0.1 * Math.sin(2 * Math.PI * 700 * t);
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    if (t % 0.4 < 0.08) v += 0.25 * (state / 2 ** 31 - 1);
    x[i] = v;
  }
  return x;
}

/** Trains the tiny model (all four scales) into a fresh temporary folder. */
export async function trainTinyModel(addon: NativeAddon, variant: { inpainting?: boolean } = {}): Promise<TrainedModel> {
  const options: TrainOptions = variant.inpainting ? { ...TINY_OPTIONS, mode: 'inpainting', holes: [TINY_HOLE] } : TINY_OPTIONS;
  const signal = tinySignal();
  const dir = await makeTempDir(variant.inpainting ? 'eureka-tiny-gap-' : 'eureka-tiny-');
  try {
    const result = await addon.train(signal, TINY_RATE, options, dir, false, () => undefined).promise;
    if (result.cancelled || result.scalesDone !== result.scalesTotal) throw new Error(`tiny model stopped at ${result.scalesDone} scales`);
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
  return { dir, signal, options, remove: () => removeDir(dir) };
}
