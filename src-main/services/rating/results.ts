/**
 * A rating session's results: rows from the repository in, SessionResults
 * out. The numbers themselves are rating-stats.ts; this file decides which answers count and
 * how they group.
 *
 * Whose answers count: raters who submitted. Before that a running score would tell a rater
 * who peeks at the results whether their last answer was right, so an unsubmitted rater is
 * listed (with empty statistics) but counted nowhere. With excludeUnreliable, raters whose
 * catch-trial score is below `reliableAt` are left out of the pooled statistics and the
 * breakdown too (ITU-R BS.1534's post-screening idea), and listed in excludedRaters.
 *
 * Trials: single — one item; 2afc and abx — a take and a real excerpt, the trial counted under
 * the take. Catch trials never enter the statistics; they score the rater:
 *  - low-pass (a real excerpt filtered at 3.5 kHz): passed when called fake (single) or when the
 *    unfiltered one is picked as real (2afc; abx: X placed right);
 *  - repeat: passed when the rater judges it as they judged the original (both right or both
 *    wrong) — consistency, not detection: a rater who cannot tell takes from real audio is
 *    still reliable if they hear the same item the same way twice.
 * catchScore is null for sessions without catch trials; a rater with no scored catch trial yet
 * counts as reliable. Default threshold 0.75: with two catch trials both must pass, with four
 * one may fail.
 *
 * Breakdown (by model id, preset, epochs per scale, mode and the take's own length in seconds,
 * 'unknown' where a take lacks it): a cell holds the generated trials of its value. For single
 * stimulus the real trials are added to every cell, because accuracy and d′ need both kinds
 * (fooled, musicality and inspiring count generated items only, so they stay the cell's own);
 * pair trials already hold their real partner.
 *
 * Item origins (the key) are revealed only once every rater of the session has submitted:
 * earlier, one rater's revealed key would be another's answer sheet.
 */
import { AppError } from '../../common/errors.js';
import { BREAKDOWN_KEYS, type RatingStats, type SessionResults, type TakeRating } from '../../common/rating.js';
import type { AnswerRow, RaterRow, RatingRepository, SessionRow, StoredItem } from './rating-repository.js';
import { isCorrect, proportion, statsOf, type Trial } from './rating-stats.js';
import { breakdownValue, exportFileName, itemLabel, resultsCsv, resultsJson, type BreakdownKey } from './results-export.js';
import type { ScoredTrial } from './scored-trial.js';
import { takeRatings } from './take-ratings.js';

export const DEFAULT_RELIABLE_AT = 0.75;

export interface ResultsOptions {
  excludeUnreliable: boolean;
  /** The catch-trial score a reliable rater reaches [0.75]. */
  reliableAt?: number;
}

/** Everything results are computed from: one session's rows. */
export interface SessionRows {
  session: SessionRow;
  items: readonly StoredItem[];
  raters: readonly RaterRow[];
  /** Every answer of the session's raters. */
  answers: readonly AnswerRow[];
}


/** A rater's answered positions as trials, by position. */
export function scoreRater(session: SessionRow, items: readonly StoredItem[], rater: RaterRow, answers: readonly AnswerRow[]): ScoredTrial[] {
  const mine = answers.filter((row) => row.raterId === rater.id).sort((a, b) => a.position - b.position);
  const scored = mine.flatMap((row) => {
    const stimuli = (rater.order[row.position - 1] ?? []).map((index) => items[index]).filter((item) => item !== undefined);
    if (stimuli.length === 0) return [];
    const trial = trialOf(session.format, stimuli, row);
    const generated = trial.origin === 'generated' ? (stimuli.find((item) => item.origin === 'generated') ?? null) : null;
    return [{ raterId: rater.id, position: row.position, answer: row, stimuli, trial, generated, catchPassed: null as boolean | null }];
  });
  for (const entry of scored) {
    if (entry.trial.origin === 'catch') entry.catchPassed = catchPassed(entry, scored);
  }
  return scored;
}

