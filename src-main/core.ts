/**
 * The headless core: every service wired by hand over one data directory, and the handlers
 * that implement the IPC contract on top of them. The Electron app, web mode, the CLI and the
 * tests all start here; nothing in it imports electron.
 */
import path from 'node:path';
import type { AppInfo, ApiHandlers, EventName, EventPayloadOf } from './common/ipc-contract.js';
import { DEFAULT_MAX_CLIP_SECONDS, DEFAULT_MAX_IMPORT_SECONDS } from './common/limits.js';
import { AppError, toErrorPayload } from './common/errors.js';
import { openDatabase, type Db } from './db/database.js';
import { chooseTrainingDevice, describeCompute } from './addon/device.js';
import { loadNativeAddon } from './addon/binding.js';
import { createInlineProcessor, createWorkerProcessor, type AudioProcessor } from './services/audio/processor.js';
import { ensureDataDir } from './services/data-dir.js';
import { LibraryRepository } from './services/library/library-repository.js';
import { LibraryService, type LibraryLimits } from './services/library/library-service.js';
import { AudioStore } from './services/store/audio-store.js';
import { ModelRepository } from './services/training/model-repository.js';
import { TrainingService } from './services/training/training-service.js';
import { forkWorker, resolveWorkerScript, type WorkerLauncher } from './services/training/worker-process.js';
import { GenerationService, resolveGenerationWorkerScript } from './services/generation/generation-service.js';
import { TakeRepository } from './services/generation/take-repository.js';
import { ExportService, type ExportHost } from './services/export/export-service.js';
import { defaultExportRoot } from './services/export/export-destination.js';
import { MetricsRepository } from './services/metrics/metrics-repository.js';
import { createWorkerRunner, resolveMetricsWorkerScript } from './services/metrics/metrics-runner.js';
import { MetricsService } from './services/metrics/metrics-service.js';
import { RatingRepository } from './services/rating/rating-repository.js';
import { RatingService } from './services/rating/rating-service.js';
import { RatingResults } from './services/rating/results.js';
import { buildSession } from './services/rating/session-builder.js';
import type { MediaRef } from './common/media.js';
import { APP_VERSION } from './version.js';

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
  readonly generation: GenerationService;
  readonly export: ExportService;
  /** Blind rating sessions: the answer key stays here, in the main process. */
  readonly rating: RatingService;
  /** The rating sessions' storage, answer key included (main process only: tests and the media route). */
  readonly ratingRepository: RatingRepository;
  readonly metrics: MetricsService;
  readonly handlers: ApiHandlers;
  /** The file a media reference names (NOT_FOUND when there is none). */
  mediaFile(ref: MediaRef): string;
  /** Subscribes to every event the core emits; returns the unsubscribe function. */
  subscribe(listener: CoreEventListener): () => void;
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
  const processor: AudioProcessor =
    options.audio === 'worker'
      ? createWorkerProcessor(new URL('./workers/audio-worker.js', import.meta.url))
      : createInlineProcessor();
  const limits: LibraryLimits = {
    maxImportSeconds: options.limits?.maxImportSeconds ?? DEFAULT_MAX_IMPORT_SECONDS,
    maxClipSeconds: options.limits?.maxClipSeconds ?? DEFAULT_MAX_CLIP_SECONDS,
  };
  const library = new LibraryService(
    new LibraryRepository(db),
    new AudioStore(options.dataDir),
    processor,
    limits,
    (songIds) => emit('library:did-change', { songIds }),
  );
  // Declared first: training's events (orphans found at start-up) may fire before it exists.
  let generation: GenerationService | undefined = undefined;
  const training = new TrainingService(new ModelRepository(db), library, {
    dataDir: options.dataDir,
    launch: options.launchWorker ?? forkWorker,
    workerScript: resolveWorkerScript(new URL('./workers/training-worker.js', import.meta.url)),
    runQueue: options.runQueue ?? 'own',
    chooseDevice: (requested) => chooseTrainingDevice(requested, () => describeCompute(loadNativeAddon())),
    events: {
      progress: (event) => emit('training:did-progress', event),
      changed: (modelIds) => {
        emit('training:did-change', { modelIds });
        // A deleted model's takes folder goes with it (its rows went by cascade).
        void generation?.modelsChanged(modelIds).catch(() => undefined);
      },
    },
  });
  const takes = new GenerationService(new TakeRepository(db), {
    dataDir: options.dataDir,
    launch: options.launchWorker ?? forkWorker,
    workerScript: resolveGenerationWorkerScript(new URL('./workers/generation-worker.js', import.meta.url)),
    models: training,
    // Loaded on first use: the ONNX export code is not needed by most commands.
    describeModes: async (model, modelDir) => {
      const { describeModes } = await import('./services/generation/modes.js');
      return describeModes(loadNativeAddon(), model, modelDir);
    },
    executionProvider: options.executionProvider ?? 'auto',
    events: {
      progress: (event) => emit('takes:did-progress', event),
      changed: (takeIds, modelIds) => emit('takes:did-change', { takeIds, modelIds }),
    },
  });
  generation = takes;
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
    },
    onProgress: (event) => emit('export:did-progress', event),
  });
  const metrics = new MetricsService(new MetricsRepository(db), {
    dataDir: options.dataDir,
    runner: createWorkerRunner(resolveMetricsWorkerScript(new URL('./workers/metrics-worker.js', import.meta.url)), options.metricsThreads),
    takes,
    models: training,
    library,
    onProgress: (event) => emit('metrics:did-progress', event),
  });
  const ratings = new RatingRepository(db, options.dataDir);
  const rating = new RatingService({
    repository: ratings,
    build: (draft) => buildSession({ library, generation: takes, training, dataDir: options.dataDir, ratings }, draft),
    analysis: new RatingResults(ratings),
    changed: (sessionIds) => emit('rating:did-change', { sessionIds }),
  });
  // Renderers are the app's window (destinations only from the folder picker) or a browser page.
  const exportCaller = options.host === 'electron' ? 'electron' : 'web';

  const handlers: ApiHandlers = {
    'app:get-info': () => Promise.resolve(appInfo(options)),
    'library:list-songs': () => Promise.resolve(library.listSongs()),
    'library:get-song': ({ songId }) => Promise.resolve(library.getSong(songId)),
    'library:rename-song': ({ songId, name }) => Promise.resolve(library.renameSong(songId, name)),
    'library:import-files': ({ files, songId, songName }) =>
      library.importFiles(files, {
        ...(songId === undefined ? {} : { songId }),
        ...(songName === undefined ? {} : { songName }),
        onProgress: (progress) => emit('library:did-import-progress', progress),
      }),
    'library:list-clips': ({ songId }) => Promise.resolve(library.listClips(songId)),
    'library:add-clip': (draft) => Promise.resolve(library.addClip(draft)),
    'library:update-clip': ({ clipId, patch }) => Promise.resolve(library.updateClip(clipId, patch)),
    'library:delete-clip': ({ clipId }) => {
      library.deleteClip(clipId);
      return Promise.resolve({ deleted: true as const });
    },
    'training:list-presets': () => Promise.resolve(training.presets()),
    'training:list-models': ({ clipId }) => Promise.resolve(training.list(clipId)),
    'training:get-model': ({ modelId }) => Promise.resolve(training.get(modelId)),
    'training:start': (request) => training.create(request),
    'training:cancel': ({ modelId }) => Promise.resolve(training.cancel(modelId)),
    'training:resume': ({ modelId }) => Promise.resolve(training.resume(modelId)),
    'training:delete-model': async ({ modelId }) => {
      await training.delete(modelId);
      return { deleted: true as const };
    },
    'training:get-losses': ({ modelId }) => training.losses(modelId),
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

  return {
    dataDir: options.dataDir,
    library,
    training,
    generation: takes,
    export: exporter,
    metrics,
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
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      await metrics.dispose();
      await takes.dispose();
      await training.dispose();
      listeners.clear();
      await processor.dispose();
      db.close();
    },
  };
}

/** The value, or null when `read` throws NOT_FOUND (a deleted clip or song). */
function orNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

function appInfo(options: CoreOptions): AppInfo {
  let compute: AppInfo['compute'];
  try {
    compute = describeCompute(loadNativeAddon());
  } catch (error) {
    compute = {
      addonVersion: 'unavailable',
      cudaCompiled: false,
      cudaDevices: 0,
      cpuReason: toErrorPayload(error).message,
    };
  }
  return { version: APP_VERSION, host: options.host ?? 'web', dataDir: options.dataDir, compute };
}
