/**
 * What rendering needs to know about the audio a model learned, read from its folder
 * (training/protocol.ts MODEL_FILES): the training signal (signal.f32, at plan.topRate, at the
 * source clip's own level), the plan (mode, holes), and the source clip's loudness and peak
 * (source.f32 at source.json's rate), which every take except a gap fill is matched to.
 *
 * De-normalisation: the native trainer divides the training signal by its peak before
 * anything else (nn_peak_normalize in native/src/model/pyramid.cpp: x / max|x| in float32), so
 * the pyramid works in units where the clip peaks at 1. A pyramid output times `normFactor`
 * (= max|signal|) is back at the clip's level.
 *
 * The clip's loudness is measured at its own rate, or at MIN_OUTPUT_RATE after upsampling when
 * its rate is lower (level.ts says why), so it compares with the takes' loudness.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../common/errors.js';
import { trainingPlanSchema, type TrainingPlan } from '../../../common/training.js';
import { integratedLoudness } from '../../audio/loudness.js';
import { MODEL_FILES, sourceInfoSchema } from '../../training/protocol.js';
import { resample } from '../../audio/resample.js';
import { MIN_OUTPUT_RATE, peakOf } from './level.js';

export interface ModelSource {
  /** The training signal (N) at topRate, at the source clip's level (not normalised). */
  signal: Float32Array;
  /** Its rate, Hz (plan.topRate). */
  topRate: number;
  /** max|signal|: pyramid units × normFactor = the clip's level. */
  normFactor: number;
  /** What the model was trained for. */
  mode: TrainingPlan['mode'];
  /** Inpainting: the holes, samples [start, end) at topRate; [] otherwise. */
  holes: { start: number; end: number }[];
  /** The source clip's integrated loudness (BS.1770), LUFS, or null (silent, under 400 ms). */
  sourceLoudnessLufs: number | null;
  /** The source clip's sample peak, linear. */
  sourcePeak: number;
  plan: TrainingPlan;
}

/** Reads a model folder's source facts. Throws NOT_FOUND when the folder lacks them, INTERNAL when they are damaged. */
export async function loadModelSource(modelDir: string): Promise<ModelSource> {
  const plan = trainingPlanSchema.parse(JSON.parse(await readText(modelDir, MODEL_FILES.plan)));
  const info = sourceInfoSchema.parse(JSON.parse(await readText(modelDir, MODEL_FILES.sourceInfo)));
  const signal = await readFloats(modelDir, MODEL_FILES.signal);
  const source = await readFloats(modelDir, MODEL_FILES.source);
  const normFactor = peakOf(signal);
  if (!(normFactor > 0) || !Number.isFinite(normFactor)) {
    throw new AppError('INTERNAL', "the model's training audio is silent or damaged");
  }
  return {
    signal,
    topRate: plan.topRate,
    normFactor,
    mode: plan.mode,
    holes: plan.mode === 'inpainting' ? (plan.holes ?? []).map((h) => ({ start: h.start, end: h.end })) : [],
    sourceLoudnessLufs: await loudnessOf(source, info.sampleRate),
    sourcePeak: peakOf(source),
    plan,
  };
}

/** Integrated loudness at the clip's rate, or at MIN_OUTPUT_RATE when that is lower. */
async function loudnessOf(samples: Float32Array, rate: number): Promise<number | null> {
  if (rate >= MIN_OUTPUT_RATE) return integratedLoudness([samples], rate);
  return integratedLoudness([await resample(samples, rate, MIN_OUTPUT_RATE)], MIN_OUTPUT_RATE);
}

async function readBytes(modelDir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(path.join(modelDir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('NOT_FOUND', `the model has no ${name} (was it trained?)`);
    }
    throw error;
  }
}

async function readText(modelDir: string, name: string): Promise<string> {
  return (await readBytes(modelDir, name)).toString('utf8');
}

/** A little-endian float32 file as a Float32Array (copied: Buffer pools are not 4-byte aligned). */
async function readFloats(modelDir: string, name: string): Promise<Float32Array> {
  const bytes = await readBytes(modelDir, name);
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) throw new AppError('INTERNAL', `${name} is damaged`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
