/**
 * The headless core: every service built in dependency order over one data directory and wired
 * by hand, and the handlers that implement the IPC contract on top of them. Features never
 * import each other; they meet here, through the small interfaces their options ask for and the
 * core's events. The Electron app, web mode, the CLI and the tests all start here; nothing in
 * it imports electron.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { AppInfo, ApiHandlers, EventName, EventPayloadOf } from './common/ipc-contract.js';
import { DEFAULT_MAX_CLIP_SECONDS, DEFAULT_MAX_IMPORT_SECONDS, type LibraryLimits } from './common/limits.js';
import { AppError, orNull, toErrorPayload } from './common/errors.js';
import { openDatabase, type Db } from './db/database.js';
import { chooseTrainingDevice, describeCompute } from './addon/device.js';
import { loadNativeAddon } from './addon/binding.js';
import { createInlineProcessor, createWorkerProcessor, type AudioProcessor } from './services/audio/processor.js';
import { forkWorker, resolveWorkerScript, type WorkerLauncher } from './node/worker-process.js';
import { JobSlot } from './node/job-slot.js';
import { createPhraseModels } from './core-phrase-models.js';
import { createPhraseTakes } from './core-phrase-takes.js';
import type { PhraseTakesService } from './services/phrase-takes/phrase-takes-service.js';
import type { PhraseTrainingService } from './services/phrase-training/phrase-training-service.js';
import { ensureDataDir } from './services/store/data-dir.js';
import { LibraryRepository } from './services/library/library-repository.js';
import { LibraryService } from './services/library/library-service.js';
import type { DependentFacts, DependentScope, LibraryDependents } from './services/library/library-deletion.js';
import { AudioStore } from './services/store/audio-store.js';
import { removeRowlessFolders, sweepDataDir } from './services/store/leftovers.js';
import { MODELS_DIR } from './services/models/model-files.js';
import { ModelRepository } from './services/training/model-repository.js';
import { TrainingService } from './services/training/training-service.js';
import { TakesService } from './services/takes/takes-service.js';
import { TakeRepository } from './services/takes/take-repository.js';
import { exportPartOf } from './services/export/export-parts.js';
import { exportPhraseTakeOf } from './services/export/export-phrase-takes.js';
import { sessionPhraseTakeOf } from './services/rating/midi-material.js';
import { phraseModelDirOf, readPhraseCorpus } from './services/models/phrase-model-files.js';
import { ExportService, type ExportHost } from './services/export/export-service.js';
import { defaultExportRoot } from './services/export/export-destination.js';
import { MetricsRepository } from './services/metrics/metrics-repository.js';
import { createWorkerRunner } from './services/metrics/metrics-runner.js';
import { MetricsService } from './services/metrics/metrics-service.js';
import { RatingRepository } from './services/rating/rating-repository.js';
import { RatingService } from './services/rating/rating-service.js';
import { RatingResults } from './services/rating/results.js';
import { buildSession, STAGING_PREFIX as RATING_STAGING_PREFIX, type SessionDeps } from './services/rating/session-builder.js';
import type { MediaRef } from './common/media.js';
import { PartsRepository } from './services/parts/parts-repository.js';
import { PartsService } from './services/parts/parts-service.js';
import { APP_VERSION } from './version.js';
import { TranscriptionService } from './services/transcription/transcription-service.js';
import { createInlineRunner as createInlineTranscriber, createWorkerRunner as createWorkerTranscriber } from './services/transcription/transcription-runner.js';
import { PartPlayback, type PartSound } from './services/synth/part-playback.js';
import { createInlineSynth, createWorkerSynth, type SynthRunner } from './services/synth/synth-runner.js';

/** The app's folder picker and reveal, as the export service asks for them (app/export-host.ts implements it). */
export type { ExportHost } from './services/export/export-service.js';

