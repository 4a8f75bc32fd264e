/**
 * The demo: the main job on the bundled clip (resources/demo). It imports the clip into the
 * library (once — a second run finds it by content), cuts the training clip, prepares the mono
 * 16 kHz audio, and trains a model on it with the quick preset inside a short budget (unless a
 * finished demo model exists). Later stages (generate, export) extend this same function.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../common/errors.js';
import type { AudioFile, Clip } from '../common/dto.js';
import type { Model } from '../common/training.js';
import type { LibraryService } from './library/library-service.js';
import type { TrainingService } from './training/training-service.js';
import { packagePath } from '../node/package-root.js';
import { sha256Hex } from './store/audio-store.js';

export const DEMO_FILE = packagePath('resources', 'demo', 'eureka-demo.flac');
export const DEMO_SONG_NAME = 'Eureka demo: Night Drive';
/**
 * The training clip: 8 s of the 32 s bounce. The paper trained 25 s clips, but on a 2-core CPU
 * even the quick preset's cheapest settings need about 10 minutes for 24 s; 8 s trains in the
 * demo's budget and still holds two bars of the groove.
 */
export const DEMO_CLIP = { start: 4, end: 12 } as const;
/** The rate the studio preset trains its finest scale at (caw-spec: 16 kHz). */
export const DEMO_TRAINING_RATE = 16_000;

export interface DemoResult {
  file: AudioFile;
  clip: Clip;
  /** Whether this run imported the file (false when an earlier run had). */
  imported: boolean;
  trainingAudio: { sampleRate: number; samples: number; path: string };
  /** The demo model: trained now, found from an earlier run, or null when training was skipped. */
  model: Model | null;
}

/**
 * The demo's default training budget: short, so the demo stays a demo, yet enough for the quick
 * preset's cheapest settings on the 8 s clip on a 2-core machine (about 4 minutes there).
 */
export const DEMO_BUDGET_SECONDS = 300;

export interface DemoOptions {
  /** Train (default) or stop after preparing the audio. */
  train?: boolean;
  budgetSeconds?: number;
  onStep?: (step: string) => void;
  /** Follows the training run (progress, Ctrl-C); resolves with the model once it ends. */
  follow?: (modelId: number) => Promise<Model>;
}

export async function runDemo(
  services: { library: LibraryService; training: TrainingService },
  options: DemoOptions = {},
): Promise<DemoResult> {
  const { library, training } = services;
  const onStep = options.onStep ?? (() => undefined);
  onStep('reading the bundled demo clip');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(DEMO_FILE);
  } catch {
    throw new AppError('INTERNAL', `the demo clip is missing from this installation (${DEMO_FILE})`);
  }
  const sha256 = sha256Hex(bytes);
  let file = library
    .listSongs()
    .flatMap((song) => song.files)
    .find((candidate) => candidate.sha256 === sha256);
  const imported = file === undefined;
  if (!file) {
    onStep('importing it into the library');
    const result = await library.importFiles([{ name: 'eureka-demo.flac', data: bytes }], { songName: DEMO_SONG_NAME });
    const failure = result.failures[0];
    if (failure) throw new AppError(failure.error.code, failure.error.message);
    file = result.files[0];
    if (!file) throw new AppError('INTERNAL', 'the demo import returned no file');
  }
  onStep('cutting the training clip');
  const existing = library
    .listClips(file.songId)
    .find((clip) => clip.fileId === file.id && clip.start === DEMO_CLIP.start && clip.end === DEMO_CLIP.end);
  const clip =
    existing ??
    library.addClip({
      songId: file.songId,
      fileId: file.id,
      start: DEMO_CLIP.start,
      end: DEMO_CLIP.end,
      label: 'U',
      split: 'train',
      notes: 'The demo clip: new material from the first 8 s of the groove.',
    });
  onStep(`preparing mono ${DEMO_TRAINING_RATE / 1000} kHz training audio`);
  const audio = await library.trainingAudio(clip.id, DEMO_TRAINING_RATE);
  let model: Model | null = null;
  if (options.train !== false) {
    model = training.list(clip.id).find((candidate) => candidate.status === 'done') ?? null;
    if (model) {
      onStep(`found the trained demo model ${model.id}`);
    } else {
      const budget = options.budgetSeconds ?? DEMO_BUDGET_SECONDS;
      onStep(`training the demo clip with the quick preset in a ${Math.round(budget)} s budget`);
      const created = await training.create({ clipId: clip.id, preset: 'quick', budgetSeconds: budget });
      model = await (options.follow ?? ((id: number) => training.waitFor(id)))(created.id);
      if (model.status === 'failed') throw new AppError('INTERNAL', `the demo training failed: ${model.error ?? 'no reason given'}`);
    }
  }
  return {
    file,
    clip,
    imported,
    trainingAudio: { sampleRate: DEMO_TRAINING_RATE, samples: audio.samples.length, path: audio.path },
    model,
  };
}
