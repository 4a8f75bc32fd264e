/**
 * Phrase models and their MIDI takes, as every front end sees them (docs/midi.md "Phrase models
 * in the app"): `continue` (an LSTM language model that carries a phrase on for N bars) and
 * `vary` (an LSTM VAE over fixed-length phrases whose latent the 20 sliders steer), trained on
 * the MIDI parts of chosen songs or the whole library; their takes are notes in a song's beats.
 */
import { z } from 'zod';
import { idSchema } from './dto.js';
import { partMusicSchema, partNoteSchema } from './midi.js';
import { modelStatusSchema, seedTextSchema } from './training.js';
import { takeVerdictSchema } from './generation.js';
import { sliderCharacterSchema } from './slider-character.js';

export const PHRASE_MODEL_KINDS = ['continue', 'vary'] as const;
export const phraseModelKindSchema = z.enum(PHRASE_MODEL_KINDS);
export type PhraseModelKind = z.infer<typeof phraseModelKindSchema>;

export const PHRASE_PRESETS = ['test', 'quick', 'studio'] as const;
export const phrasePresetSchema = z.enum(PHRASE_PRESETS);
export type PhrasePreset = z.infer<typeof phrasePresetSchema>;

/** Phrase length in bars, as the phrases floor cuts them (services/phrases/phrases.ts). */
export const MIN_PHRASE_BARS = 2;
export const MAX_PHRASE_BARS = 16;
/** The VAE's latent size (seed 002's app) and the sliders over its first principal directions. */
export const VARY_LATENT_SIZE = 100;
export const VARY_SLIDER_COUNT = 20;
/** A slider moves its direction by this many spreads (standard deviations) either way. */
export const SLIDER_LIMIT = 3;
/**
 * The beam a vary or interpolate take at temperature 0 is decoded with: 4 hypotheses reconstruct
 * every held-out 2-bar phrase of the bench from its refined latent (F1 1.000 against greedy's
 * 0.991) at 1.3 times greedy's time (test/bench/RESULTS.md "Sliders: beam decoding").
 */
export const VARY_BEAM_WIDTH = 4;
export const MAX_VARY_BEAM_WIDTH = 16;
export const MIN_PHRASE_BUDGET_SECONDS = 10;
export const MAX_PHRASE_BUDGET_SECONDS = 24 * 3600;

/**
 * The phrase length a kind learns when none is asked for: `continue` learns from 4-bar phrases;
 * `vary` rebuilds unseen 2-bar phrases about twice as faithfully as 4-bar ones (held-out note F1
 * 0.54 against 0.26, docs/midi.md "The vary model"), as MusicVAE's main models are 2 bars.
 */
export const DEFAULT_PHRASE_BARS: Record<PhraseModelKind, number> = { continue: 4, vary: 2 };

