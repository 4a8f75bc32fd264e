/**
 * The one IPC contract: every channel the renderer may call, with its request and response
 * schemas, and every event the main side may push. The preload, the Electron IPC handlers, the
 * web-mode WebSocket bridge and the renderer's types all derive from these two maps; channel
 * strings appear nowhere else.
 *
 * Names: `domain:verb-noun` for calls, `domain:did-…` for events. Calls answer with an
 * {@link Envelope} so a failure's code survives the trip (Electron re-wraps thrown errors).
 */
import { z } from 'zod';
import {
  audioFileSchema,
  clipDraftSchema,
  clipPatchSchema,
  clipSchema,
  idSchema,
  importDuplicateSchema,
  importProgressSchema,
  songSchema,
} from './dto.js';
import { deletionSummarySchema, deletionTargetSchema } from './deletion.js';
import { partClipDraftSchema, partClipDtoSchema, partClipPatchSchema, partDetailSchema, partDtoSchema, partMusicSchema } from './midi.js';
import {
  phraseForecastSchema,
  phraseGenerateRequestSchema,
  phraseLossPointSchema,
  phraseModelSchema,
  phrasePreviewRequestSchema,
  phraseRefSchema,
  phraseSlidersSchema,
  phraseTakeDetailSchema,
  phraseTakePatchSchema,
  phraseTakeSchema,
  phraseTrainingProgressSchema,
  phraseTrainRequestSchema,
} from './phrases.js';
import { errorPayloadSchema } from './errors.js';
import { musicalTimePatchSchema } from './musical-time.js';
import { renderedMediaSchema, type MediaRef } from './media.js';
import { MAX_IMPORT_BYTES } from './limits.js';
import { transcriptionOutcomeSchema, transcriptionProgressEventSchema, transcriptionRequestSchema } from './transcription.js';
import {
  lossPointSchema,
  modelSchema,
  presetSummarySchema,
  trainForecastSchema,
  trainingProgressEventSchema,
  trainRequestSchema,
} from './training.js';
import {
  generateRequestSchema,
  generationProgressEventSchema,
  modeAvailabilitySchema,
  takePatchSchema,
  takeSchema,
} from './generation.js';
import { exportDefaultsSchema, exportProgressEventSchema, exportRequestSchema, exportResultSchema } from './export.js';
import {
  metricsProgressEventSchema,
  pictureDataSchema,
  rankingSchema,
  rankWeightsSchema,
  takeMetricsSchema,
} from './metrics.js';
import {
  answerSchema,
  finalAnswersSchema,
  raterProgressSchema,
  sessionDraftSchema,
  sessionResultsSchema,
  sessionSummarySchema,
  takeRatingSchema,
} from './rating.js';

/** Bytes of one file the user dropped: name as on their disk, contents as-is. */
export const importSourceSchema = z.object({
  name: z.string().min(1).max(255),
  data: z
    .instanceof(Uint8Array)
    .refine((bytes) => bytes.byteLength <= MAX_IMPORT_BYTES, 'file is larger than 1 GiB'),
});