export interface CoreOptions {
  dataDir: string;
  limits?: Partial<LibraryLimits>;
  /**
   * "worker" decodes on a worker thread (the app, web mode); "inline" on the caller's thread
   * (CLI, unit tests, where the TypeScript sources run without a build).
   */
  audio?: 'inline' | 'worker';
  /** better_sqlite3.node for this runtime, when it is not the one in node_modules (Electron). */
  sqliteBinding?: string;
  host?: AppInfo['host'];
  /**
   * Which training jobs this core runs: 'all' queued jobs in order (the app, web mode), or only
   * those it was asked to start or resume ('own', the default: CLI commands and tests).
   */
  runQueue?: 'all' | 'own';
  /** How training and generation workers start: child_process.fork by default, utilityProcess in Electron. */
  launchWorker?: WorkerLauncher;
  /**
   * Where basic-pitch listens: a worker thread per job ('worker', the default: the app, web mode,
   * the CLI) or the caller's thread ('inline': tests running the TypeScript sources unbuilt).
   */
  transcription?: 'inline' | 'worker';
  /** Worker threads that measure takes [one per core, at most 4]. */
  metricsThreads?: number;
  /** The onnxruntime execution provider generation asks for [auto: CUDA when it works, else the CPU]. */
  executionProvider?: 'auto' | 'cpu' | 'cuda';
  /** Where exports go by default, and the only place web mode may export to [EUREKA_EXPORT_DIR, else <Music or home>/Eureka Exports]. */
  exportRoot?: string;
  /** The app's folder picker and "Reveal in Finder/Explorer" (Electron's dialog and shell); absent in web mode and the CLI. */
  exportHost?: ExportHost;
}

export type CoreEventListener = <E extends EventName>(event: E, payload: EventPayloadOf<E>) => void;

