/**
 * One generation batch, as the worker process runs it: open the model's pyramid once (ONNX
 * export on demand, an onnxruntime session per scale), then render the takes one after another,
 * write each as a 32-bit float WAV (mono, or a gap fill's clip's channels) (atomically, so a reader never sees half a take) and report
 * it before starting the next, so results stream. A take that fails is reported and the batch
 * goes on; a failure to open the model fails the batch. Reports through `emit`; the parent owns
 * the database.
 *
 * The engine (engine.ts) is passed in: the worker gives the real one (addon + onnxruntime).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toErrorPayload } from '../../common/errors.js';
import type { TakeCheckpoint, TakeSettings } from '../../common/generation.js';
import type { TakeRender } from '../../common/take-render.js';
import { encodeWav } from '../audio/wav.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { GenerationJob, TakeTarget, WorkerMessage } from './protocol.js';

/** A take as rendered: (C, T) samples at sampleRate, its loudness and its source's (what A/B matches), and what it is. */
export interface RenderedAudio {
  channels: Float32Array[];
  sampleRate: number;
  loudnessLufs: number | null;
  sourceLoudnessLufs: number | null;
  render: TakeRender;
}

/** A model opened for generation. */
export interface OpenedModel {
  readonly checkpoint: TakeCheckpoint;
  readonly executionProvider: 'cpu' | 'cuda';
  readonly providerReason: string | null;
  render(settings: TakeSettings, seed: bigint, onProgress: (fraction: number) => void): Promise<RenderedAudio>;
  dispose(): Promise<void>;
}

export interface GenerationEngine {
  open(modelDir: string, executionProvider: 'auto' | 'cpu' | 'cuda', target: TakeTarget): Promise<OpenedModel>;
}

/** Progress reports per take are thinned to this interval (the pyramid reports per scale). */
const PROGRESS_INTERVAL_MS = 100;

export async function runGenerationJob(job: GenerationJob, engine: GenerationEngine, emit: (message: WorkerMessage) => void): Promise<void> {
  let model: OpenedModel;
  try {
    model = await engine.open(job.modelDir, job.executionProvider, job.target);
  } catch (error) {
    emit({ type: 'failed', error: toErrorPayload(error) });
    return;
  }
  try {
    emit({
      type: 'prepared',
      checkpoint: model.checkpoint,
      executionProvider: model.executionProvider,
      providerReason: model.providerReason,
    });
    for (const take of job.takes) {
      const started = performance.now();
      let lastReport = 0;
      emit({ type: 'progress', takeId: take.takeId, phase: 'generating', fraction: 0 });
      try {
        const audio = await model.render(take.settings, BigInt(take.seed), (fraction) => {
          const now = performance.now();
          if (now - lastReport < PROGRESS_INTERVAL_MS) return;
          lastReport = now;
          emit({ type: 'progress', takeId: take.takeId, phase: 'generating', fraction: Math.min(1, Math.max(0, fraction)) });
        });
        emit({ type: 'progress', takeId: take.takeId, phase: 'writing', fraction: 1 });
        await mkdir(path.dirname(take.file), { recursive: true });
        const wav = encodeWav({ sampleRate: audio.sampleRate, channels: audio.channels }, { bitDepth: 32, float: true });
        await writeFileAtomic(take.file, wav, `take ${take.takeId}`);
        emit({
          type: 'take-done',
          takeId: take.takeId,
          sampleRate: audio.sampleRate,
          durationSeconds: (audio.channels[0]?.length ?? 0) / audio.sampleRate,
          loudnessLufs: finiteOrNull(audio.loudnessLufs),
          sourceLoudnessLufs: finiteOrNull(audio.sourceLoudnessLufs),
          generateSeconds: (performance.now() - started) / 1000,
          render: audio.render,
        });
      } catch (error) {
        emit({ type: 'take-failed', takeId: take.takeId, error: toErrorPayload(error) });
      }
    }
    emit({ type: 'finished' });
  } finally {
    await model.dispose();
  }
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
