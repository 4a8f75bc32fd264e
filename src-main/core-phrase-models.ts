/**
 * The phrase models feature as the core builds it (core.ts calls {@link createPhraseModels}):
 * the training service over the phrase_models table, reading MIDI parts through its
 * PhraseSource port from the library and the parts feature, running its jobs in the training
 * worker and sharing the core's one training slot with the audio models; and the
 * `phrase-models:*` handlers of the contract. At start it removes phrase model folders whose
 * row is gone (a process killed while deleting one: the row goes before the folder).
 */
import path from 'node:path';
import type { ApiHandlers, EventName, EventPayloadOf } from './common/ipc-contract.js';
import { orNull } from './common/errors.js';
import type { Db } from './db/database.js';
import type { JobSlot } from './node/job-slot.js';
import type { WorkerLauncher } from './node/worker-process.js';
import { PHRASE_MODELS_DIR } from './services/models/phrase-model-files.js';
import type { LibraryService } from './services/library/library-service.js';
import type { PartsService } from './services/parts/parts-service.js';
import { removeRowlessFolders } from './services/store/leftovers.js';
import type { PhraseSource } from './services/phrase-training/phrase-corpus.js';
import { PhraseModelRepository } from './services/phrase-training/phrase-model-repository.js';
import { PhraseTrainingService } from './services/phrase-training/phrase-training-service.js';

export type PhraseModelHandlers = Pick<
  ApiHandlers,
  | 'phrase-models:list'
  | 'phrase-models:get'
  | 'phrase-models:forecast'
  | 'phrase-models:start'
  | 'phrase-models:cancel'
  | 'phrase-models:resume'
  | 'phrase-models:delete'
  | 'phrase-models:get-losses'
>;

export interface PhraseModelsDeps {
  db: Db;
  dataDir: string;
  launch: WorkerLauncher;
  /** The training worker script (resolveWorkerScript of workers/training-worker.js). */
  workerScript: string;
  runQueue: 'all' | 'own';
  slot: JobSlot;
  library: LibraryService;
  parts: PartsService;
  emit: <E extends EventName>(event: E, payload: EventPayloadOf<E>) => void;
}

export async function createPhraseModels(deps: PhraseModelsDeps): Promise<{ service: PhraseTrainingService; handlers: PhraseModelHandlers }> {
  const service = new PhraseTrainingService(new PhraseModelRepository(deps.db), {
    dataDir: deps.dataDir,
    launch: deps.launch,
    workerScript: deps.workerScript,
    runQueue: deps.runQueue,
    slot: deps.slot,
    source: phraseSourceOf(deps.library, deps.parts),
    events: {
      progress: (event) => deps.emit('phrase-models:did-progress', event),
      changed: (modelIds) => deps.emit('phrase-models:did-change', { modelIds }),
    },
  });
  await removeRowlessFolders(path.join(deps.dataDir, PHRASE_MODELS_DIR), (id) => orNull(() => service.get(id)) !== null);
  const handlers: PhraseModelHandlers = {
    'phrase-models:list': () => Promise.resolve(service.list()),
    'phrase-models:get': ({ modelId }) => Promise.resolve(service.get(modelId)),
    'phrase-models:forecast': (request) => Promise.resolve(service.forecast(request)),
    'phrase-models:start': (request) => service.create(request),
    'phrase-models:cancel': ({ modelId }) => Promise.resolve(service.cancel(modelId)),
    'phrase-models:resume': ({ modelId }) => Promise.resolve(service.resume(modelId)),
    'phrase-models:delete': async ({ modelId }) => {
      await service.delete(modelId);
      return { deleted: true as const };
    },
    'phrase-models:get-losses': ({ modelId }) => service.losses(modelId),
  };
  return { service, handlers };
}

/** The library's songs and their MIDI parts, as phrase training reads them. */
function phraseSourceOf(library: LibraryService, parts: PartsService): PhraseSource {
  return {
    songIds: () =>
      library
        .listSongs()
        .map((song) => song.id)
        .sort((a, b) => a - b),
    songName: (songId) => library.getSong(songId).name,
    // A phrase model learns the songwriter's own playing: parts a model wrote (takes added to a
    // song) are left out, so no model learns from its own or another model's output.
    partsOf: (songId) => {
      library.getSong(songId);
      return parts
        .list(songId)
        .filter((part) => part.source !== 'model')
        .map((part) => ({ partId: part.id, name: part.name, music: parts.musicOf({ partId: part.id }) }));
    },
  };
}
