/**
 * Where the synth runs. A part of a few minutes is seconds of CPU in JavaScript, so the desktop
 * app and web mode render on a worker thread (workers/synth-worker.ts) and the event loop keeps
 * answering; the CLI and unit tests may render inline. Both go through {@link SynthRunner}, the
 * pattern of services/audio/processor.ts. Each thread parses the SoundFont once (soundfont.ts).
 */
import { Worker } from 'node:worker_threads';
import { AppError, errorPayloadSchema, toErrorPayload } from '../../common/errors.js';
import type { PartMusic } from '../../common/midi.js';
import { encodeWav } from '../audio/wav.js';
import { renderMusic, type RenderedMusic, type RenderOptions } from './render-music.js';

/** A rendering as the 16-bit stereo WAV the UI streams. */
export interface RenderedWav {
  wav: Uint8Array;
  frames: number;
  sampleRate: number;
}

export interface SynthRunner {
  /** PartMusic → stereo float samples (export stems, measurements). */
  render(music: PartMusic, options?: RenderOptions): Promise<RenderedMusic>;
  /** PartMusic → a 16-bit WAV, encoded where it was rendered (playback copies). */
  renderWav(music: PartMusic, options?: RenderOptions): Promise<RenderedWav>;
  dispose(): Promise<void>;
}

export type SynthJob =
  | { kind: 'render'; music: PartMusic; options: RenderOptions }
  | { kind: 'render-wav'; music: PartMusic; options: RenderOptions };

/** The worker side (and the inline runner's): one job, one answer. */
export function handleSynthJob(job: SynthJob): Promise<RenderedMusic | RenderedWav> {
  return Promise.resolve().then(() => {
    const rendered = renderMusic(job.music, job.options);
    if (job.kind === 'render') return rendered;
    return {
      wav: encodeWav({ sampleRate: rendered.sampleRate, channels: rendered.channels }, { bitDepth: 16 }),
      frames: rendered.channels[0].length,
      sampleRate: rendered.sampleRate,
    };
  });
}

/** Renders on the calling thread (CLI, tests). */
export function createInlineSynth(): SynthRunner {
  return {
    render: (music, options = {}) => handleSynthJob({ kind: 'render', music, options }) as Promise<RenderedMusic>,
    renderWav: (music, options = {}) => handleSynthJob({ kind: 'render-wav', music, options }) as Promise<RenderedWav>,
    dispose: () => Promise.resolve(),
  };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: AppError) => void;
}

/**
 * One worker thread, jobs in order (one synth keeps a core busy, and each extra thread would
 * hold its own parsed SoundFont). A crashed worker fails its pending jobs with a clear error and
 * is replaced on the next call; an idle one does not keep the process alive.
 */
export function createWorkerSynth(workerScript: string | URL): SynthRunner {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const failAll = (message: string): void => {
    for (const job of pending.values()) job.reject(new AppError('INTERNAL', message));
    pending.clear();
  };

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const started = new Worker(workerScript);
    started.on('message', (message: unknown) => {
      const { id, ok, value, error } = message as { id: number; ok: boolean; value?: unknown; error?: unknown };
      const job = pending.get(id);
      if (!job) return;
      pending.delete(id);
      if (ok) job.resolve(value);
      else {
        const payload = errorPayloadSchema.parse(error);
        job.reject(new AppError(payload.code, payload.message));
      }
    });
    started.on('error', (error) => {
      failAll(`the synth worker failed: ${toErrorPayload(error).message}`);
      worker = null;
    });
    started.on('exit', (code) => {
      if (pending.size > 0) failAll(`the synth worker stopped unexpectedly (exit code ${code})`);
      worker = null;
    });
    started.unref();
    worker = started;
    return started;
  };

  const run = <T>(job: SynthJob): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const active = ensureWorker();
      active.ref();
      active.postMessage({ id, job });
    }).finally(() => {
      if (pending.size === 0) worker?.unref();
    });

  return {
    render: (music, options = {}) => run<RenderedMusic>({ kind: 'render', music, options }),
    renderWav: (music, options = {}) => run<RenderedWav>({ kind: 'render-wav', music, options }),
    dispose: async () => {
      failAll('the synth worker was shut down');
      await worker?.terminate();
      worker = null;
    },
  };
}
