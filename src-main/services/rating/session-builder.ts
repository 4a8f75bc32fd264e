/**
 * Builds a blind rating session from a draft (docs/listening-tests.md §2): picks
 * the takes and the real excerpts, makes every item's audio the same way (item-audio.ts),
 * lays out the trials with their catch trials, draws each rater's order and audio tokens, and
 * stores it all (rating-repository.ts). Every random choice comes from the session's seed
 * (session-order.ts); only file names and audio tokens are fresh random secrets.
 *
 * A draft that cannot make a blind session is refused with AppError INVALID_INPUT and one line
 * saying why: no real items, pair formats without one real excerpt per take, too few takes or
 * held-out excerpts of the item length, duplicate rater names, an item that would clip at the
 * loudness target, an order that cannot keep related items apart.
 *
 * Trials: single — one item each; 2afc and abx — one take paired with one real excerpt (of
 * the take's song when one is left). Catch trials (when asked; max(1, ⌊trials/10⌋) of each kind): a real
 * excerpt low-passed at 3.5 kHz (or a quarter of the band rate when that is lower) declared
 * fake — in pair formats paired with its own unfiltered excerpt — and a repeat of an earlier
 * trial's take or excerpt (expected: the original's truth), never adjacent to it and after it.
 * No item is heard in two trials: a repeat, and a catch trial's real partner in the pair
 * formats, are rendered again with their own dither, so no hash of the files pairs a catch
 * trial with the trial it draws on (and through it, tells which item of that trial is real).
 *
 * ABX: X is never A's or B's file. Every stimulus of every ABX trial is rendered once more as
 * an X item of its own (its own file and dither, `xOf` naming the stimulus, the rest of its key
 * the stimulus's), and each rater's X token stands for the rendering of the stimulus their draw
 * picked; so an ABX trial is four items, whichever X a rater hears, and a session's count of
 * items (MAX_SESSION_ITEMS) holds them. Both are made, not only the ones drawn, so the items
 * and their files follow from the seed alone, whoever the raters are.
 *
 * A session of MIDI takes (`phraseTakeIds`; midi-material.ts) has the phrase models' takes on
 * the generated side and real phrases on the other, all rendered by the synth with one program
 * at one tempo and cut to one length (the shortest take's, at most the draft's item length);
 * from there its items, trials, catch trials, orders and tokens are made exactly as above.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { MAX_SESSION_ITEMS, sessionDraftSchema, type SessionDraft } from '../../common/rating.js';
import { describeFsError } from '../store/atomic-write.js';
import { ownerTag } from '../store/leftovers.js';
import { pausePoint } from '../../node/pause-point.js';
import { MIN_OUTPUT_RATE } from '../audio/level.js';
import type { StoredItem, RatingRepository, NewRater } from './rating-repository.js';
import { CATCH_LOWPASS_HZ, type ItemRates } from './item-audio.js';
import { heldOutWindows } from './held-out-regions.js';
import { randomSeed, seededRandom, shuffled } from '../../node/seeded-random.js';
import { orderTrials, presentTrial, type OrderTrial } from './session-order.js';
import { candidateSource, ItemMaker, itemSource, pickTakes, pickWindows, type MadeItem, type PickedTake, type SessionDeps } from './session-picks.js';
import { midiMaterial, type MidiMaterial, type PhraseCandidate } from './midi-material.js';
import type { HeldOutWindow } from './held-out-regions.js';

export type { SessionDeps } from './session-picks.js';

/** A session's items are made in `rating/<prefix><owner tag>` (store/leftovers.ts sweeps a dead one). */
export const STAGING_PREFIX = '.building-';

type Draft = ReturnType<typeof sessionDraftSchema.parse>;