/** A training request (phrase-models:start, `eureka train --kind continue|vary`). */
export const phraseTrainRequestSchema = z
  .object({
    kind: phraseModelKindSchema,
    /** The songs whose parts it learns; empty: every part in the library. */
    songIds: z.array(idSchema).max(1000).default([]),
    /** Phrase length in bars: vary's fixed length, continue's training phrases [DEFAULT_PHRASE_BARS of the kind]. */
    bars: z.number().int().min(MIN_PHRASE_BARS).max(MAX_PHRASE_BARS).optional(),
    preset: phrasePresetSchema.default('quick'),
    /** Training time in seconds [the preset's]. */
    budgetSeconds: z.number().finite().min(MIN_PHRASE_BUDGET_SECONDS).max(MAX_PHRASE_BUDGET_SECONDS).optional(),
    /** [a fresh random seed, recorded] */
    seed: seedTextSchema.optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .transform((request) => ({ ...request, bars: request.bars ?? DEFAULT_PHRASE_BARS[request.kind] }));
export type PhraseTrainRequest = z.input<typeof phraseTrainRequestSchema>;

/** The phrases a model learned from, counted (set when its job starts). */
export const phraseCorpusSummarySchema = z.object({
  songs: z.number().int().nonnegative(),
  parts: z.number().int().nonnegative(),
  trainPhrases: z.number().int().nonnegative(),
  heldOutPhrases: z.number().int().nonnegative(),
  bars: z.number().int().nonnegative(),
  notes: z.number().int().nonnegative(),
});
export type PhraseCorpusSummary = z.infer<typeof phraseCorpusSummarySchema>;

/** Held-out figures when training ends (null fields where the kind has none). */
export const phraseEvaluationSchema = z.object({
  heldOutPhrases: z.number().int().nonnegative(),
  /** continue: next-token perplexity and accuracy, and the order-3 Markov chain's on the same split. */
  perplexity: z.number().nullable(),
  accuracy: z.number().nullable(),
  markovPerplexity: z.number().nullable(),
  markovAccuracy: z.number().nullable(),
  /** vary: held-out reconstruction note F1 (pitch and onset on the grid), greedy decoding from the mean. */
  reconstructionF1: z.number().nullable(),
});
export type PhraseEvaluation = z.infer<typeof phraseEvaluationSchema>;

export const phraseTrainingProgressSchema = z.object({
  modelId: idSchema,
  step: z.number().int().nonnegative(),
  steps: z.number().int().positive(),
  /** The training loss of the latest steps (cross-entropy per token; vary adds its KL term). */
  loss: z.number(),
  fraction: z.number().min(0).max(1),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type PhraseTrainingProgress = z.infer<typeof phraseTrainingProgressSchema>;

export const phraseModelSchema = z.object({
  id: idSchema,
  kind: phraseModelKindSchema,
  name: z.string(),
  preset: phrasePresetSchema,
  bars: z.number().int().min(MIN_PHRASE_BARS).max(MAX_PHRASE_BARS),
  /** The songs asked for (empty: the whole library). */
  songIds: z.array(idSchema),
  seed: seedTextSchema,
  budgetSeconds: z.number().positive(),
  status: modelStatusSchema,
  corpus: phraseCorpusSummarySchema.nullable(),
  stepsDone: z.number().int().nonnegative(),
  stepsTotal: z.number().int().positive().nullable(),
  evaluation: phraseEvaluationSchema.nullable(),
  error: z.string().nullable(),
  trainSeconds: z.number().nonnegative(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: phraseTrainingProgressSchema.nullable(),
});
export type PhraseModel = z.infer<typeof phraseModelSchema>;

/** What a request would train, told before it starts. */
export const phraseForecastSchema = z.object({
  outcome: z.enum(['fits', 'refused']),
  /** One line of plain words: what it learns from and how long, or why it cannot. */
  headline: z.string().min(1),
  corpus: phraseCorpusSummarySchema.nullable(),
  seconds: z.number().nonnegative().nullable(),
});
export type PhraseForecast = z.infer<typeof phraseForecastSchema>;

export const phraseLossPointSchema = z.object({ step: z.number().int().positive(), loss: z.number() });
export type PhraseLossPoint = z.infer<typeof phraseLossPointSchema>;

// ---- takes ----

export const PHRASE_TAKE_MODES = ['continue', 'vary', 'interpolate'] as const;
export const phraseTakeModeSchema = z.enum(PHRASE_TAKE_MODES);
export type PhraseTakeMode = z.infer<typeof phraseTakeModeSchema>;

/** A phrase of a song's part: whole bars from a bar (a part clip names the same three numbers). */
export const phraseRefSchema = z
  .object({
    partId: idSchema,
    startBar: z.number().int().min(1),
    bars: z.number().int().min(1).max(MAX_PHRASE_BARS),
  })
  .strict();
export type PhraseRef = z.infer<typeof phraseRefSchema>;

/** Snap a take to the song: onsets and lengths to a grid, and on request pitches to its key. */
export const PHRASE_GRIDS = ['off', '1/8', '1/8T', '1/16', '1/16T', '1/32'] as const;
export const phraseGridSchema = z.enum(PHRASE_GRIDS);
export type PhraseGrid = z.infer<typeof phraseGridSchema>;
export const phraseQuantizeSchema = z
  .object({
    grid: phraseGridSchema.default('1/16'),
    /** Move notes outside the song's key to the nearest note in it. */
    toKey: z.boolean().default(false),
  })
  .strict();
export type PhraseQuantize = z.infer<typeof phraseQuantizeSchema>;

export const sliderValuesSchema = z.array(z.number().min(-SLIDER_LIMIT).max(SLIDER_LIMIT)).length(VARY_SLIDER_COUNT);

export const MAX_PHRASE_TAKES_PER_REQUEST = 20;
export const MIN_TEMPERATURE = 0.1;
export const MAX_TEMPERATURE = 2;

/**
 * Everything that decides a take's notes besides model and seed:
 * - continue: `from` (the phrase it carries on from) and `bars` to add after it, `temperature`;
 * - vary: `from` encoded (or the latent's centre when null), moved by `sliders` (spreads along
 *   the first 20 principal directions), decoded at `temperature` (0 = the most likely notes);
 * - interpolate: `from` and `to` encoded, the latent `fraction` of the way from one to the other.
 * `latent` records how the phrases were encoded, once a take is made: `refined` (the encoder's
 * mean refined against the model's decoder, services/phrase-takes/refined-latents.ts) or
 * `encoded` (the encoder's mean alone: a model without its checkpoint); absent on requests,
 * on continuations, on variations of the centre, and on takes made before it was recorded.
 * `beam`: a vary or interpolate take at temperature 0 is the likeliest phrase of a beam search
 * this wide (services/phrase-models/beam-search.ts); absent, the likeliest token at each step
 * (greedy: every take at a temperature above 0, and those made before beams, which so regenerate
 * as they were made).
 */
export const phraseTakeLatentSchema = z.enum(['refined', 'encoded']);
export type PhraseTakeLatent = z.infer<typeof phraseTakeLatentSchema>;

export const phraseTakeSettingsSchema = z
  .object({
    mode: phraseTakeModeSchema,
    from: phraseRefSchema.nullable(),
    to: phraseRefSchema.nullable(),
    bars: z.number().int().min(1).max(MAX_PHRASE_BARS),
    temperature: z.number().min(0).max(MAX_TEMPERATURE),
    sliders: sliderValuesSchema.nullable(),
    fraction: z.number().min(0).max(1).nullable(),
    quantize: phraseQuantizeSchema,
    latent: phraseTakeLatentSchema.optional(),
    beam: z.number().int().min(2).max(MAX_VARY_BEAM_WIDTH).optional(),
  })
  .strict();
export type PhraseTakeSettings = z.infer<typeof phraseTakeSettingsSchema>;

export const phraseGenerateRequestSchema = z
  .object({
    modelId: idSchema,
    mode: phraseTakeModeSchema,
    count: z.number().int().min(1).max(MAX_PHRASE_TAKES_PER_REQUEST).default(1),
    from: phraseRefSchema.optional(),
    to: phraseRefSchema.optional(),
    /** continue: bars to add [4]; vary/interpolate: the model's phrase length (given or not). */
    bars: z.number().int().min(1).max(MAX_PHRASE_BARS).optional(),
    /** [1 for continue; 0 (the most likely notes) for vary and interpolate] */
    temperature: z.number().min(0).max(MAX_TEMPERATURE).optional(),
    sliders: sliderValuesSchema.optional(),
    /** interpolate: a single fraction; with count > 1 the takes step evenly from `from` to `to`. */
    fraction: z.number().min(0).max(1).optional(),
    quantize: phraseQuantizeSchema.optional(),
    /** [a fresh random seed; take i gets seed + i] */
    seed: seedTextSchema.optional(),
  })
  .strict();
export type PhraseGenerateRequest = z.input<typeof phraseGenerateRequestSchema>;

/** A take's measures (services/phrases/phrase-metrics.ts), and its copy check against the model's phrases. */
export const phraseTakeMetricsSchema = z.object({
  pitchCount: z.number().int().nonnegative(),
  pitchEntropy: z.number().nonnegative(),
  pitchRange: z.number().nonnegative(),
  notesPerBar: z.number().nonnegative(),
  polyphony: z.number().nonnegative(),
  /** The longest run of notes whose intervals equal a run in a training phrase. */
  copiedNotes: z.number().int().nonnegative(),
  /** True when that run is long enough to call the take a copy (its phrase and where, in `copiedFrom`). */
  nearCopy: z.boolean(),
  copiedFrom: z.string().nullable(),
});
export type PhraseTakeMetrics = z.infer<typeof phraseTakeMetricsSchema>;

export const phraseTakeSchema = z.object({
  id: idSchema,
  modelId: idSchema,
  songId: idSchema.nullable(),
  batchId: z.string(),
  name: z.string(),
  settings: phraseTakeSettingsSchema,
  seed: seedTextSchema,
  status: z.enum(['ready', 'failed']),
  error: z.string().nullable(),
  verdict: takeVerdictSchema,
  starred: z.boolean(),
  noteCount: z.number().int().nonnegative(),
  /** Where the take sits in its song, beats from bar 1 (a continuation starts after its phrase). */
  startBeats: z.number().nonnegative(),
  lengthBeats: z.number().nonnegative(),
  metrics: phraseTakeMetricsSchema.nullable(),
  /** The song part it became (phrase-takes:add-to-song), or null. */
  partId: idSchema.nullable(),
  generateSeconds: z.number().nonnegative().nullable(),
  createdAt: z.string(),
});
export type PhraseTake = z.infer<typeof phraseTakeSchema>;

export const phraseTakeDetailSchema = phraseTakeSchema.extend({
  music: partMusicSchema.nullable(),
  /**
   * The notes of the phrase it was made from (`from`), in the song's beats: the bars a
   * continuation follows, or the phrase a variation or blend starts from, drawn under the take so
   * the songwriter sees what changed. Null when it has none or that part no longer holds it.
   */
  phrase: z.array(partNoteSchema).nullable(),
});
export type PhraseTakeDetail = z.infer<typeof phraseTakeDetailSchema>;

export const phraseTakePatchSchema = z
  .object({ verdict: takeVerdictSchema.optional(), starred: z.boolean().optional() })
  .strict()
  .refine((p) => p.verdict !== undefined || p.starred !== undefined, 'nothing to change');

/** A decode the Sliders panel hears before keeping anything (not stored). */
export const phrasePreviewRequestSchema = z
  .object({
    modelId: idSchema,
    from: phraseRefSchema.optional(),
    sliders: sliderValuesSchema,
    temperature: z.number().min(0).max(MAX_TEMPERATURE).default(0),
    seed: seedTextSchema.optional(),
    quantize: phraseQuantizeSchema.optional(),
  })
  .strict();
export type PhrasePreviewRequest = z.input<typeof phrasePreviewRequestSchema>;

/** The sliders of a `vary` model: where `from` sits on each (null: the latent's centre, all 0). */
export const phraseSlidersSchema = z.object({
  count: z.number().int().positive(),
  limit: z.number().positive(),
  /** Each direction's spread (standard deviation of the training latents along it). */
  spreads: z.array(z.number().nonnegative()),
  /** The share of the latents' variance each direction explains. */
  explained: z.array(z.number().min(0).max(1)),
  /** `from`'s own position on each slider, in spreads (clamped to ±limit), when one was given. */
  position: z.array(z.number()).nullable(),
  /** What each slider does to the music (null: no one trait); null for a model trained before sliders were described. */
  characters: z.array(sliderCharacterSchema.nullable()).nullable(),
});
export type PhraseSliders = z.infer<typeof phraseSlidersSchema>;