export interface Core {
  readonly dataDir: string;
  readonly library: LibraryService;
  readonly training: TrainingService;
  /** Phrase models of the MIDI parts: training jobs (`phrase-models:*`, `eureka train --kind`). */
  readonly phraseModels: PhraseTrainingService;
  /** MIDI takes of the phrase models (`phrase-takes:*`, `eureka generate --mode continue|vary|interpolate`). */
  readonly phraseTakes: PhraseTakesService;
  /** Takes: generate, follow, keep or discard (the `takes:*` channels). */
  readonly takes: TakesService;
  readonly export: ExportService;
  /** Blind rating sessions: the answer key stays here, in the main process. */
  readonly rating: RatingService;
  /** The rating sessions' storage, answer key included (main process only: tests and the media route). */
  readonly ratingRepository: RatingRepository;
  readonly metrics: MetricsService;
  /** Clips and takes into MIDI parts with basic-pitch (`transcription:*`, `eureka transcribe`). */
  readonly transcription: TranscriptionService;
  /** MIDI parts and part clips (`parts:*`); transcription and the phrase models add parts through it. */
  readonly parts: PartsService;
  /** MIDI parts as playback WAVs, rendered by the General MIDI synth and cached (`parts:get-audio`, `eureka part --wav`). */
  readonly partAudio: PartPlayback;
  /** What a part or part clip sounds like, for the synth: its music and, for a clip, where its last bar ends. */
  partSound(target: { partId: number } | { partClipId: number }): PartSound;
  readonly handlers: ApiHandlers;
  /** The file a media reference names (NOT_FOUND when there is none). */
  mediaFile(ref: MediaRef): string;
  /** Subscribes to every event the core emits; returns the unsubscribe function. */
  subscribe(listener: CoreEventListener): () => void;
  /** Where band mates on the local network reach rater links (`eureka web --share`), told to the owner's UI; null: not shared. */
  setShareOrigin(origin: string | null): void;
  /** A folder this core exported, as a .zip to stream (web mode's download); any other folder is refused. */
  zipExport(folder: string): Promise<{ fileName: string; write(output: Writable): Promise<void> }>;
  dispose(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  await ensureDataDir(options.dataDir);
  const db: Db = openDatabase(path.join(options.dataDir, 'eureka.db'), {
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
  });
  const listeners = new Set<CoreEventListener>();
  const emit: CoreEventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  /** One event's payloads, for wiring a service to another's events. */
  const on = <E extends EventName>(name: E, handler: (payload: EventPayloadOf<E>) => void): void => {
    listeners.add((event: EventName, payload: unknown) => {
      if (event === name) handler(payload as EventPayloadOf<E>);
    });
  };
  const processor: AudioProcessor =
    options.audio === 'worker'
      ? createWorkerProcessor(new URL('./workers/audio-worker.js', import.meta.url))
      : createInlineProcessor();
  // The synth follows the decoder: a worker thread where an event loop must stay free.
  const synth: SynthRunner =
    options.audio === 'worker'
      ? createWorkerSynth(resolveWorkerScript(new URL('./workers/synth-worker.js', import.meta.url)))
      : createInlineSynth();
  const partAudio = new PartPlayback(new AudioStore(options.dataDir), synth);
  const limits: LibraryLimits = {
    maxImportSeconds: options.limits?.maxImportSeconds ?? DEFAULT_MAX_IMPORT_SECONDS,
    maxClipSeconds: options.limits?.maxClipSeconds ?? DEFAULT_MAX_CLIP_SECONDS,
  };
  // MIDI files join songs as bounces do: the library finds the song, the parts feature reads the
  // file and, for a new song, asks the library to make it inside its own transaction.
  const parts: PartsService = new PartsService(new PartsRepository(db), {
    store: new AudioStore(options.dataDir),
    songs: { exists: (songId) => library.hasSong(songId), create: (name, time) => library.createSong(name, time) },
    changed: (songIds, partIds) => emit('parts:did-change', { songIds, partIds }),
  });
  const library: LibraryService = new LibraryService(
    new LibraryRepository(db),
    new AudioStore(options.dataDir),
    processor,
    limits,
    (songIds) => emit('library:did-change', { songIds }),
    // Asked only when a song or clip is deleted, by when the features below exist.
    {
      describe: (scope) => dependents.describe(scope),
      remove: (scope) => dependents.remove(scope),
    },
    parts,
  );
  await sweepLeftovers(options.dataDir, library, parts);
  // Audio and phrase models train one job at a time between them.
  const jobSlot = new JobSlot();
  const training = new TrainingService(new ModelRepository(db), library, {
    slot: jobSlot,
    dataDir: options.dataDir,
    launch: options.launchWorker ?? forkWorker,
    workerScript: resolveWorkerScript(new URL('./workers/training-worker.js', import.meta.url)),
    runQueue: options.runQueue ?? 'own',
    chooseDevice: (requested) => chooseTrainingDevice(requested, () => describeCompute(loadNativeAddon())),
    events: {
      progress: (event) => emit('training:did-progress', event),
      changed: (modelIds) => emit('training:did-change', { modelIds }),
    },
  });
  // A model folder left without its row by a process killed while deleting the model.
  await removeRowlessFolders(path.join(options.dataDir, MODELS_DIR), (id) => orNull(() => training.get(id)) !== null);
  const phraseModels = await createPhraseModels({
    db, dataDir: options.dataDir, launch: options.launchWorker ?? forkWorker, runQueue: options.runQueue ?? 'own', slot: jobSlot, library, parts, emit,
    workerScript: resolveWorkerScript(new URL('./workers/training-worker.js', import.meta.url)),
  });
  const { phraseTakes, phraseTakeHandlers } = createPhraseTakes({ db, dataDir: options.dataDir, phraseModels: phraseModels.service, parts, library, partAudio, emit, on });
  const takes = new TakesService(new TakeRepository(db), {
    dataDir: options.dataDir,
    launch: options.launchWorker ?? forkWorker,
    workerScript: resolveWorkerScript(new URL('./workers/generation-worker.js', import.meta.url)),
    models: training,
    originals: {
      of: (model) =>
        model.clipId === null
          ? null
          : orNull(() => {
              const clip = library.getClip(model.clipId!);
              const file = library.getFile(clip.fileId);
              const original = { path: library.originalPath(file.id), name: file.originalName, start: clip.start, end: clip.end };
              return { songRate: file.sampleRate, original };
            }),
    },
    // Loaded on first use: the ONNX export code is not needed by most commands.
    describeModes: async (model, modelDir) => {
      const { describeModes } = await import('./services/takes/modes.js');
      return describeModes(loadNativeAddon(), model, modelDir);
    },
    executionProvider: options.executionProvider ?? 'auto',
    events: {
      progress: (event) => emit('takes:did-progress', event),
      changed: (takeIds, modelIds) => emit('takes:did-change', { takeIds, modelIds }),
    },
  });
  // A deleted model's takes folder goes with it (its rows went by cascade). Changes before this
  // point (orphans marked at start-up delete nothing) are covered by the takes service's own
  // start-up sweep of folders whose model is gone.
  on('training:did-change', ({ modelIds }) => void takes.modelsChanged(modelIds).catch(() => undefined));
  const exporter = new ExportService({
    dataDir: options.dataDir,
    exportRoot: options.exportRoot ?? defaultExportRoot(),
    ...(options.exportHost ? { host: options.exportHost } : {}),
    sources: {
      take: (takeId) => takes.get(takeId),
      takeFile: (takeId) => takes.filePath(takeId),
      model: (modelId) => training.get(modelId),
      modelDir: (modelId) => training.modelDir(modelId),
      clip: (clipId) => orNull(() => library.getClip(clipId)),
      song: (songId) => orNull(() => library.getSong(songId)),
      musicalTime: (songId) => library.ensureMusicalTime(songId).catch(() => null),
      originalFile: (fileId) => ({ path: library.originalPath(fileId), name: library.getFile(fileId).originalName }),
      parts: {
        part: (target) => {
          if ('partId' in target) return exportPartOf(parts.musicOf(target), parts.get(target.partId), null);
          const clip = parts.getClip(target.partClipId);
          return exportPartOf(parts.musicOf(target), parts.get(clip.partId), clip);
        },
        render: (music, renderOptions) => synth.render(music, renderOptions),
      },
      phraseTakes: {
        take: (takeId) => {
          const detail = phraseTakes.get(takeId);
          return exportPhraseTakeOf(detail, phraseModels.service.get(detail.modelId));
        },
      },
    },
    onProgress: (event) => emit('export:did-progress', event),
  });
  const metrics = new MetricsService(new MetricsRepository(db), {
    dataDir: options.dataDir,
    runner: createWorkerRunner(resolveWorkerScript(new URL('./workers/metrics-worker.js', import.meta.url)), options.metricsThreads),
    takes,
    models: training,
    library,
    onProgress: (event) => emit('metrics:did-progress', event),
  });
  // Transcription reads clips from the library and takes from the takes service, and stores
  // what it hears as parts through the parts feature.
  const transcription = new TranscriptionService({
    ports: {
      clip: (clipId) => {
        const clip = library.getClip(clipId);
        const file = library.getFile(clip.fileId);
        return { songId: clip.songId, start: clip.start, end: clip.end, notes: clip.notes, filePath: library.originalPath(file.id), fileName: file.originalName };
      },
      take: (takeId) => {
        const take = takes.get(takeId);
        return { songId: take.songId, name: take.name, filePath: takes.filePath(takeId), durationSeconds: take.durationSeconds };
      },
      musicalTime: (songId) => library.ensureMusicalTime(songId),
      parts: {
        addPart: (input) => parts.addPart(input),
        replaceMusic: (partId, music, settings) => parts.replaceMusic(partId, music, settings),
        get: (partId) => parts.get(partId),
      },
    },
    audio: processor,
    runner:
      options.transcription === 'inline'
        ? createInlineTranscriber()
        : createWorkerTranscriber(resolveWorkerScript(new URL('./workers/transcription-worker.js', import.meta.url))),
    onProgress: (event) => emit('transcription:did-progress', event),
  });
  const ratings = new RatingRepository(db, options.dataDir);
  // Sessions of MIDI takes: real phrases are a model's held-out ones, else a song's own parts (never a take's).
  const sessionPhrases: SessionDeps['phrases'] = {
    take: (takeId) => sessionPhraseTakeOf(phraseTakes.get(takeId)),
    heldOutPhrases: async (modelId) => (await readPhraseCorpus(phraseModelDirOf(options.dataDir, modelId))).heldOut,
    songParts: (songId) => parts.list(songId).filter((part) => part.source !== 'model').map((part) => ({ partId: part.id, music: parts.musicOf({ partId: part.id }) })),
    render: (music, renderOptions) => synth.render(music, renderOptions),
  };
  const dependents = libraryDependents(training, takes, ratings, parts);
  const rating = new RatingService({
    repository: ratings,
    build: (draft) => buildSession({ library, takes, training, dataDir: options.dataDir, ratings, phrases: sessionPhrases }, draft),
    analysis: new RatingResults(ratings),
    changed: (sessionIds) => emit('rating:did-change', { sessionIds }),
  });
  // Renderers are the app's window (destinations only from the folder picker) or a browser page.
  const exportCaller = options.host === 'electron' ? 'electron' : 'web';

  let shareOrigin: string | null = null;
  const handlers: ApiHandlers = {
    'app:get-info': () => Promise.resolve(appInfo(options, shareOrigin)),
    'library:list-songs': () => Promise.resolve(library.listSongs()),
    'library:get-song': ({ songId }) => Promise.resolve(library.getSong(songId)),
    'library:rename-song': ({ songId, name }) => Promise.resolve(library.renameSong(songId, name)),
    'library:set-musical-time': ({ songId, patch }) => library.setMusicalTime(songId, patch),
    'library:import-files': ({ files, songId, songName, position }) =>
      library.importFiles(files, {
        ...(songId === undefined ? {} : { songId }),
        ...(songName === undefined ? {} : { songName }),
        ...(position === undefined ? {} : { position }),
        onProgress: (progress) => emit('library:did-import-progress', progress),
      }),
    'library:list-clips': ({ songId }) => Promise.resolve(library.listClips(songId)),
    'library:add-clip': (draft) => Promise.resolve(library.addClip(draft)),
    'library:update-clip': ({ clipId, patch }) => Promise.resolve(library.updateClip(clipId, patch)),
    'library:delete-clip': async ({ clipId, withModels }) => {
      await library.deleteClip(clipId, { withModels });
      return { deleted: true as const };
    },
    'library:describe-deletion': (target) => Promise.resolve(library.describeDeletion(target)),
    'library:delete-song': async ({ songId }) => {
      await library.deleteSong(songId);
      return { deleted: true as const };
    },
    'parts:list': ({ songId }) => Promise.resolve(parts.list(songId)),
    'parts:get': ({ partId }) => Promise.resolve(parts.detail(partId)),
    'parts:rename': ({ partId, name }) => Promise.resolve(parts.rename(partId, name)),
    'parts:delete': ({ partId }) => {
      parts.delete(partId);
      return Promise.resolve({ deleted: true as const });
    },
    'parts:list-clips': ({ partId, songId }) => Promise.resolve(parts.listClips(partId === undefined ? { songId: songId! } : { partId })),
    'parts:add-clip': (draft) => Promise.resolve(parts.addClip(draft)),
    'parts:update-clip': ({ partClipId, patch }) => Promise.resolve(parts.updateClip(partClipId, patch)),
    'parts:delete-clip': ({ partClipId }) => {
      parts.deleteClip(partClipId);
      return Promise.resolve({ deleted: true as const });
    },
    'parts:get-audio': async (target) => {
      const { music, options: how } = partSound(parts, target);
      const { renderId, durationSeconds, sampleRate } = await partAudio.playbackOf(music, how);
      return { media: { kind: 'rendered' as const, renderId }, durationSeconds, sampleRate };
    },
    'training:list-presets': () => Promise.resolve(training.presets()),
    'training:list-models': ({ clipId }) => Promise.resolve(training.list(clipId)),
    'training:get-model': ({ modelId }) => Promise.resolve(training.get(modelId)),
    'training:forecast': (request) => training.forecast(request),
    'training:start': (request) => training.create(request),
    'training:cancel': ({ modelId }) => Promise.resolve(training.cancel(modelId)),
    'training:resume': ({ modelId }) => Promise.resolve(training.resume(modelId)),
    'training:delete-model': async ({ modelId }) => {
      await training.delete(modelId);
      return { deleted: true as const };
    },
    'training:get-losses': ({ modelId }) => training.losses(modelId),
    ...phraseModels.handlers,
    ...phraseTakeHandlers,
    'takes:list-modes': ({ modelId }) => takes.listModes(modelId),
    'takes:list': (filter) => Promise.resolve(takes.list(filter)),
    'takes:get': ({ takeId }) => Promise.resolve(takes.get(takeId)),
    'takes:generate': (request) => takes.generate(request),
    'takes:regenerate': ({ takeId }) => takes.regenerate(takeId),
    'takes:cancel': ({ batchId }) => Promise.resolve(takes.cancel(batchId)),
    'takes:update': ({ takeId, patch }) => Promise.resolve(takes.update(takeId, patch)),
    'takes:delete-discarded': (filter) => takes.deleteDiscarded(filter),
    'export:takes': (request) => exporter.exportTakes(request, { caller: exportCaller }),
    'export:get-defaults': () => exporter.defaults(),
    'export:choose-folder': () => exporter.chooseFolder(),
    'export:reveal': ({ folder }) => exporter.reveal(folder),
    'metrics:get': ({ takeId }) => metrics.get(takeId),
    'metrics:compute': ({ takeIds, modelId, jobId }) =>
      metrics.compute({ ...(takeIds ? { takeIds } : {}), ...(modelId !== undefined ? { modelId } : {}), ...(jobId ? { jobId } : {}) }),
    'metrics:rank': ({ modelId, jobId }) => metrics.rank(modelId, jobId ? { jobId } : {}),
    'metrics:get-pictures': ({ takeId }) => metrics.pictures(takeId),
    'metrics:get-weights': () => metrics.weights(),
    'metrics:set-weights': (weights) => metrics.setWeights(weights),
    'transcription:start': (request) => transcription.start(request),
    'transcription:cancel': ({ jobId }) => Promise.resolve(transcription.cancel(jobId)),
    'rating:create': (draft) => rating.create(draft),
    'rating:list': () => Promise.resolve(rating.list()),
    'rating:get': ({ sessionId }) => Promise.resolve(rating.get(sessionId)),
    'rating:progress': ({ raterId }) => Promise.resolve(rating.progress(raterId)),
    'rating:answer': ({ raterId, position, answer }) => Promise.resolve(rating.answer(raterId, position, answer)),
    'rating:final': ({ raterId, final }) => Promise.resolve(rating.final(raterId, final)),
    'rating:submit': ({ raterId }) => Promise.resolve(rating.submit(raterId)),
    'rating:close': ({ sessionId }) => Promise.resolve(rating.close(sessionId)),
    'rating:results': ({ sessionId, excludeUnreliable }) => Promise.resolve(rating.results(sessionId, { excludeUnreliable })),
    'rating:export': ({ sessionId, format, excludeUnreliable }) => Promise.resolve(rating.exportResults(sessionId, format, { excludeUnreliable })),
    'takes:ratings': (filter) => Promise.resolve(rating.takeRatings(filter)),
  };

  // Songs imported before the analysis existed get their tempo and key (migration 0009's
  // follow-up): in the background in the app and web mode, which run for long; a CLI command
  // analyses only the song it needs (LibraryService.ensureMusicalTime).
  if (options.runQueue === 'all') void library.backfillMusicalTime().catch(() => undefined);
  // Rendered parts of deleted parts, changed clips and gone MIDI takes leave the cache at the app's start, before
  // any page holds a URL to one (services/synth/part-playback.ts); best effort, like the sweep.
  if (options.runQueue === 'all') {
    try {
      pruneRenderedParts(parts, phraseTakes, partAudio);
    } catch {
      // The next start prunes again.
    }
  }

  return {
    dataDir: options.dataDir,
    library,
    training,
    phraseModels: phraseModels.service,
    phraseTakes,
    takes,
    export: exporter,
    metrics,
    transcription,
    parts,
    partAudio,
    partSound: (target) => partSound(parts, target),
    rating,
    ratingRepository: ratings,
    handlers,
    mediaFile(ref) {
      switch (ref.kind) {
        case 'file':
          return library.playbackPath(ref.fileId);
        case 'preview':
          return training.previewPath(ref.modelId, ref.scale, ref.preview);
        case 'take':
          return takes.filePath(ref.takeId);
        case 'rating': {
          const file = ratings.audioFile(ref.token);
          if (file === null) throw new AppError('NOT_FOUND', 'there is no such rating item');
          return file;
        }
        case 'rendered':
          return partAudio.pathOf(ref.renderId);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setShareOrigin(origin) {
      shareOrigin = origin;
    },
    zipExport(folder) {
      return exporter.zipExported(folder);
    },
    async dispose() {
      await library.stopMusicalTime();
      await metrics.dispose();
      await transcription.dispose();
      await takes.dispose();
      await training.dispose();
      await phraseModels.service.dispose();
      await phraseTakes.dispose();
      listeners.clear();
      await processor.dispose();
      await synth.dispose();
      db.close();
    },
  };
}

/**
 * What processes killed mid-write left in the data folder: temporary files and rating staging
 * folders of processes that are gone (store/leftovers.ts), and store files no row names
 * (LibraryService.removeUnreferencedFiles). Best effort: a folder that cannot be read or a
 * database busy for longer than its timeout leaves them for the next start.
 */
async function sweepLeftovers(dataDir: string, library: LibraryService, parts: PartsService): Promise<void> {
  await sweepDataDir(dataDir, [RATING_STAGING_PREFIX]);
  try {
    library.removeUnreferencedFiles();
    parts.removeUnreferencedFiles();
  } catch {
    // The next start sweeps again.
  }
}

/** What a part or part clip sounds like: a clip plays to its last bar line, even where its last note ends sooner. */
function partSound(parts: PartsService, target: { partId: number } | { partClipId: number }): PartSound {
  const music = parts.musicOf(target);
  if ('partId' in target) return { music, options: {} };
  const clip = parts.getClip(target.partClipId);
  return { music, options: { toBeats: clip.endBeats - clip.startBeats } };
}

/** Removes the rendered WAVs that no part or part clip of the library sounds like now. */
function pruneRenderedParts(parts: PartsService, phraseTakes: PhraseTakesService, partAudio: PartPlayback): number {
  return partAudio.prune(() => {
    const keep = new Set<string>();
    const add = (target: { partId: number } | { partClipId: number }): void => {
      const { music, options } = partSound(parts, target);
      keep.add(partAudio.renderIdOf(music, options));
    };
    for (const part of parts.list()) {
      add({ partId: part.id });
      for (const clip of parts.listClips({ partId: part.id })) add({ partClipId: clip.id });
    }
    for (const { music, options } of phraseTakes.sounds()) keep.add(partAudio.renderIdOf(music, options));
    return keep;
  });
}

/**
 * The library's view of what was made from its clips (library-deletion.ts): the models of a
 * song or clip and their takes, which go with it, and the listening sessions with items from
 * it, which stay (common/deletion.ts says why).
 */
function libraryDependents(training: TrainingService, takes: TakesService, ratings: RatingRepository, parts: PartsService): LibraryDependents {
  const modelsOf = ({ songId, clipIds }: DependentScope) =>
    training.list().filter((model) => (songId !== null && model.songId === songId) || (model.clipId !== null && clipIds.includes(model.clipId)));
  return {
    describe(scope): DependentFacts {
      const models = modelsOf(scope);
      const modelTakes = models.map((model) => ({ model, takes: takes.list({ modelId: model.id }) }));
      const modelIds = new Set(models.map((model) => model.id));
      const takeIds = new Set(modelTakes.flatMap((entry) => entry.takes.map((take) => take.id)));
      const fromScope = (item: ReturnType<RatingRepository['items']>[number]): boolean =>
        (scope.songId !== null && item.songId === scope.songId) ||
        (item.clipId !== null && scope.clipIds.includes(item.clipId)) ||
        (item.modelId !== null && modelIds.has(item.modelId)) ||
        (item.takeId !== null && takeIds.has(item.takeId)) ||
        (item.sourceFileId !== null && scope.fileIds.includes(item.sourceFileId));
      const sessions = ratings.sessions().flatMap((session) => {
        const items = ratings.items(session.id).filter(fromScope).length;
        return items > 0 ? [{ id: session.id, name: session.name, items }] : [];
      });
      const blockers = modelTakes.flatMap(({ model, takes: list }) => [
        ...(model.status === 'running' || model.status === 'queued' ? [`model ${model.id} is ${model.status === 'running' ? 'training' : 'queued to train'}; cancel it first`] : []),
        ...(list.some((take) => take.status === 'queued' || take.status === 'generating') ? [`model ${model.id} is making takes; cancel them first`] : []),
      ]);
      return {
        models: models.length,
        takes: modelTakes.reduce((sum, entry) => sum + entry.takes.length, 0),
        // A song's MIDI parts go with it; a part transcribed from a clip stays (it is music of its own).
        parts: scope.songId === null ? 0 : parts.countOfSong(scope.songId),
        sessions,
        blockers,
      };
    },
    async remove(scope) {
      const ids = modelsOf(scope).map((model) => model.id);
      for (const id of ids) await training.delete(id);
      // Their takes' rows went by cascade; their folders go now, not whenever the event arrives.
      await takes.modelsChanged(ids);
      if (scope.songId !== null) parts.removeSong(scope.songId);
    },
  };
}

function appInfo(options: CoreOptions, shareOrigin: string | null): AppInfo {
  return { version: APP_VERSION, host: options.host ?? 'web', dataDir: options.dataDir, compute: computeInfo(), shareOrigin };
}

/** The addon's compute facts, or why there are none (the app still runs without the addon). */
function computeInfo(): AppInfo['compute'] {
  try {
    return describeCompute(loadNativeAddon());
  } catch (error) {
    return {
      addonVersion: 'unavailable',
      cudaCompiled: false,
      cudaDevices: 0,
      cpuReason: toErrorPayload(error).message,
    };
  }
}
