/**
 * What blind sessions said about each take, for the Takes view (so that "ratings flow
 * back into the library"). Pure: the scored trials of submitted raters in, one TakeRating per
 * take out.
 *
 * Counted: a rating is one answered trial about the take that is not a catch trial (a repeat
 * is the same rater hearing the take again: counting it would weigh that rater twice).
 *  - single stimulus: judged real when called real; musicality averaged; inspiring = "yes".
 *  - 2afc: judged real when the take, not its real partner, was picked as the real one; no
 *    musicality or inspiration is asked there.
 *  - abx asks whether X is A or B, never which is real, so it says nothing of one take alone
 *    and is left out.
 */
import type { TakeRating } from '../../common/rating.js';
import { isCorrect } from './rating-stats.js';
import type { ScoredTrial } from './scored-trial.js';

export function takeRatings(scored: readonly ScoredTrial[]): TakeRating[] {
  const byTake = new Map<number, { ratings: number; judgedReal: number; musicality: number[]; inspiring: number }>();
  for (const entry of scored) {
    const takeId = entry.generated?.takeId ?? null;
    const answer = entry.trial.answer;
    if (entry.trial.origin !== 'generated' || takeId === null || answer.kind === 'abx') continue;
    const tally = byTake.get(takeId) ?? { ratings: 0, judgedReal: 0, musicality: [], inspiring: 0 };
    tally.ratings += 1;
    if (answer.kind === 'single') {
      if (answer.judgedReal) tally.judgedReal += 1;
      tally.musicality.push(answer.musicality);
      if (answer.inspiring === 'yes') tally.inspiring += 1;
    } else if (!isCorrect(entry.trial)) {
      tally.judgedReal += 1;
    }
    byTake.set(takeId, tally);
  }
  return [...byTake]
    .sort(([a], [b]) => a - b)
    .map(([takeId, tally]) => ({
      takeId,
      ratings: tally.ratings,
      judgedReal: tally.judgedReal,
      musicalityMean: tally.musicality.length ? tally.musicality.reduce((sum, value) => sum + value, 0) / tally.musicality.length : null,
      inspiring: tally.inspiring,
    }));
}