/** Builds and stores a session; resolves to its id. */
export async function buildSession(deps: SessionDeps & { ratings: RatingRepository }, input: SessionDraft): Promise<number> {
  const draft = parseDraft(input);
  const seed = draft.seed ?? randomSeed();
  checkCounts(draft);
  const material = draft.phraseTakeIds
    ? await midiSession(deps, draft, seed)
    : audioSession(deps, draft, seed);
  const { rates, itemSeconds } = material;

  const staging = path.join(deps.dataDir, 'rating', `${STAGING_PREFIX}${ownerTag()}`);
  try {
    await mkdir(staging, { recursive: true });
    const maker = new ItemMaker(deps, staging, { rates, seconds: itemSeconds, targetLufs: draft.targetLufs }, seed, material.midi);
    const generated = await material.makeGenerated(maker);
    const real = await material.makeReal(maker);
    const items: StoredItem[] = [...generated, ...real].map((item, index) => ({ ...item, index }));
    const trials: number[][] = draft.format === 'single' ? items.map((item) => [item.index]) : pairs(items);
    if (draft.catchTrials) {
      await addCatchTrials(maker, draft, seed, items, trials, (again, count, lowpassHz) => material.makeLowpassed(maker, real, again, count, lowpassHz), rates);
    }
    const xRendering = draft.format === 'abx' ? await addXRenderings(maker, items, trials, catchLowpassHz(rates)) : null;
    await sameTimes(items.map((item) => item.file));

    const orderTrialsOf = trials.map((stimuli) => orderTrialOf(stimuli, items, trials));
    const raters: NewRater[] = draft.raters.map((name, r) => {
      const order = orderTrials(orderTrialsOf, seededRandom(seed, `order:${r}`));
      if (!order) throw new AppError('INVALID_INPUT', 'cannot order so few items so that a take and its repeat or source are never adjacent: add items');
      const stimuliRandom = seededRandom(seed, `stimuli:${r}`);
      const positions = order.map((trial) => {
        const stimuli = presentTrial(draft.format, trials[trial]!, stimuliRandom);
        // ABX: X, drawn as A or B, is heard as that stimulus's own rendering.
        return xRendering ? stimuli.map((index, slot) => (slot === 2 ? xRendering.get(index)! : index)) : stimuli;
      });
      return { name, order: positions, tokens: positions.map((stimuli) => stimuli.map(() => randomBytes(16).toString('hex'))) };
    });
    pausePoint('rating:staged');
    return deps.ratings.createSession(
      {
        name: draft.name,
        format: draft.format,
        itemSeconds,
        sampleRate: rates.bandRate,
        fileRate: rates.fileRate,
        targetLufs: draft.targetLufs,
        catchTrials: draft.catchTrials,
        seed,
        draft: { ...draft, seed, itemSeconds },
      },
      items,
      raters,
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** What a session is made of, audio or MIDI: its rates and item length, and how its items are made. */
interface SessionMaterial {
  rates: ItemRates;
  itemSeconds: number;
  midi: MidiMaterial | null;
  makeGenerated(maker: ItemMaker): Promise<MadeItem[]>;
  makeReal(maker: ItemMaker): Promise<MadeItem[]>;
  /**
   * Low-passed catch items: from the real material no item was made of (single stimulus only)
   * and then from `again`, the session's real items in a seeded order.
   */
  makeLowpassed(maker: ItemMaker, real: readonly MadeItem[], again: readonly StoredItem[], count: number, lowpassHz: number): Promise<MadeItem[]>;
}

/** Takes and held-out excerpts of their songs. */
function audioSession(deps: SessionDeps, draft: Draft, seed: string): SessionMaterial {
  const candidates = pickTakes(deps, draft, seed);
  const rates = ratesOf(candidates.slice(0, draft.generatedCount));
  const songIds = [...new Set(candidates.slice(0, draft.generatedCount).flatMap((c) => (c.take.songId === null ? [] : [c.take.songId])))];
  const trainingClipIds = new Set(candidates.flatMap((c) => [c.take.clipId, c.model.clipId]).filter((id): id is number => id !== null));
  const windows = pickWindows(heldOutWindows(deps.library, songIds, trainingClipIds, draft.itemSeconds), seededRandom(seed, 'real'));
  if (windows.length < draft.realCount) {
    throw new AppError(
      'INVALID_INPUT',
      `only ${windows.length} real excerpts of ${draft.itemSeconds} s fit in the held-out parts of the takes' songs, ${draft.realCount} were asked for: mark more clips val or test, or shorten the items`,
    );
  }
  const windowOf = (item: StoredItem): HeldOutWindow => ({
    songId: item.songId!,
    fileId: item.sourceFileId!,
    clipId: item.clipId,
    rule: 'held-out clips',
    start: item.sourceStart,
    end: item.sourceStart + draft.itemSeconds,
  });
  return {
    rates,
    itemSeconds: draft.itemSeconds,
    midi: null,
    makeGenerated: (maker) => maker.takes(candidates.filter((c) => generatedRate(c) >= rates.bandRate), draft.generatedCount),
    makeReal: (maker) => maker.windows(windows, draft.realCount, null),
    makeLowpassed(maker, real, again, count, lowpassHz) {
      const unused = windows.filter((w) => !real.some((item) => item.sourceFileId === w.fileId && item.sourceStart === w.start));
      return maker.windows(draft.format === 'single' ? [...unused, ...again.map(windowOf)] : again.map(windowOf), count, lowpassHz);
    },
  };
}

/** MIDI takes and real phrases (midi-material.ts). */
async function midiSession(deps: SessionDeps, draft: Draft, seed: string): Promise<SessionMaterial> {
  if (!deps.phrases) throw new AppError('INVALID_INPUT', 'this Eureka cannot build sessions of MIDI takes (it has no phrase models)');
  const material = await midiMaterial(deps.phrases, draft.phraseTakeIds!, { seed, itemSeconds: draft.itemSeconds });
  if (material.real.length < draft.realCount) {
    throw new AppError(
      'INVALID_INPUT',
      `only ${material.real.length} real phrases of ${material.itemSeconds.toFixed(1)} s were found in the held-out phrases of the takes' models and the parts of their songs, ${draft.realCount} were asked for: shorten the items, or add parts to the songs`,
    );
  }
  const bySource = new Map<string, PhraseCandidate>(material.real.map((candidate) => [candidateSource(candidate.key), candidate]));
  return {
    rates: material.rates,
    itemSeconds: material.itemSeconds,
    midi: material,
    makeGenerated: (maker) => maker.phrases(material.takes, draft.generatedCount, null, 'MIDI takes'),
    makeReal: (maker) => maker.phrases(material.real, draft.realCount, null, 'real phrases'),
    makeLowpassed(maker, real, again, count, lowpassHz) {
      const made = new Set(real.map(itemSource));
      const unused = material.real.filter((candidate) => !made.has(candidateSource(candidate.key)));
      const agains = again.map((item) => bySource.get(itemSource(item))!);
      return maker.phrases(draft.format === 'single' ? [...unused, ...agains] : agains, count, lowpassHz, 'real phrases');
    },
  };
}

function parseDraft(input: SessionDraft): Draft {
  const parsed = sessionDraftSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('INVALID_INPUT', `the session is not valid: ${issue?.path.join('.') || 'draft'} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** Refusals that need no library. */
function checkCounts(draft: Draft): void {
  if (draft.generatedCount < 1) throw new AppError('INVALID_INPUT', 'a session needs at least one generated item');
  if (draft.realCount < 1) {
    throw new AppError('INVALID_INPUT', 'a blind test needs real items to compare with: ask for at least one real excerpt');
  }
  if (draft.format !== 'single' && draft.realCount !== draft.generatedCount) {
    throw new AppError(
      'INVALID_INPUT',
      `a ${draft.format} session pairs every take with its own real excerpt: ask for as many real items as generated (not ${draft.realCount} and ${draft.generatedCount})`,
    );
  }
  // Each catch trial is one item, and in the pair formats a second: its real partner rendered again.
  const perCatchTrial = draft.format === 'single' ? 1 : 2;
  const presented = draft.generatedCount + draft.realCount + (draft.catchTrials ? 2 * perCatchTrial * catchCount(draft) : 0);
  // ABX: every presented item is rendered once more as an X (addXRenderings).
  const total = draft.format === 'abx' ? 2 * presented : presented;
  if (total > MAX_SESSION_ITEMS) {
    throw new AppError('INVALID_INPUT', `a session holds at most ${MAX_SESSION_ITEMS} items; this one would have ${total}`);
  }
  if (draft.phraseTakeIds && (draft.takeIds || draft.takeFilter)) throw new AppError('INVALID_INPUT', 'a session rates audio takes or MIDI takes, not both');
  if (draft.takeIds && draft.generatedCount > draft.takeIds.length) {
    throw new AppError('INVALID_INPUT', `${draft.takeIds.length} takes were picked but ${draft.generatedCount} generated items asked for`);
  }
  if (draft.phraseTakeIds) {
    if (draft.generatedCount > draft.phraseTakeIds.length) {
      throw new AppError('INVALID_INPUT', `${draft.phraseTakeIds.length} MIDI takes were picked but ${draft.generatedCount} generated items asked for`);
    }
  }
  const seen = new Set<string>();
  for (const name of draft.raters) {
    const key = name.trim().toLocaleLowerCase();
    if (seen.has(key)) throw new AppError('INVALID_INPUT', `two raters are called "${name}"; give each rater their own name`);
    seen.add(key);
  }
}

/** Pair formats: each take with a real excerpt of its own song when one is left, else any left. */
function pairs(items: readonly StoredItem[]): number[][] {
  const left = items.filter((item) => item.origin === 'real');
  return items
    .filter((item) => item.origin === 'generated')
    .map((take) => {
      const at = Math.max(0, left.findIndex((real) => real.songId === take.songId));
      const [real] = left.splice(at, 1);
      return [take.index, real!.index];
    });
}

/** How many catch trials of each kind. */
function catchCount(draft: Draft): number {
  const trials = draft.format === 'single' ? draft.generatedCount + draft.realCount : draft.generatedCount;
  return Math.max(1, Math.floor(trials / 10));
}

/** The low-pass of a session's low-pass catch trials: 3.5 kHz, or a quarter of the band rate when that is lower. */
function catchLowpassHz(rates: ItemRates): number {
  return Math.min(CATCH_LOWPASS_HZ, Math.floor(rates.bandRate / 4));
}

/** The rate a take was generated at: its model's top rate, or its file's when that is lower. */
function generatedRate(candidate: PickedTake): number {
  return Math.min(candidate.take.sampleRate ?? Infinity, candidate.model.plan?.topRate ?? Infinity);
}

/** The band rate (the lowest generated rate of the takes) and the file rate every item shares. */
function ratesOf(takes: readonly PickedTake[]): ItemRates {
  const bandRate = Math.min(...takes.map(generatedRate));
  if (!Number.isFinite(bandRate)) throw new AppError('INTERNAL', 'the takes have no sample rate');
  return { bandRate, fileRate: Math.max(bandRate, MIN_OUTPUT_RATE) };
}

/**
 * Appends the catch items and their trials. Low-pass: single — an unused held-out window when
 * there is one, else a picked excerpt again; pairs — a picked excerpt, paired with itself
 * unfiltered. Repeat: a random earlier trial's take or excerpt (pairs: its take, with the same
 * real partner). In the pair formats the real partner is that excerpt rendered again, an item
 * of its own (origin real, like the excerpt it is: the trial counts as a catch trial by its
 * other item).
 */
async function addCatchTrials(
  maker: ItemMaker,
  draft: Draft,
  seed: string,
  items: StoredItem[],
  trials: number[][],
  makeLowpassed: (again: readonly StoredItem[], count: number, lowpassHz: number) => Promise<MadeItem[]>,
  rates: ItemRates,
): Promise<void> {
  const random = seededRandom(seed, 'catch');
  const count = catchCount(draft);
  const baseTrials = trials.slice();
  const realItems = items.filter((item) => item.origin === 'real');
  const lowpassHz = catchLowpassHz(rates);
  const lowpassed = await makeLowpassed(shuffled(realItems, random), count, lowpassHz);
  /** A fresh rendering of real item `of` as a new item: its index. */
  const partnerCopy = async (of: StoredItem): Promise<number> => {
    const index = items.length;
    items.push({ ...of, index, ...(await maker.again(of, null)) });
    return index;
  };
  for (const item of lowpassed) {
    const index = items.length;
    items.push({ ...item, index, origin: 'catch', catchKind: 'lowpass', expected: 'fake' });
    const partner = realItems.find((real) => itemSource(real) === itemSource(item));
    trials.push(draft.format === 'single' || !partner ? [index] : [await partnerCopy(partner), index]);
  }
  // Repeats: single — of any earlier item; pairs — of a trial's take, with the same real partner.
  for (const original of shuffled(baseTrials, random).slice(0, count)) {
    const of = items[original[0]!]!;
    const index = items.length;
    items.push({ ...of, index, origin: 'catch', catchKind: 'repeat', repeatOf: of.index, ...(await maker.again(of, null)) });
    trials.push(draft.format === 'single' ? [index] : [index, await partnerCopy(items[original[1]!]!)]);
  }
}

/**
 * ABX: renders every stimulus of every trial once more, in trial order, as an X item of its own
 * (appended to `items`; a low-passed catch item with its low-pass). Returns each stimulus's X.
 */
async function addXRenderings(maker: ItemMaker, items: StoredItem[], trials: readonly number[][], lowpassHz: number): Promise<Map<number, number>> {
  const rendering = new Map<number, number>();
  for (const stimulus of trials.flat()) {
    const of = items[stimulus]!;
    const index = items.length;
    items.push({ ...of, index, xOf: of.index, ...(await maker.again(of, of.catchKind === 'lowpass' ? lowpassHz : null)) });
    rendering.set(of.index, index);
  }
  return rendering;
}

/** Where a trial's audio comes from, and the trial it must follow. */
function orderTrialOf(stimuli: readonly number[], items: readonly StoredItem[], trials: readonly number[][]): OrderTrial {
  const sources = stimuli.flatMap((index) => sourcesOf(items[index]!));
  const repeat = stimuli.map((index) => items[index]!).find((item) => item.catchKind === 'repeat');
  const after = repeat ? trials.findIndex((t) => t.includes(repeat.repeatOf!) && !t.includes(repeat.index)) : -1;
  return { sources, after: after >= 0 ? after : null };
}

/**
 * A take's id, a MIDI take's, a real phrase's place, or an excerpt's file region: a repeat or a
 * low-passed copy shares its original's (itemSource). (A take's source clip is never an item:
 * real excerpts are held out from every clip the session's models learned, held-out-regions.ts.)
 */
function sourcesOf(item: StoredItem): string[] {
  return [itemSource(item)];
}

/** One modification time for every item file, so no directory listing or HTTP header tells the build order. */
async function sameTimes(files: readonly string[]): Promise<void> {
  const when = new Date(Math.floor(Date.now() / 1000) * 1000);
  try {
    for (const file of new Set(files)) await utimes(file, when, when);
  } catch (error) {
    throw new AppError('STORAGE', `cannot write the session's audio (${describeFsError(error)})`);
  }
}
