/**
 * Decoding and analysing a bounce is seconds of CPU (wasm FLAC/MP3 decoders, BS.1770 over
 * every sample), so the desktop app and web mode run it on a worker thread and the event loop
 * stays free; the CLI and unit tests may run it inline. Both go through {@link AudioProcessor}.
 */
import { AppError } from '../../common/errors.js';
import { createJobThread } from '../../node/job-thread.js';
import { analyseAudio, checkImportable } from './analysis/measure.js';
import { estimateMusicalTime, type MusicalTimeEstimate } from './analysis/musical-time.js';
import { decodeAudio, type AudioFormat } from './decode.js';
import { mixToMono, resample } from './resample.js';
import { encodeWav } from './wav.js';

/** What an import needs to know about a file, plus the copy the UI streams. */
export interface ProcessedAudio {
  format: AudioFormat;
  sampleRate: number;
  channels: number;
  frames: number;
  durationSeconds: number;
  peakDbfs: number;
  loudnessLufs: number | null;
  /** 16-bit PCM WAV at the file's rate, mono or stereo: every browser plays it. */
  playbackWav: Uint8Array;
  /** Tempo, first downbeat and key, as the analysis estimates them. */
  musicalTime: MusicalTimeEstimate;
}

/** A region of a file as mono float samples at a chosen rate, for training. */
export interface TrainingAudioRequest {
  name: string;
  bytes: Uint8Array;
  startSeconds: number;
  endSeconds: number;
  sampleRate: number;
}

export interface AudioProcessor {
  /** Decodes, validates (throws AppError) and measures an imported file. */
  process(name: string, bytes: Uint8Array, limits: { maxSeconds: number }): Promise<ProcessedAudio>;
  /** Mono mix-down of a region, resampled with libsamplerate's best sinc. */
  prepareTraining(request: TrainingAudioRequest): Promise<Float32Array>;
  /** Decodes a file already in the library and estimates its musical time (songs imported before the analysis existed). */
  estimateMusicalTime(name: string, bytes: Uint8Array): Promise<MusicalTimeEstimate>;
  dispose(): Promise<void>;
}

export async function processAudio(
  name: string,
  bytes: Uint8Array,
  limits: { maxSeconds: number },
): Promise<ProcessedAudio> {
  const audio = await decodeAudio(bytes, name, limits);
  const analysis = analyseAudio(audio);
  checkImportable(name, audio, analysis, limits);
  const playbackChannels = audio.channels.length <= 2 ? audio.channels : [mixToMono(audio.channels)];
  return {
    format: audio.format,
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    frames: analysis.frames,
    durationSeconds: analysis.durationSeconds,
    peakDbfs: analysis.peakDbfs,
    loudnessLufs: analysis.loudnessLufs,
    playbackWav: encodeWav({ sampleRate: audio.sampleRate, channels: playbackChannels }, { bitDepth: 16 }),
    musicalTime: estimateMusicalTime(audio),
  };
}

export async function estimateFileMusicalTime(name: string, bytes: Uint8Array): Promise<MusicalTimeEstimate> {
  return estimateMusicalTime(await decodeAudio(bytes, name));
}

export async function prepareTrainingAudio(request: TrainingAudioRequest): Promise<Float32Array> {
  const audio = await decodeAudio(request.bytes, request.name);
  const first = Math.round(request.startSeconds * audio.sampleRate);
  const last = Math.min(Math.round(request.endSeconds * audio.sampleRate), audio.channels[0]?.length ?? 0);
  if (first >= last) {
    throw new AppError('INVALID_INPUT', `${request.name}: the region is outside the file`);
  }
  const region = audio.channels.map((channel) => channel.subarray(first, last));
  return resample(mixToMono(region), audio.sampleRate, request.sampleRate, 'best');
}

/** Runs everything on the calling thread (CLI, tests). */
export function createInlineProcessor(): AudioProcessor {
  return {
    process: processAudio,
    prepareTraining: prepareTrainingAudio,
    estimateMusicalTime: estimateFileMusicalTime,
    dispose: () => Promise.resolve(),
  };
}

type WorkerJob =
  | { kind: 'process'; name: string; bytes: Uint8Array; maxSeconds: number }
  | { kind: 'prepare-training'; request: TrainingAudioRequest }
  | { kind: 'musical-time'; name: string; bytes: Uint8Array };

/**
 * One worker thread, jobs queued in order (a 2-core laptop gains nothing from more, and one
 * decoded song can take hundreds of MB); node/job-thread.ts replaces a crashed one.
 */
export function createWorkerProcessor(workerUrl: URL): AudioProcessor {
  const thread = createJobThread(workerUrl, { name: 'audio' });
  const run = <T>(job: WorkerJob): Promise<T> => thread.run<T>(job);

  return {
    process: (name, bytes, limits) =>
      run<ProcessedAudio>({ kind: 'process', name, bytes, maxSeconds: limits.maxSeconds }),
    prepareTraining: (request) => run<Float32Array>({ kind: 'prepare-training', request }),
    estimateMusicalTime: (name, bytes) => run<MusicalTimeEstimate>({ kind: 'musical-time', name, bytes }),
    dispose: () => thread.dispose(),
  };
}

/** The worker side: answers jobs posted by {@link createWorkerProcessor}. */
export async function handleWorkerJob(job: WorkerJob): Promise<unknown> {
  switch (job.kind) {
    case 'process':
      return processAudio(job.name, job.bytes, { maxSeconds: job.maxSeconds });
    case 'prepare-training':
      return prepareTrainingAudio(job.request);
    case 'musical-time':
      return estimateFileMusicalTime(job.name, job.bytes);
  }
}
