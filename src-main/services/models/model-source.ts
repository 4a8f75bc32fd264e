/**
 * The audio a model learned, as its folder keeps it (model-files.ts): the clip as copied when
 * the model was made (source.f32 at source.json's rate, with the clip's label and hole), and
 * what rendering needs to know of it — the training signal (signal.f32, at plan.topRate, at the
 * source clip's own level), the plan (mode, holes), and the source clip's loudness and peak,
 * which every take except a gap fill is matched to.
 *
 * De-normalisation: the native trainer divides the training signal by its peak before
 * anything else (nn_peak_normalize in native/src/model/pyramid.cpp: x / max|x| in float32), so
 * the pyramid works in units where the clip peaks at 1. A pyramid output times `normFactor`
 * (= max|signal|) is back at the clip's level.
 *
 * The clip's loudness is measured at its own rate, or at MIN_OUTPUT_RATE after upsampling when
 * its rate is lower (audio/level.ts says why), so it compares with the takes' loudness.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { trainingPlanSchema, type TrainingPlan } from '../../common/training.js';
import { MIN_OUTPUT_RATE, peakOf } from '../audio/level.js';
import { integratedLoudness } from '../audio/loudness.js';
import { resample } from '../audio/resample.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { readFloat32File, writeFloat32File } from './float32-file.js';
import { MODEL_FILES } from './model-files.js';

/** The clip facts the training service writes next to source.f32 when it makes a model. */
export const sourceInfoSchema = z.object({
  sampleRate: z.number().int().positive(),
  samples: z.number().int().positive(),
  label: z.enum(['U', 'V', 'gap']),
  /** For gap clips: the hole, seconds from the clip's start. */
  hole: z.object({ start: z.number().nonnegative(), end: z.number().positive() }).nullable(),
});
export type SourceInfo = z.infer<typeof sourceInfoSchema>;

/** Writes the clip into a new model's folder: source.f32, then source.json. */
export async function writeSourceFiles(modelDir: string, samples: Float32Array, info: SourceInfo): Promise<void> {
  const checked = sourceInfoSchema.parse(info);
  await writeFloat32File(path.join(modelDir, MODEL_FILES.source), samples);
  await writeFileAtomic(path.join(modelDir, MODEL_FILES.sourceInfo), `${JSON.stringify(checked, null, 2)}\n`);
}

/** source.json. Read errors pass through; a file that does not parse throws zod's error. */
export async function readSourceInfo(modelDir: string): Promise<SourceInfo> {
  return sourceInfoSchema.parse(JSON.parse(await readFile(path.join(modelDir, MODEL_FILES.sourceInfo), 'utf8')));
}

/** The clip a model learned: source.f32 at source.json's rate. Read errors pass through. */
export async function readSourceAudio(modelDir: string): Promise<{ samples: Float32Array; rate: number }> {
  const info = await readSourceInfo(modelDir);
  return { samples: await readFloat32File(path.join(modelDir, MODEL_FILES.source)), rate: info.sampleRate };
}

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

/** A file of the folder; NOT_FOUND when it is missing (the model was never trained that far). */
async function notFoundAs<T>(name: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('NOT_FOUND', `the model has no ${name} (was it trained?)`);
    }
    throw error;
  }
}

async function readText(modelDir: string, name: string): Promise<string> {
  return notFoundAs(name, () => readFile(path.join(modelDir, name), 'utf8'));
}

async function readFloats(modelDir: string, name: string): Promise<Float32Array> {
  return notFoundAs(name, () => readFloat32File(path.join(modelDir, name)));
}