/** What the host tells the UI about itself. */
export const appInfoSchema = z.object({
  version: z.string(),
  /** "electron" for the desktop app, "web" for the HTTP/WebSocket mode. */
  host: z.enum(['electron', 'web']),
  dataDir: z.string(),
  /** The native compute core: its version and whether CUDA was compiled in and found. */
  compute: z.object({
    addonVersion: z.string(),
    cudaCompiled: z.boolean(),
    cudaDevices: z.number().int().nonnegative(),
    /** Why the CPU is used, in a sentence, when it is. */
    cpuReason: z.string().nullable(),
  }),
  /**
   * Where band mates on the local network open their rater links (`eureka web --share`:
   * "http://192.168.1.20:47124"), or null when sessions are not shared beyond this computer.
   */
  shareOrigin: z.string().nullable(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const empty = z.object({}).strict();

/** channel → { request, response }. */
export const ipcContract = {
  'app:get-info': { request: empty, response: appInfoSchema },
  'library:list-songs': { request: empty, response: z.array(songSchema) },
  'library:get-song': { request: z.object({ songId: idSchema }), response: songSchema },
  'library:rename-song': {
    request: z.object({ songId: idSchema, name: z.string().trim().min(1).max(200) }),
    response: songSchema,
  },
  /** Sets a song's tempo, time signature, bar 1 or key (common/musical-time.ts); each field given becomes the user's. */
  'library:set-musical-time': {
    request: z.object({ songId: idSchema, patch: musicalTimePatchSchema }),
    response: songSchema,
  },
  'library:import-files': {
    request: z.object({
      files: z.array(importSourceSchema).min(1).max(100),
      /** Put every file into this existing song … */
      songId: idSchema.optional(),
      /** … or into a new song of this name; otherwise one song per file, named after it. */
      songName: z.string().trim().min(1).max(200).optional(),
      /**
       * Where these files stand in one import sent in several requests (web mode uploads one
       * file per request): progress events count them as files `index`… of `total`.
       */
      position: z
        .object({ index: z.number().int().nonnegative(), total: z.number().int().positive().max(10_000) })
        .refine((position) => position.index < position.total, 'index must be below total')
        .optional(),
    }),
    response: z.object({
      files: z.array(audioFileSchema),
      /** Files that could not be imported; each left nothing behind. */
      failures: z.array(z.object({ name: z.string(), error: errorPayloadSchema })),
      /** Files left alone because the library holds the same bytes already: open that song instead. */
      duplicates: z.array(importDuplicateSchema).default([]),
      /** The parts made from MIDI files (.mid, .midi) among them: one per track with notes. */
      parts: z.array(partDtoSchema).default([]),
    }),
  },
  'library:list-clips': {
    request: z.object({ songId: idSchema.optional() }),
    response: z.array(clipSchema),
  },
  'library:add-clip': { request: clipDraftSchema, response: clipSchema },
  'library:update-clip': {
    request: z.object({ clipId: idSchema, patch: clipPatchSchema }),
    response: clipSchema,
  },
  /**
   * Deletes a clip. One with models is refused unless `withModels` says the person confirmed
   * that its models and their takes go too (see library:describe-deletion).
   */
  'library:delete-clip': {
    request: z.object({ clipId: idSchema, withModels: z.boolean().default(false) }).strict(),
    response: z.object({ deleted: z.literal(true) }),
  },
  /** What deleting a song or a clip would remove and keep, and what stops it now (common/deletion.ts). */
  'library:describe-deletion': { request: deletionTargetSchema, response: deletionSummarySchema },
  /** Deletes a song with its files, clips, their models and takes; files no other song uses leave the disk. */
  'library:delete-song': {
    request: z.object({ songId: idSchema }).strict(),
    response: z.object({ deleted: z.literal(true) }),
  },
  // MIDI parts (docs/midi.md): a song's tracks of imported MIDI files, transcriptions and
  // models' parts, in beats; part clips cut them by whole bars of the part's own meter map.
  /** A song's parts (or every part when no song is named), oldest first. */
  'parts:list': { request: z.object({ songId: idSchema.optional() }).strict(), response: z.array(partDtoSchema) },
  /** A part with its notes, bends, tempo and meter maps (the piano roll). */
  'parts:get': { request: z.object({ partId: idSchema }).strict(), response: partDetailSchema },
  'parts:rename': {
    request: z.object({ partId: idSchema, name: z.string().trim().min(1).max(200) }).strict(),
    response: partDtoSchema,
  },
  /** Deletes a part with its clips (the song, its audio and its MIDI file stay). */
  'parts:delete': { request: z.object({ partId: idSchema }).strict(), response: z.object({ deleted: z.literal(true) }) },
  /** A part's clips (or every part clip of a song), by start bar. */
  'parts:list-clips': {
    request: z
      .object({ partId: idSchema.optional(), songId: idSchema.optional() })
      .strict()
      .refine((r) => (r.partId === undefined) !== (r.songId === undefined), 'give partId or songId'),
    response: z.array(partClipDtoSchema),
  },
  /** Cuts a clip of whole bars; refused past the part's end or where it holds no note. */
  'parts:add-clip': { request: partClipDraftSchema, response: partClipDtoSchema },
  'parts:update-clip': {
    request: z.object({ partClipId: idSchema, patch: partClipPatchSchema }).strict(),
    response: partClipDtoSchema,
  },
  'parts:delete-clip': { request: z.object({ partClipId: idSchema }).strict(), response: z.object({ deleted: z.literal(true) }) },
  /**
   * A part or part clip as audio to play: rendered by the General MIDI synth on first ask and
   * kept (docs/midi.md "Hearing MIDI"); the renderer plays `media` through the media URL.
   */
  'parts:get-audio': {
    request: z.union([z.object({ partId: idSchema }).strict(), z.object({ partClipId: idSchema }).strict()]),
    response: z.object({ media: renderedMediaSchema, durationSeconds: z.number().nonnegative(), sampleRate: z.number().int().positive() }),
  },
  /**
   * Transcribes a clip or a take into a new MIDI part with basic-pitch, or a transcribed part
   * again with new settings (replacing its notes); jobs run one at a time on a worker thread.
   * Progress arrives as `transcription:did-progress` with `jobId`; a cancelled job answers
   * `{ status: 'cancelled' }` (docs/midi.md "Transcription").
   */
  'transcription:start': { request: transcriptionRequestSchema, response: transcriptionOutcomeSchema },
  /** Cancels a queued or running transcription; false when it had already finished. */
  'transcription:cancel': {
    request: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  'training:list-presets': { request: empty, response: z.array(presetSummarySchema) },
  'training:list-models': {
    request: z.object({ clipId: idSchema.optional() }),
    response: z.array(modelSchema),
  },
  'training:get-model': { request: z.object({ modelId: idSchema }), response: modelSchema },
  /**
   * What training:start would train, told before it starts: the plan, its time and what it buys,
   * or the shortest budget that works (may take tens of seconds: it measures this machine once).
   */
  'training:forecast': { request: trainRequestSchema, response: trainForecastSchema },
  /** Creates a model of a clip and queues its training. */
  'training:start': { request: trainRequestSchema, response: modelSchema },
  'training:cancel': { request: z.object({ modelId: idSchema }), response: modelSchema },
  'training:resume': { request: z.object({ modelId: idSchema }), response: modelSchema },
  'training:delete-model': {
    request: z.object({ modelId: idSchema }),
    response: z.object({ deleted: z.literal(true) }),
  },
  /** The loss curve so far (thinned to at most 1500 points per scale). */
  'training:get-losses': { request: z.object({ modelId: idSchema }), response: z.array(lossPointSchema) },
  // Phrase models (docs/midi.md "Phrase models in the app"): `continue` and `vary` trained on the
  // MIDI parts of chosen songs or the whole library, one job at a time with the audio models.
  'phrase-models:list': { request: empty, response: z.array(phraseModelSchema) },
  'phrase-models:get': { request: z.object({ modelId: idSchema }).strict(), response: phraseModelSchema },
  /** What phrase-models:start would learn from and how long, or why it cannot. */
  'phrase-models:forecast': { request: phraseTrainRequestSchema, response: phraseForecastSchema },
  /** Creates a phrase model (its phrases copied into its folder) and queues its training. */
  'phrase-models:start': { request: phraseTrainRequestSchema, response: phraseModelSchema },
  'phrase-models:cancel': { request: z.object({ modelId: idSchema }).strict(), response: phraseModelSchema },
  'phrase-models:resume': { request: z.object({ modelId: idSchema }).strict(), response: phraseModelSchema },
  'phrase-models:delete': { request: z.object({ modelId: idSchema }).strict(), response: z.object({ deleted: z.literal(true) }) },
  'phrase-models:get-losses': { request: z.object({ modelId: idSchema }).strict(), response: z.array(phraseLossPointSchema) },
  /** A phrase model's takes, newest first. */
  'phrase-takes:list': { request: z.object({ modelId: idSchema }).strict(), response: z.array(phraseTakeSchema) },
  /** A take with its notes (the piano roll). */
  'phrase-takes:get': { request: z.object({ takeId: idSchema }).strict(), response: phraseTakeDetailSchema },
  /** Makes `count` takes (seed, seed + 1, …) and answers them ready (or failed, with the reason). */
  'phrase-takes:generate': {
    request: phraseGenerateRequestSchema,
    response: z.object({ batchId: z.string(), takes: z.array(phraseTakeSchema) }),
  },
  /** The same settings as a take, with a new seed. */
  'phrase-takes:regenerate': {
    request: z.object({ takeId: idSchema }).strict(),
    response: z.object({ batchId: z.string(), takes: z.array(phraseTakeSchema) }),
  },
  'phrase-takes:update': { request: z.object({ takeId: idSchema, patch: phraseTakePatchSchema }).strict(), response: phraseTakeSchema },
  /** Deletes a model's discarded takes (rows and notes). */
  'phrase-takes:delete-discarded': {
    request: z.object({ modelId: idSchema }).strict(),
    response: z.object({ deleted: z.number().int().nonnegative() }),
  },
  /** A `vary` model's sliders, and where a phrase sits on them. */
  'phrase-takes:get-sliders': {
    request: z.object({ modelId: idSchema, from: phraseRefSchema.optional() }).strict(),
    response: phraseSlidersSchema,
  },
  /** Decodes slider positions into notes without keeping a take (the Sliders panel, as sliders move). */
  'phrase-takes:preview': { request: phrasePreviewRequestSchema, response: z.object({ music: partMusicSchema, startBeats: z.number().nonnegative() }) },
  /**
   * A take as audio, rendered by the General MIDI synth (cached like parts); `withPhrase`: a
   * continuation played from the start of the phrase it carries on, so it is heard in context.
   */
  'phrase-takes:get-audio': {
    request: z.object({ takeId: idSchema, withPhrase: z.boolean().optional() }).strict(),
    response: z.object({ media: renderedMediaSchema, durationSeconds: z.number().nonnegative(), sampleRate: z.number().int().positive() }),
  },
  /** Adds a take to its song as a new part (source 'model'), placed where the take sits. */
  'phrase-takes:add-to-song': { request: z.object({ takeId: idSchema }).strict(), response: partDtoSchema },
  /** The generation modes of a model: which apply, and why not. */
  'takes:list-modes': { request: z.object({ modelId: idSchema }), response: z.array(modeAvailabilitySchema) },
  /** Takes of a model, or of every model of a clip, newest first. */
  'takes:list': {
    request: z.object({ modelId: idSchema.optional(), clipId: idSchema.optional() }),
    response: z.array(takeSchema),
  },
  'takes:get': { request: z.object({ takeId: idSchema }), response: takeSchema },
  /** Queues `count` takes (rows exist at once, status queued) and starts generating them. */
  'takes:generate': {
    request: generateRequestSchema,
    response: z.object({ batchId: z.string(), takes: z.array(takeSchema) }),
  },
  /** The same settings as a take, with a new seed. */
  'takes:regenerate': {
    request: z.object({ takeId: idSchema }),
    response: z.object({ batchId: z.string(), takes: z.array(takeSchema) }),
  },
  /** Stops a batch: the take in progress and the queued ones fail as cancelled. */
  'takes:cancel': { request: z.object({ batchId: z.string().min(1).max(64) }), response: z.object({ cancelled: z.number().int() }) },
  'takes:update': { request: z.object({ takeId: idSchema, patch: takePatchSchema }), response: takeSchema },
  /** Deletes the files of discarded takes (of a model or a clip); rows and provenance stay. */
  'takes:delete-discarded': {
    request: z.object({ modelId: idSchema.optional(), clipId: idSchema.optional() }),
    response: z.object({ deleted: z.number().int().nonnegative() }),
  },
  /**
   * Exports takes (and their source clip) as an Ableton Live project and/or a Logic Pro folder.
   * The destination must be a folder the user picked with `export:choose-folder` (the app), the
   * export root or a folder inside it (web mode), or the remembered one; never the data folder
   * (services/export/export-destination.ts). Progress arrives as `export:did-progress`.
   */
  'export:takes': { request: exportRequestSchema, response: exportResultSchema },
  /** What the Export dialog starts from: remembered choices, the export root, what the host can do. */
  'export:get-defaults': { request: empty, response: exportDefaultsSchema },
  /** The app: shows the system folder picker, and allows the folder picked as a destination. Web mode: null. */
  'export:choose-folder': { request: empty, response: z.object({ folder: z.string().nullable() }) },
  /** Shows a folder this session exported in Finder / Explorer (web mode: revealed false, just its path). */
  'export:reveal': {
    request: z.object({ folder: z.string().min(1).max(4096) }),
    response: z.object({ revealed: z.boolean(), path: z.string() }),
  },
  /** A take's stored metrics (scored with the current weights), or null when not measured yet. */
  'metrics:get': { request: z.object({ takeId: idSchema }), response: takeMetricsSchema.nullable() },
  /**
   * Measures takes (these, or every take with a file of a model; those measured already are
   * reused) on a worker thread; progress arrives as `metrics:did-progress` with `jobId`.
   */
  'metrics:compute': {
    request: z
      .object({ takeIds: z.array(idSchema).min(1).max(1000).optional(), modelId: idSchema.optional(), jobId: z.string().min(1).max(64).optional() })
      .refine((r) => (r.takeIds === undefined) !== (r.modelId === undefined), 'give takeIds or modelId'),
    response: z.array(takeMetricsSchema),
  },
  /** A model's takes ranked best first, with their diversity; measures what is missing first. */
  'metrics:rank': { request: z.object({ modelId: idSchema, jobId: z.string().min(1).max(64).optional() }), response: rankingSchema },
  /** What the side-by-side pictures of a take and its source draw (measures the take if needed). */
  'metrics:get-pictures': { request: z.object({ takeId: idSchema }), response: pictureDataSchema },
  'metrics:get-weights': { request: empty, response: rankWeightsSchema },
  /** Saves the ranking weights (fidelity + novelty scaled to 1) and copy limit; stored metrics are re-scored. */
  'metrics:set-weights': { request: rankWeightsSchema, response: rankWeightsSchema },
  // Blind rating sessions (docs/listening-tests.md). Everything a rater's renderer gets here is
  // positions, neutral labels, the session's one item length and opaque audio tokens; item
  // origins reach it only through `rating:results`, after the raters submitted.
  /** Builds a session (cuts, matches and shuffles its audio); refuses one that cannot be blind. */
  'rating:create': { request: sessionDraftSchema, response: sessionSummarySchema },
  /** Every session, newest first. */
  'rating:list': { request: empty, response: z.array(sessionSummarySchema) },
  'rating:get': { request: z.object({ sessionId: idSchema }), response: sessionSummarySchema },
  /** Where a rater stands: their next unanswered item (a resumed session starts there), or done. */
  'rating:progress': { request: z.object({ raterId: idSchema }), response: raterProgressSchema },
  /** Saves the answer to the rater's next item at once; answers cannot change afterwards. */
  'rating:answer': {
    request: z.object({ raterId: idSchema, position: z.number().int().positive(), answer: answerSchema }),
    response: raterProgressSchema,
  },
  /** The final questionnaire, once every item is answered. */
  'rating:final': { request: z.object({ raterId: idSchema, final: finalAnswersSchema }), response: raterProgressSchema },
  /** Hands the rater's answers in (all items and the final questions answered); nothing changes afterwards. */
  'rating:submit': { request: z.object({ raterId: idSchema }), response: raterProgressSchema },
  /** Ends a session: no more answers. */
  'rating:close': { request: z.object({ sessionId: idSchema }), response: sessionSummarySchema },
  /** Statistics over submitted raters; item origins only once every counted rater submitted. */
  'rating:results': {
    request: z.object({ sessionId: idSchema, excludeUnreliable: z.boolean().default(false) }),
    response: sessionResultsSchema,
  },
  /** The results as a CSV or JSON file's text, with a file name to save it under. */
  'rating:export': {
    request: z.object({ sessionId: idSchema, format: z.enum(['csv', 'json']), excludeUnreliable: z.boolean().default(false) }),
    response: z.object({ text: z.string(), fileName: z.string() }),
  },
  /** Ratings of takes (of a model, or every model of a clip) from submitted sessions, for the Takes view. */
  'takes:ratings': {
    request: z.object({ modelId: idSchema.optional(), clipId: idSchema.optional() }),
    response: z.array(takeRatingSchema),
  },
} as const;

/** event → payload schema. */
export const eventContract = {
  'library:did-import-progress': importProgressSchema,
  /** Songs or clips changed through this core (any window or web client it serves). */
  'library:did-change': z.object({ songIds: z.array(idSchema) }),
  /** Parts or part clips were made, renamed, changed or deleted (songIds: their songs). */
  'parts:did-change': z.object({ songIds: z.array(idSchema), partIds: z.array(idSchema) }),
  /** A transcription's progress: its stage, the fraction done and an ETA. */
  'transcription:did-progress': transcriptionProgressEventSchema,
  /** The running model's progress, a few times a second. */
  'training:did-progress': trainingProgressEventSchema,
  /** Models were created, changed state, finished a scale or were deleted. */
  'training:did-change': z.object({ modelIds: z.array(idSchema) }),
  /** The running phrase model's progress, a few times a second. */
  'phrase-models:did-progress': phraseTrainingProgressSchema,
  /** Phrase models were created, changed state or were deleted. */
  'phrase-models:did-change': z.object({ modelIds: z.array(idSchema) }),
  /** Phrase takes were made, changed verdict or star, became parts or were deleted. */
  'phrase-takes:did-change': z.object({ takeIds: z.array(idSchema), modelIds: z.array(idSchema) }),
  /** The running generation batch's progress. */
  'takes:did-progress': generationProgressEventSchema,
  /** Takes were queued, finished, failed, changed verdict or lost their file. */
  'takes:did-change': z.object({ takeIds: z.array(idSchema), modelIds: z.array(idSchema) }),
  /** A running export's progress, a step per file. */
  'export:did-progress': exportProgressEventSchema,
  /** Measuring takes: one step per take. */
  'metrics:did-progress': metricsProgressEventSchema,
  /** Rating sessions were created, answered, submitted or closed. */
  'rating:did-change': z.object({ sessionIds: z.array(idSchema) }),
} as const;

export type Channel = keyof typeof ipcContract;
export type EventName = keyof typeof eventContract;
/** What a caller passes (defaults not yet applied). */
export type RequestOf<C extends Channel> = z.input<(typeof ipcContract)[C]['request']>;
/** What a handler receives (after parsing, defaults applied). */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof ipcContract)[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<(typeof ipcContract)[C]['response']>;
export type EventPayloadOf<E extends EventName> = z.output<(typeof eventContract)[E]>;

/** Every channel, for allow-lists. */
export const CHANNELS = Object.keys(ipcContract) as Channel[];
/** Every event, for allow-lists. */
export const EVENTS = Object.keys(eventContract) as EventName[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(ipcContract, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(eventContract, value);
}

/** The answer to every call: a value, or an error with its code. */
export const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorPayloadSchema }),
]);
export type Envelope<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: z.infer<typeof errorPayloadSchema> };

