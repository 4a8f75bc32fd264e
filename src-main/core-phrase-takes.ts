/**
 * The MIDI takes feature wired into the core (docs/midi.md "MIDI takes"): PhraseTakesService
 * over the phrase_takes table, its ports filled from the phrase models (their DTO and folder),
 * the parts feature (a phrase's music and song, a new part), the library (a song's key), the
 * synth's cached playback and the export's MIDI file writer; and the `phrase-takes:*` handlers
 * core.ts spreads into its own. A phrase model that changes or goes closes its open sessions.
 */
import type { ApiHandlers, EventName, EventPayloadOf } from './common/ipc-contract.js';
import type { PhraseModel } from './common/phrases.js';
import type { Db } from './db/database.js';
import { encodePartsMidiFile } from './services/export/midi-file.js';
import type { LibraryService } from './services/library/library-service.js';
import { phraseModelDirOf } from './services/models/phrase-model-files.js';
import type { PartsService } from './services/parts/parts-service.js';
import { PhraseTakeRepository } from './services/phrase-takes/phrase-take-repository.js';
import { PhraseTakesService } from './services/phrase-takes/phrase-takes-service.js';
import type { PartPlayback } from './services/synth/part-playback.js';

export interface PhraseTakesWiring {
  db: Db;
  dataDir: string;
  /** The phrase models as their training feature knows them: the DTO, or NOT_FOUND. */
  phraseModels: { get(modelId: number): PhraseModel };
  parts: PartsService;
  library: LibraryService;
  partAudio: PartPlayback;
  emit: <E extends EventName>(event: E, payload: EventPayloadOf<E>) => void;
  /** Subscribes to one of the core's events. */
  on: <E extends EventName>(event: E, handler: (payload: EventPayloadOf<E>) => void) => void;
}

type PhraseTakeChannel = Extract<keyof ApiHandlers, `phrase-takes:${string}`>;

export function createPhraseTakes(wiring: PhraseTakesWiring): {
  phraseTakes: PhraseTakesService;
  phraseTakeHandlers: Pick<ApiHandlers, PhraseTakeChannel>;
} {
  const { parts, library } = wiring;
  const phraseTakes = new PhraseTakesService(new PhraseTakeRepository(wiring.db), {
    models: { get: (modelId) => wiring.phraseModels.get(modelId), dirOf: (modelId) => phraseModelDirOf(wiring.dataDir, modelId) },
    sources: {
      partMusic: (partId) => parts.musicOf({ partId }),
      partSong: (partId) => parts.get(partId).songId,
      songKey: (songId) => library.getSong(songId).musicalTime?.key ?? null,
    },
    parts: { addPart: (input) => parts.addPart(input) },
    audio: wiring.partAudio,
    encodeMidi: (name, music) =>
      encodePartsMidiFile({ name, tempoMap: music.tempoMap, meterMap: music.meterMap }, [
        { name, program: music.program, channel: music.channel, notes: music.notes, bends: music.bends },
      ]),
    changed: (takeIds, modelIds) => wiring.emit('phrase-takes:did-change', { takeIds, modelIds }),
  });
  wiring.on('phrase-models:did-change', ({ modelIds }) => void phraseTakes.modelsChanged(modelIds).catch(() => undefined));

  const phraseTakeHandlers: Pick<ApiHandlers, PhraseTakeChannel> = {
    'phrase-takes:list': ({ modelId }) => Promise.resolve(phraseTakes.list(modelId)),
    'phrase-takes:get': ({ takeId }) => Promise.resolve(phraseTakes.get(takeId)),
    'phrase-takes:generate': (request) => phraseTakes.generate(request),
    'phrase-takes:regenerate': ({ takeId }) => phraseTakes.regenerate(takeId),
    'phrase-takes:update': ({ takeId, patch }) => Promise.resolve(phraseTakes.update(takeId, patch)),
    'phrase-takes:delete-discarded': ({ modelId }) => Promise.resolve(phraseTakes.deleteDiscarded(modelId)),
    'phrase-takes:get-sliders': ({ modelId, from }) => phraseTakes.sliders(modelId, from),
    'phrase-takes:preview': (request) => phraseTakes.preview(request),
    'phrase-takes:get-audio': async ({ takeId, withPhrase }) => {
      const { renderId, durationSeconds, sampleRate } = await phraseTakes.audio(takeId, { withPhrase: withPhrase ?? false });
      return { media: { kind: 'rendered' as const, renderId }, durationSeconds, sampleRate };
    },
    'phrase-takes:add-to-song': ({ takeId }) => Promise.resolve(phraseTakes.addToSong(takeId)),
  };
  return { phraseTakes, phraseTakeHandlers };
}