function trialOf(format: SessionRow['format'], stimuli: readonly StoredItem[], row: AnswerRow): Trial {
  const isCatch = stimuli.some((item) => item.origin === 'catch');
  if (format === 'single') {
    const item = stimuli[0]!;
    return { origin: item.origin, expected: item.expected, answer: row.answer };
  }
  const origin = isCatch ? 'catch' : stimuli.some((item) => item.origin === 'generated') ? 'generated' : 'real';
  // A pair trial is scored by its choice; `expected` (a single-stimulus notion) is filler.
  return { origin, expected: 'fake', answer: row.answer, correctChoice: correctChoiceOf(format, stimuli) };
}

/**
 * 2afc: the stimulus that is real (null unless exactly one is); abx: whether X is A (0) or B
 * (1): the stimulus X renders (`xOf`), or in sessions built before X had a rendering of its
 * own, the stimulus whose item X is.
 */
function correctChoiceOf(format: '2afc' | 'abx', stimuli: readonly StoredItem[]): 0 | 1 | null {
  if (format === 'abx') {
    const [a, b, x] = stimuli;
    if (!a || !b || !x) return null;
    const heard = x.xOf ?? x.index;
    return heard === a.index ? 0 : heard === b.index ? 1 : null;
  }
  const realAt = stimuli.flatMap((item, at) => (item.expected === 'real' ? [at] : []));
  return realAt.length === 1 && (realAt[0] === 0 || realAt[0] === 1) ? realAt[0] : null;
}

function catchPassed(entry: ScoredTrial, all: readonly ScoredTrial[]): boolean | null {
  const repeat = entry.stimuli.find((item) => item.catchKind === 'repeat');
  if (!repeat) return isCorrect(entry.trial);
  const original = all.find((other) => other !== entry && other.stimuli.some((item) => item.index === repeat.repeatOf));
  return original ? isCorrect(original.trial) === isCorrect(entry.trial) : null;
}

/** The results of a session: per rater, pooled, broken down, and (once all submitted) the key. */
export function sessionResults(rows: SessionRows, options: ResultsOptions): SessionResults {
  const reliableAt = options.reliableAt ?? DEFAULT_RELIABLE_AT;
  const perRater = rows.raters.map((rater) => {
    const submitted = rater.submittedAt !== null;
    const scored = submitted ? scoreRater(rows.session, rows.items, rater, rows.answers) : [];
    const catches = scored.filter((entry) => entry.catchPassed !== null);
    const catchScore = rows.session.catchTrials && submitted ? proportion(catches.filter((entry) => entry.catchPassed).length, catches.length) : null;
    const reliable = catchScore === null || catchScore.value === null || catchScore.value >= reliableAt;
    return { rater, submitted, scored, catchScore, reliable };
  });
  const excluded = options.excludeUnreliable ? perRater.filter((entry) => entry.submitted && !entry.reliable) : [];
  const counted = perRater.filter((entry) => entry.submitted && !excluded.includes(entry)).flatMap((entry) => entry.scored);
  const everyoneSubmitted = rows.raters.length > 0 && perRater.every((entry) => entry.submitted);
  return {
    sessionId: rows.session.id,
    name: rows.session.name,
    format: rows.session.format,
    excludedRaters: excluded.map((entry) => entry.rater.id),
    raters: perRater.map((entry) => ({
      raterId: entry.rater.id,
      name: entry.rater.name,
      submitted: entry.submitted,
      catchScore: entry.catchScore,
      reliable: entry.reliable,
      stats: statsOf(entry.scored.map((scored) => scored.trial)),
      final: entry.rater.final,
    })),
    pooled: statsOf(counted.map((entry) => entry.trial)),
    breakdown: breakdownOf(rows.session.format, counted),
    items: everyoneSubmitted ? keyOf(rows.items, counted) : [],
  };
}

