/**
 * Blind rating sessions (docs/listening-tests.md): what a session is built from, what
 * a rater sees and answers, and the results. Blinding lives in these types: everything a rater's
 * renderer receives (RaterItem, RaterProgress) carries neutral labels and positions only — the
 * origin of an item (real or generated, which take) exists only in main-process types
 * (SessionItemKey) until the rater submits. Times in seconds.
 */
import { z } from 'zod';
import { idSchema } from './dto.js';
import { presetNameSchema } from './training.js';

export const SESSION_FORMATS = ['single', '2afc', 'abx'] as const;
/**
 * single: one item at a time with the questionnaire of docs/listening-tests.md §1 (real or fake, how easy, musicality,
 * inspiring, comment); 2afc: two items, "which one is real?"; abx: A and B (one real, one
 * generated) then X, "is X A or B?".
 */
export const sessionFormatSchema = z.enum(SESSION_FORMATS);
export type SessionFormat = z.infer<typeof sessionFormatSchema>;

export const MIN_ITEM_SECONDS = 5;
export const MAX_ITEM_SECONDS = 60;
export const DEFAULT_ITEM_SECONDS = 30;
export const MAX_SESSION_ITEMS = 100;
export const MAX_RATERS = 12;

/** Which takes a session may draw from. */
export const takeFilterSchema = z.object({
  modelIds: z.array(idSchema).max(50).optional(),
  modes: z.array(z.string()).max(6).optional(),
  presets: z.array(presetNameSchema).optional(),
  starredOnly: z.boolean().default(false),
  /** Leave out takes the songwriter discarded [true]. */
  excludeDiscarded: z.boolean().default(true),
});

/** A request to build a session. */
export const sessionDraftSchema = z.object({
  name: z.string().trim().min(1).max(120),
  format: sessionFormatSchema.default('single'),
  /** Generated items: explicit takes, or a filter the builder picks from (seeded). */
  takeIds: z.array(idSchema).max(MAX_SESSION_ITEMS).optional(),
  takeFilter: takeFilterSchema.optional(),
  /**
   * A session of MIDI material instead: these MIDI takes of the phrase models as the generated
   * items, and real phrases (held-out phrases of their models, else bars of their songs'
   * parts), all rendered by the General MIDI synth with one program at one tempo. The items
   * last as long as the shortest take, at most `itemSeconds`.
   */
  phraseTakeIds: z.array(idSchema).min(1).max(MAX_SESSION_ITEMS).optional(),
  /** How many generated and real items (real: held-out regions of the same songs). */
  generatedCount: z.number().int().min(0).max(MAX_SESSION_ITEMS),
  realCount: z.number().int().min(0).max(MAX_SESSION_ITEMS),
  itemSeconds: z.number().min(MIN_ITEM_SECONDS).max(MAX_ITEM_SECONDS).default(DEFAULT_ITEM_SECONDS),
  /** Catch trials: a real clip low-passed at 3.5 kHz declared fake, and a repeat of an earlier item. */
  catchTrials: z.boolean().default(false),
  raters: z.array(z.string().trim().min(1).max(60)).min(1).max(MAX_RATERS),
  /** The shuffle seed [random, stored]. */
  seed: z.string().regex(/^\d{1,20}$/).optional(),
  /** Loudness every item is matched to, LUFS [−23]. */
  targetLufs: z.number().min(-40).max(-10).default(-23),
});
export type SessionDraft = z.input<typeof sessionDraftSchema>;

export const SESSION_STATUSES = ['open', 'closed'] as const;

/** 32 random bytes, hex: what a rater's link carries instead of the owner's token. */
export const raterAccessKeySchema = z.string().regex(/^[0-9a-f]{64}$/);

