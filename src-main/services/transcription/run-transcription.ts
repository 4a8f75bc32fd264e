/**
 * The job a transcription worker runs: 22050 Hz mono audio through Spotify's basic-pitch model
 * (its tfjs graph, shipped in the npm package, Apache-2.0) on tfjs's pure-JavaScript CPU
 * backend, then basic-pitch's own note decoding (outputToNotesPoly, addPitchBendsToNoteEvents)
 * with the request's settings. Times come back in seconds from the audio's start; turning them
 * into a part's beats is part-music.ts's job.
 *
 * The CPU backend is the only one that runs offline in Node with what the package brings
 * (tfjs-node needs a native download, WebGL a browser): about 1.6 s of CPU per second of audio,
 * measured in docs/midi.md "Transcription".
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BasicPitch, addPitchBendsToNoteEvents, noteFramesToTime, outputToNotesPoly } from '@spotify/basic-pitch';
import { AppError } from '../../common/errors.js';
import type { TranscriptionSettings } from '../../common/transcription.js';

/** The rate basic-pitch listens at. */
export const MODEL_SAMPLE_RATE = 22050;
/** Its output frames per second (22050 / 256 hop, floored as the model's constants do). */
export const MODEL_FRAME_RATE = Math.floor(MODEL_SAMPLE_RATE / 256);
/** The lowest MIDI note of its 88 output bins (A0). */
const LOWEST_PITCH = 21;
/** Its pitch contour has 3 bins per semitone. */
const CONTOUR_BINS_PER_SEMITONE = 3;

/** One note as the model heard it: seconds from the audio's start. */
export interface HeardNote {
  pitch: number;
  startSeconds: number;
  durationSeconds: number;
  /** 0..1: the mean frame activation over the note (basic-pitch's "amplitude"). */
  amplitude: number;
  /** The contour's pitch offset in semitones at each model frame of the note, from its start. */
  bendSemitones: number[];
}

export interface TranscriptionJob {
  /** Mono float samples at MODEL_SAMPLE_RATE. */
  audio: Float32Array;
  settings: TranscriptionSettings;
}

/** Thrown through basic-pitch's progress callback to stop between windows. */
export class TranscriptionCancelled extends Error {
  constructor() {
    super('the transcription was cancelled');
    this.name = 'TranscriptionCancelled';
  }
}

let model: Promise<tf.GraphModel> | null = null;

/** The package's model folder, wherever the package was installed. */
function modelFolder(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@spotify/basic-pitch/package.json')), 'model');
}

/** Loads the graph once per thread from the package's files (no fetch: tfjs's file loading needs tfjs-node). */
export function loadModel(): Promise<tf.GraphModel> {
  if (model) return model;
  model = (async () => {
    // PROD silences tfjs's console advice to install tfjs-node (stderr belongs to the CLI's progress).
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    const folder = modelFolder();
    const manifest = JSON.parse(await readFile(path.join(folder, 'model.json'), 'utf8')) as {
      modelTopology: object;
      format?: string;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const buffers = await Promise.all(manifest.weightsManifest.flatMap((group) => group.paths.map((file) => readFile(path.join(folder, file)))));
    const weights = Buffer.concat(buffers);
    return tf.loadGraphModel({
      load: () =>
        Promise.resolve({
          modelTopology: manifest.modelTopology,
          ...(manifest.format ? { format: manifest.format } : {}),
          weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        }),
    });
  })();
  model.catch(() => (model = null));
  return model;
}

/** The model's raw output: frames, onsets (88 bins) and contours (264 bins), one row per frame. */
export interface ModelOutput {
  frames: number[][];
  onsets: number[][];
  contours: number[][];
}

/**
 * Runs the model over `audio`, window by window (2 s each), telling `onProgress` the fraction
 * done; `isCancelled` is asked between windows (basic-pitch's progress callback is the only
 * place its loop lets us in, so a cancel is thrown from there).
 */
export async function evaluateModel(
  audio: Float32Array,
  onProgress: (fraction: number) => void,
  isCancelled: () => boolean = () => false,
): Promise<ModelOutput> {
  if (audio.length < MODEL_SAMPLE_RATE / 10) throw new AppError('INVALID_INPUT', 'the audio is too short to transcribe (under 0.1 s)');
  const basicPitch = new BasicPitch(loadModel());
  const output: ModelOutput = { frames: [], onsets: [], contours: [] };
  await basicPitch.evaluateModel(
    audio,
    (frames, onsets, contours) => {
      output.frames.push(...frames);
      output.onsets.push(...onsets);
      output.contours.push(...contours);
    },
    (fraction) => {
      // Asked after the report too, so a cancel made while hearing it stops before the next window.
      if (isCancelled()) throw new TranscriptionCancelled();
      onProgress(fraction);
      if (isCancelled()) throw new TranscriptionCancelled();
    },
  );
  return output;
}

/** basic-pitch's note decoding with the settings; `output` is not changed. */
export function decodeNotes(output: ModelOutput, settings: TranscriptionSettings): HeardNote[] {
  if (output.frames.length === 0) return [];
  // The pitch range as whole bins, zeroed before decoding (basic-pitch's own Hz limits truncate
  // a fractional bin index, which can drop the edge note).
  const keep = (row: number[]) => row.map((value, bin) => (bin + LOWEST_PITCH >= settings.minPitch && bin + LOWEST_PITCH <= settings.maxPitch ? value : 0));
  const frames = output.frames.map(keep);
  const onsets = output.onsets.map(keep);
  const minNoteFrames = Math.max(1, Math.round((settings.minNoteMs / 1000) * MODEL_FRAME_RATE));
  const events = outputToNotesPoly(frames, onsets, settings.onsetThreshold, settings.frameThreshold, minNoteFrames, true, null, null, settings.melodiaTrick);
  const withBends = settings.pitchBends ? addPitchBendsToNoteEvents(output.contours, events) : events;
  return noteFramesToTime(withBends)
    .map((note) => ({
      pitch: note.pitchMidi,
      startSeconds: Math.max(0, note.startTimeSeconds),
      durationSeconds: note.durationSeconds,
      amplitude: note.amplitude,
      bendSemitones: (note.pitchBends ?? []).map((bins) => bins / CONTOUR_BINS_PER_SEMITONE),
    }))
    .filter((note) => note.durationSeconds > 0)
    .sort((a, b) => a.startSeconds - b.startSeconds || a.pitch - b.pitch);
}

/** The whole job: model, then notes. */
export async function runTranscription(
  job: TranscriptionJob,
  onProgress: (fraction: number) => void,
  isCancelled?: () => boolean,
): Promise<HeardNote[]> {
  const output = await evaluateModel(job.audio, onProgress, isCancelled);
  return decodeNotes(output, job.settings);
}