function breakdownOf(format: SessionRow['format'], counted: readonly ScoredTrial[]): SessionResults['breakdown'] {
  const realTrials = format === 'single' ? counted.filter((entry) => entry.trial.origin === 'real') : [];
  const generated = counted.filter((entry) => entry.trial.origin === 'generated' && entry.generated !== null);
  const breakdown: Partial<Record<BreakdownKey, Record<string, RatingStats>>> = {};
  for (const key of BREAKDOWN_KEYS) {
    const groups = new Map<string, ScoredTrial[]>();
    for (const entry of generated) {
      const value = breakdownValue(entry.generated!, key);
      groups.set(value, [...(groups.get(value) ?? []), entry]);
    }
    breakdown[key] = Object.fromEntries(
      [...groups].map(([value, entries]) => [value, statsOf([...entries, ...realTrials].map((entry) => entry.trial))]),
    );
  }
  return breakdown as SessionResults['breakdown'];
}

/** Every item with its origin and how many counted answers heard it. */
function keyOf(items: readonly StoredItem[], counted: readonly ScoredTrial[]): SessionResults['items'] {
  return items.map((item) => ({
    label: itemLabel(item),
    origin: item.origin,
    takeId: item.takeId,
    clipId: item.clipId,
    phraseTakeId: item.phraseTakeId,
    answers: counted.filter((entry) => entry.stimuli.some((stimulus) => stimulus.index === item.index)).length,
  }));
}

/** The repository reads results need. */
export type ResultsSource = Pick<RatingRepository, 'session' | 'sessions' | 'items' | 'raters' | 'answers'>;

/** Results, exports and take ratings over the repository: what RatingService calls (its RatingAnalysis). */
export class RatingResults {
  constructor(private readonly repository: ResultsSource) {}

  results(sessionId: number, options: ResultsOptions): SessionResults {
    return sessionResults(this.#rows(sessionId), options);
  }

  /** The session's answers as CSV, or session, results and answers as JSON, with a file name. */
  exportResults(sessionId: number, format: 'csv' | 'json', options: ResultsOptions = { excludeUnreliable: false }): { text: string; fileName: string } {
    const rows = this.#rows(sessionId);
    const results = sessionResults(rows, options);
    const excluded = new Set(results.excludedRaters);
    const exportRows = {
      session: rows.session,
      raters: rows.raters,
      scored: rows.raters.flatMap((rater) => scoreRater(rows.session, rows.items, rater, rows.answers)),
      countedRaterIds: new Set(rows.raters.filter((rater) => rater.submittedAt !== null && !excluded.has(rater.id)).map((rater) => rater.id)),
      revealed: rows.raters.length > 0 && rows.raters.every((rater) => rater.submittedAt !== null),
      results,
    };
    return { text: format === 'csv' ? resultsCsv(exportRows) : resultsJson(exportRows), fileName: exportFileName(rows.session, format) };
  }

  /** Every session's submitted ratings of the takes of a model or a clip (all takes without a filter). */
  takeRatings(filter: { modelId?: number; clipId?: number }): TakeRating[] {
    const wanted = (item: StoredItem): boolean =>
      (filter.modelId === undefined || item.modelId === filter.modelId) && (filter.clipId === undefined || item.clipId === filter.clipId);
    const scored = this.repository.sessions().flatMap((session) => {
      const items = this.repository.items(session.id);
      if (!items.some((item) => item.origin === 'generated' && wanted(item))) return [];
      return this.repository
        .raters(session.id)
        .filter((rater) => rater.submittedAt !== null)
        .flatMap((rater) => scoreRater(session, items, rater, this.repository.answers(rater.id)));
    });
    return takeRatings(scored.filter((entry) => entry.generated !== null && wanted(entry.generated)));
  }

  #rows(sessionId: number): SessionRows {
    const session = this.repository.session(sessionId);
    if (!session) throw new AppError('NOT_FOUND', `there is no rating session ${sessionId}`);
    const raters = this.repository.raters(sessionId);
    return { session, items: this.repository.items(sessionId), raters, answers: raters.flatMap((rater) => this.repository.answers(rater.id)) };
  }
}
