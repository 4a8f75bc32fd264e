/**
 * The demo: the main job on the bundled clip (resources/demo). It imports the clip into the
 * library (once — a second run finds it by content), cuts the training clip, prepares the mono
 * 16 kHz audio, trains a model on it (unless a finished demo model exists) with the preset that
 * fits the machine — studio where training runs on a GPU, else quick inside a short budget —
 * and generates takes in every mode the model offers (DEMO_TAKES), reusing the takes an earlier
 * run made. Later stages (export) extend this same function.
 *
 * It lives beside core.ts, not among the services, because it is not a feature: it is a script
 * over three of them (library, training, takes) and uses only what the core hands out, as any
 * front end would. Features never import each other; an orchestrator over the core may.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from './common/errors.js';
import type { AudioFile, Clip } from './common/dto.js';
import type { GenerateRequest, GenerationMode, Take } from './common/generation.js';
import type { Model, PresetName } from './common/training.js';
import type { Core } from './core.js';
import { packagePath } from './node/package-root.js';
import { sha256Hex } from './services/store/audio-store.js';

export const DEMO_FILE = packagePath('resources', 'demo', 'eureka-demo.flac');
export const DEMO_SONG_NAME = 'Eureka demo: Night Drive';
/**
 * The training clip: 8 s of the 32 s bounce. The paper trained 25 s clips, but on a 2-core CPU
 * even the quick preset's cheapest settings need about 10 minutes for 24 s; 8 s trains in the
 * demo's budget and still holds two bars of the groove.
 */
export const DEMO_CLIP = { start: 4, end: 12 } as const;
/** The rate the studio preset trains its finest scale at (docs/caw-spec.md §2: 16 kHz). */
export const DEMO_TRAINING_RATE = 16_000;

export interface DemoResult {
  file: AudioFile;
  clip: Clip;
  /** Whether this run imported the file (false when an earlier run had). */
  imported: boolean;
  trainingAudio: { sampleRate: number; samples: number; path: string };
  /** The demo model: trained now, found from an earlier run, or null when training was skipped. */
  model: Model | null;
  /** The demo's takes (made now or by an earlier run), with their files. */
  takes: (Take & { file: string })[];
}

/**
 * The demo's default training budget: short, so the demo stays a demo, yet enough for the quick
 * preset's cheapest settings on the 8 s clip on a 2-core machine (about 4 minutes there).
 */
export const DEMO_BUDGET_SECONDS = 300;

/**
 * The takes the demo makes, per mode, where the model offers the mode: two new takes of 30 s,
 * then one of every clip-length mode. Fixed seeds, so every machine's demo makes the same takes
 * (on the same execution provider).
 */
export const DEMO_TAKES: readonly { mode: GenerationMode; count: number; seconds?: number }[] = [
  { mode: 'new', count: 2, seconds: 30 },
  { mode: 'variation', count: 1 },
  { mode: 'reconstruct', count: 1 },
  { mode: 'extend', count: 1 },
  { mode: 'gap', count: 1 },
  { mode: 'denoise', count: 1 },
];
export const DEMO_SEED = '1';

export interface DemoOptions {
  /** Train (default) or stop after preparing the audio. */
  train?: boolean;
  /** Generate takes after training (default). */
  generate?: boolean;
  /** Where training runs: the GPU gets the studio preset, the CPU quick in `budgetSeconds` [cpu]. */
  device?: 'cpu' | 'cuda';
  budgetSeconds?: number;
  onStep?: (step: string) => void;
  /** Follows the training run (progress, Ctrl-C); resolves with the model once it ends. */
  follow?: (modelId: number) => Promise<Model>;
  /** Makes a batch of takes and resolves with them once finished (the CLI follows with progress). */
  makeTakes?: (request: GenerateRequest) => Promise<Take[]>;
}

export async function runDemo(core: Pick<Core, 'library' | 'training' | 'takes'>, options: DemoOptions = {}): Promise<DemoResult> {
  const { library, training, takes: takesService } = core;
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
      const preset: PresetName = options.device === 'cuda' ? 'studio' : 'quick';
      const budget = options.budgetSeconds ?? DEMO_BUDGET_SECONDS;
      onStep(
        preset === 'studio'
          ? 'training the demo clip with the studio preset on the GPU'
          : `training the demo clip with the quick preset in a ${Math.round(budget)} s budget`,
      );
      // A busy or slow machine still finishes the demo: the cheapest quick settings, over budget.
      const created = await training.create({
        clipId: clip.id,
        preset,
        ...(preset === 'quick' ? { budgetSeconds: budget, overBudget: 'cheapest' as const } : {}),
      });
      model = await (options.follow ?? ((id: number) => training.waitFor(id)))(created.id);
      if (model.status === 'failed') throw new AppError('INTERNAL', `the demo training failed: ${model.error ?? 'no reason given'}`);
    }
  }
  const takes = model?.status === 'done' && options.generate !== false ? await demoTakes(takesService, model, options) : [];
  return {
    file,
    clip,
    imported,
    trainingAudio: { sampleRate: DEMO_TRAINING_RATE, samples: audio.samples.length, path: audio.path },
    model,
    takes: takes.map((take) => ({ ...take, file: takesService.filePath(take.id) })),
  };
}

/** The demo's takes in every mode the model offers: those an earlier run made, plus the missing ones. */
async function demoTakes(service: Core['takes'], model: Model, options: DemoOptions): Promise<Take[]> {
  const onStep = options.onStep ?? (() => undefined);
  const makeTakes =
    options.makeTakes ?? (async (request: GenerateRequest) => service.waitForBatch((await service.generate(request)).batchId));
  const modes = new Map((await service.listModes(model.id)).map((m) => [m.mode, m]));
  const existing = service.list({ modelId: model.id }).filter((take) => take.status === 'ready' && take.hasFile);
  const takes: Take[] = [];
  for (const wanted of DEMO_TAKES) {
    if (!modes.get(wanted.mode)?.available) continue;
    const found = existing.filter((take) => take.settings.mode === wanted.mode && (wanted.seconds === undefined || take.settings.seconds === wanted.seconds));
    const kept = found.slice(0, wanted.count).reverse(); // oldest first, as they were made
    takes.push(...kept);
    const missing = wanted.count - kept.length;
    if (missing === 0) continue;
    onStep(`generating ${missing} ${wanted.mode} take(s)${wanted.seconds === undefined ? '' : ` of ${wanted.seconds} s`}`);
    const made = await makeTakes({
      modelId: model.id,
      mode: wanted.mode,
      count: missing,
      seed: String(BigInt(DEMO_SEED) + BigInt(kept.length)),
      ...(wanted.seconds === undefined ? {} : { seconds: wanted.seconds }),
    });
    const failed = made.find((take) => take.status === 'failed');
    if (failed) throw new AppError('INTERNAL', `the demo's ${wanted.mode} take failed: ${failed.error ?? 'no reason given'}`);
    takes.push(...made);
  }
  return takes;
}