/** The main side's implementation of every channel. */
export type ApiHandlers = {
  [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

/** Pushes an event to every connected renderer. */
export type EventSink = <E extends EventName>(event: E, payload: EventPayloadOf<E>) => void;

/**
 * What the preload exposes as `window.eureka` (and the web bridge imitates): raw envelopes,
 * because class instances do not survive contextBridge.
 */
export interface RendererBridge {
  invoke(channel: Channel, request: unknown): Promise<Envelope>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  /** URL the renderer may load audio from: a file's playback copy or a training preview. */
  mediaUrl(ref: MediaRef): string;
  /**
   * The desktop app only (absent in web mode): starts dragging a take's WAV out of the window,
   * into a DAW. Call it from a `dragstart` handler that prevents the page's own drag.
   */
  startDrag?(takeId: number): Promise<Envelope>;
  /** Web mode only (absent in the desktop app): where the browser downloads an exported folder as a .zip. */
  exportDownloadUrl?(folder: string): string;
}

/**
 * Drag-out is the one call outside {@link ipcContract}: only the main process can start an OS
 * drag, and only for the window that asks, so the Electron glue answers it (not the core, and
 * web mode has no such call). The request names a take by id; the main side finds its file.
 */
export const DRAG_OUT_CHANNEL = 'app:start-drag';
export const dragOutRequestSchema = z.object({ takeId: idSchema }).strict();
export const dragOutResponseSchema = z.object({ started: z.literal(true) });