/** A session as the songwriter (organiser) lists it: no item origins. */
export const sessionSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  format: sessionFormatSchema,
  itemSeconds: z.number(),
  itemCount: z.number().int(),
  catchTrials: z.boolean(),
  sampleRate: z.number().int().positive(),
  targetLufs: z.number(),
  status: z.enum(SESSION_STATUSES),
  raters: z.array(
    z.object({
      id: idSchema,
      name: z.string(),
      answered: z.number().int().nonnegative(),
      total: z.number().int().positive(),
      submitted: z.boolean(),
      /** The secret of this rater's own link (web mode): it opens their screen and nothing else. */
      accessKey: raterAccessKeySchema,
    }),
  ),
  createdAt: z.string(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

/**
 * A rater's link in web mode: `/?rater=<rater id>.<access key>`. The server trades it for a
 * session that may call only that rater's own progress, answer, final and submit, and fetch
 * only their own items' audio; the owner's token never appears in it.
 */
export const RATER_LINK_PARAM = 'rater';

export function raterLinkPath(raterId: number, accessKey: string): string {
  return `/?${RATER_LINK_PARAM}=${raterId}.${accessKey}`;
}

/** The rater id and access key a link's parameter carries, or null when it is malformed. */
export function parseRaterCredential(value: string): { raterId: number; accessKey: string } | null {
  const match = /^([1-9]\d{0,11})\.([0-9a-f]{64})$/.exec(value);
  return match ? { raterId: Number(match[1]), accessKey: match[2]! } : null;
}

/**
 * One trial as the rater's renderer gets it: a position and neutral labels only. `audio` are
 * opaque tokens the media route resolves (random, per rater and position; never a take or file
 * id), every one of the session's identical length.
 */
export const raterTrialSchema = z.object({
  sessionId: idSchema,
  raterId: idSchema,
  /** 1-based position in this rater's order. */
  position: z.number().int().positive(),
  total: z.number().int().positive(),
  format: sessionFormatSchema,
  /** "Item 7"; for 2afc "Item 7 A"/"Item 7 B"; for abx "A", "B", "X". */
  stimuli: z.array(z.object({ label: z.string(), audio: z.string().regex(/^[0-9a-f]{32}$/) })).min(1).max(3),
  seconds: z.number().positive(),
});
export type RaterTrial = z.infer<typeof raterTrialSchema>;

export const DETECTION_EASE = ['easy', 'dont-know', 'difficult', 'other'] as const;
export const INSPIRING = ['yes', 'maybe', 'no', 'other'] as const;

/** A single-stimulus answer (the questionnaire of docs/listening-tests.md §1). */
export const singleAnswerSchema = z.object({
  kind: z.literal('single'),
  judgedReal: z.boolean(),
  /** Only when judged fake: how easy it was to tell. */
  ease: z.enum(DETECTION_EASE).nullable(),
  musicality: z.number().int().min(0).max(10),
  inspiring: z.enum(INSPIRING),
  comment: z.string().max(2000).default(''),
});
/** 2afc: which stimulus (0 or 1) the rater thinks is real. abx: whether X is A (0) or B (1). */
export const choiceAnswerSchema = z.object({
  kind: z.enum(['2afc', 'abx']),
  choice: z.union([z.literal(0), z.literal(1)]),
  comment: z.string().max(2000).default(''),
});
export const answerSchema = z.discriminatedUnion('kind', [singleAnswerSchema, choiceAnswerSchema]);
export type Answer = z.infer<typeof answerSchema>;

/** The final questionnaire (docs/listening-tests.md §1), answered once after the last item. */
export const finalAnswersSchema = z.object({
  helpsFinishSongs: z.enum(['yes', 'maybe', 'no']),
  reachedNewPlaces: z.enum(['yes', 'maybe', 'no']),
  whatWouldYouNeed: z.string().max(4000).default(''),
});
export type FinalAnswers = z.infer<typeof finalAnswersSchema>;

/** Where a rater stands: the next trial, or done (then the final questionnaire, then submit). */
export const raterProgressSchema = z.object({
  sessionId: idSchema,
  raterId: idSchema,
  raterName: z.string(),
  answered: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  next: raterTrialSchema.nullable(),
  finalAnswered: z.boolean(),
  submitted: z.boolean(),
});
export type RaterProgress = z.infer<typeof raterProgressSchema>;

/** A proportion with its count and a 95 % interval (Wilson). */
export const proportionSchema = z.object({
  count: z.number().int().nonnegative(),
  of: z.number().int().nonnegative(),
  value: z.number().min(0).max(1).nullable(),
  low: z.number().min(0).max(1).nullable(),
  high: z.number().min(0).max(1).nullable(),
});
export type Proportion = z.infer<typeof proportionSchema>;

/** The statistics of one group of answers (a rater, the pool, or a breakdown cell). */
export const ratingStatsSchema = z.object({
  trials: z.number().int().nonnegative(),
  /** Share of correct real/fake calls (single), correct choices (2afc, abx). */
  accuracy: proportionSchema,
  /** One-sided exact binomial test of accuracy > 50 %: the p-value. */
  binomialP: z.number().min(0).max(1).nullable(),
  /**
   * d′: single stimulus z(hit) − z(false alarm) with "fake" as the signal, rates clamped by 1/(2N)
   * (null without both kinds); 2afc √2·z(share correct); ABX null (its d′ needs an assumed strategy).
   */
  dPrime: z.number().nullable(),
  /** Share of generated items judged real. */
  fooled: proportionSchema,
  /** Mean musicality (0–10) with a 95 % t interval; null without single-stimulus answers. */
  musicality: z.object({ mean: z.number(), low: z.number(), high: z.number(), n: z.number().int() }).nullable(),
  inspiring: proportionSchema,
  inspiringOrMaybe: proportionSchema,
});
export type RatingStats = z.infer<typeof ratingStatsSchema>;

export const BREAKDOWN_KEYS = ['model', 'preset', 'epochs', 'mode', 'length'] as const;

export const sessionResultsSchema = z.object({
  sessionId: idSchema,
  name: z.string(),
  format: sessionFormatSchema,
  /** Raters whose catch-trial score is below the threshold, left out of `pooled` when excludeUnreliable. */
  excludedRaters: z.array(idSchema),
  raters: z.array(
    z.object({
      raterId: idSchema,
      name: z.string(),
      submitted: z.boolean(),
      /** Share of catch trials answered as expected (null without catch trials). */
      catchScore: proportionSchema.nullable(),
      reliable: z.boolean(),
      stats: ratingStatsSchema,
      final: finalAnswersSchema.nullable(),
    }),
  ),
  pooled: ratingStatsSchema,
  /** key → value → stats, over generated items (and the real ones they were judged against). */
  breakdown: z.record(z.enum(BREAKDOWN_KEYS), z.record(z.string(), ratingStatsSchema)),
  /** Only after every counted rater submitted: item origins with their answers. */
  items: z.array(
    z.object({
      label: z.string(),
      origin: z.enum(['generated', 'real', 'catch']),
      takeId: idSchema.nullable(),
      clipId: idSchema.nullable(),
      /** A MIDI session's generated item: the phrase model's take it is (null for the others). */
      phraseTakeId: idSchema.nullable(),
      answers: z.number().int().nonnegative(),
    }),
  ),
});
export type SessionResults = z.infer<typeof sessionResultsSchema>;

/** A take's ratings as the Takes view shows them (submitted sessions only). */
export const takeRatingSchema = z.object({
  takeId: idSchema,
  ratings: z.number().int().nonnegative(),
  judgedReal: z.number().int().nonnegative(),
  musicalityMean: z.number().nullable(),
  inspiring: z.number().int().nonnegative(),
});
export type TakeRating = z.infer<typeof takeRatingSchema>;
