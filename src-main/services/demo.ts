/**
 * The demo: the main job on the bundled clip (resources/demo). At this stage it imports the
 * clip into the library (once — a second run finds it by content), cuts the training clip,
 * and prepares the mono 16 kHz audio the trainer reads. Later stages (train, generate,
 * export) extend this same function.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../common/errors.js';
import type { AudioFile, Clip } from '../common/dto.js';
import type { LibraryService } from './library/library-service.js';
import { packagePath } from '../node/package-root.js';
import { sha256Hex } from './store/audio-store.js';

export const DEMO_FILE = packagePath('resources', 'demo', 'eureka-demo.flac');
export const DEMO_SONG_NAME = 'Eureka demo: Night Drive';
/** The training clip: 24 s of the 32 s bounce, like the paper's 25 s clips. */
export const DEMO_CLIP = { start: 4, end: 28 } as const;
/** The rate the studio preset trains its finest scale at (caw-spec: 16 kHz). */
export const DEMO_TRAINING_RATE = 16_000;

export interface DemoResult {
  file: AudioFile;
  clip: Clip;
  /** Whether this run imported the file (false when an earlier run had). */
  imported: boolean;
  trainingAudio: { sampleRate: number; samples: number; path: string };
}

export async function runDemo(library: LibraryService, onStep: (step: string) => void = () => {}): Promise<DemoResult> {
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
      notes: 'The demo clip: new material from the first 24 s of the groove.',
    });
  onStep(`preparing mono ${DEMO_TRAINING_RATE / 1000} kHz training audio`);
  const training = await library.trainingAudio(clip.id, DEMO_TRAINING_RATE);
  return {
    file,
    clip,
    imported,
    trainingAudio: { sampleRate: DEMO_TRAINING_RATE, samples: training.samples.length, path: training.path },
  };
}
