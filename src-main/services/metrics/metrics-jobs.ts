/**
 * The jobs a metrics worker runs (metrics-runner.ts posts them; metrics-worker.ts answers), all
 * plain data in and out so they cross a worker boundary:
 *
 *  - measure: a take's WAV against its model's source and the song's held-out audio → its
 *    TakeMetrics, its feature summary (kept for diversity) and the references' summaries;
 *  - reference: only the references' summaries (ranking a model whose takes are all stored);
 *  - pictures: the side-by-side picture data of a take and its source.
 *
 * The source is the model's training signal (models/<id>/signal.f32, at the clip's level and
 * the model's top rate), resampled to the take's rate; held-out audio is decoded from the
 * library's playback copies (held-out.ts), band-limited the same way (through the top rate)
 * and brought to the take's rate. Both are analysed once per model
 * and kept in `cache` (the last few models), so a batch of one model's takes decodes them once.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors.js';
import type { CopyRegion, PictureData, RankWeights, TakeMetrics } from '../../common/metrics.js';
import { decodeAudio } from '../audio/decode.js';
import { mixToMono, resample } from '../audio/resample.js';
import { loadModelSource } from '../models/model-source.js';
import { heldOutKey, loadHeldOut, type HeldOutPlan } from './held-out.js';
import { measureTakeAgainst, pictureData, prepareReference, type AudioInput, type FeatureSummary, type MeasureReference } from './measure/index.js';

/** Which audio a take is compared with: its model's folder and the song's held-out plan. */
export interface ReferenceSpec {
  modelDir: string;
  heldOut: HeldOutPlan | null;
}

export interface MeasureJob {
  kind: 'measure';
  takeId: number;
  modelId: number;
  takeFile: string;
  reference: ReferenceSpec;
  weights: RankWeights;
}

export interface ReferenceJob {
  kind: 'reference';
  reference: ReferenceSpec;
  sampleRate: number;
}

export interface PicturesJob {
  kind: 'pictures';
  takeId: number;
  takeFile: string;
  modelDir: string;
  copies: CopyRegion[];
}

export type MetricsJob = MeasureJob | ReferenceJob | PicturesJob;

/** The source's and held-out audio's summaries (held-out: null when the song has none). */
export interface ReferenceSummaries {
  source: FeatureSummary;
  heldOut: FeatureSummary | null;
}

export interface Measured {
  metrics: TakeMetrics;
  summary: FeatureSummary;
  reference: ReferenceSummaries;
}

export type MetricsJobResult<J extends MetricsJob> = J extends MeasureJob ? Measured : J extends ReferenceJob ? ReferenceSummaries : PictureData;

interface Prepared {
  source: AudioInput;
  reference: MeasureReference | null;
}

/** Prepared references by model folder, rate and held-out plan; a worker keeps its own. */
export type JobCache = Map<string, Promise<Prepared>>;

/** How many models' references a cache keeps (each is a few MB of audio and frames). */
const CACHED_MODELS = 3;

export async function runMetricsJob<J extends MetricsJob>(job: J, cache: JobCache): Promise<MetricsJobResult<J>> {
  switch (job.kind) {
    case 'measure': {
      const take = await readTake(job.takeFile, job.takeId);
      const prepared = await prepare(cache, job.reference, take.sampleRate, true);
      const reference = prepared.reference!;
      const { metrics, summary } = measureTakeAgainst(reference, { takeId: job.takeId, modelId: job.modelId, take, weights: job.weights });
      return { metrics, summary, reference: { source: reference.source, heldOut: reference.heldOut } } satisfies Measured as MetricsJobResult<J>;
    }
    case 'reference': {
      const reference = (await prepare(cache, job.reference, job.sampleRate, true)).reference!;
      return { source: reference.source, heldOut: reference.heldOut } satisfies ReferenceSummaries as MetricsJobResult<J>;
    }
    case 'pictures': {
      const take = await readTake(job.takeFile, job.takeId);
      const { source } = await prepare(cache, { modelDir: job.modelDir, heldOut: null }, take.sampleRate, false);
      return pictureData(job.takeId, take, source, job.copies) as MetricsJobResult<J>;
    }
  }
  throw new AppError('INTERNAL', 'unknown metrics job');
}

/** A take's WAV as mono samples (takes are mono; anything else is mixed down). */
async function readTake(file: string, takeId: number): Promise<AudioInput> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new AppError('NOT_FOUND', `take ${takeId} has no audio: its file is missing`);
    throw error;
  });
  const audio = await decodeAudio(bytes, `take ${takeId}`);
  return { samples: mixToMono(audio.channels), sampleRate: audio.sampleRate };
}

/**
 * The source at `sampleRate` and, when `analyse`, the analysed references. Cached per model,
 * rate and held-out plan; a failed preparation is not kept (the next job tries again).
 */
async function prepare(cache: JobCache, spec: ReferenceSpec, sampleRate: number, analyse: boolean): Promise<Prepared> {
  const key = `${spec.modelDir}|${sampleRate}|${analyse ? heldOutKey(spec.heldOut) : 'source only'}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const pending = (async (): Promise<Prepared> => {
    const model = await loadModelSource(spec.modelDir);
    const source = { samples: await resample(model.signal, model.topRate, sampleRate, 'medium'), sampleRate };
    if (!analyse) return { source, reference: null };
    // Held-out audio passes through the model's top rate, as the source did: the model never
    // heard above its Nyquist frequency, so neither its source nor held-out audio should count it.
    const heldOut = spec.heldOut
      ? { samples: await resample(await loadHeldOut(spec.heldOut, model.topRate), model.topRate, sampleRate, 'medium'), sampleRate }
      : null;
    return { source, reference: prepareReference(source, heldOut && heldOut.samples.length > 0 ? heldOut : null) };
  })();
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  while (cache.size > CACHED_MODELS) cache.delete(cache.keys().next().value!);
  return pending;
}
