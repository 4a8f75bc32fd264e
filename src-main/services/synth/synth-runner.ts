/**
 * Where the synth runs. A part of a few minutes is seconds of CPU in JavaScript, so the desktop
 * app and web mode render on a worker thread (workers/synth-worker.ts) and the event loop keeps
 * answering; the CLI and unit tests may render inline. Both go through {@link SynthRunner}. The
 * thread is a node/job-thread.ts, like the audio processor's; it parses the SoundFont once
 * (soundfont.ts).
 */
import type { PartMusic } from '../../common/midi.js';
import { createJobThread } from '../../node/job-thread.js';
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

/**
 * One worker thread, jobs in order (one synth keeps a core busy, and each extra thread would
 * hold its own parsed SoundFont); node/job-thread.ts replaces a crashed one and lets an idle
 * one not keep the process alive.
 */
export function createWorkerSynth(workerScript: string | URL): SynthRunner {
  const thread = createJobThread(workerScript, { name: 'synth' });
  const run = <T>(job: SynthJob): Promise<T> => thread.run<T>(job);

  return {
    render: (music, options = {}) => run<RenderedMusic>({ kind: 'render', music, options }),
    renderWav: (music, options = {}) => run<RenderedWav>({ kind: 'render-wav', music, options }),
    dispose: () => thread.dispose(),
  };
}
