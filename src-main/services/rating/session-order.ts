/**
 * The randomness of a rating session, all of it derived from the session's stored seed so a
 * session can be rebuilt and audited: which takes and excerpts are picked, each rater's order,
 * and each trial's A/B positions and X.
 *
 * The generator is node/seeded-random.ts's: every use draws its own named stream ("takes",
 * "order:2"), so adding a rater does not reshuffle the others.
 *
 * Orders are constrained: trials that share a source (a take and its repeat, a real excerpt
 * and its low-passed copy, a take and its source clip) are never adjacent, and a repeat comes
 * after the trial it repeats. Shuffles are drawn until one satisfies that.
 */
import { randomIndex, shuffled } from '../../node/seeded-random.js';

/** What ordering needs to know of a trial. */
export interface OrderTrial {
  /** Sources the trial's audio comes from ("take:12", "region:3:40.5"); trials sharing one are never adjacent. */
  sources: readonly string[];
  /** The index of the trial this one must follow (a repeat), or null. */
  after: number | null;
}

/** Whether an order (trial indices) keeps related trials apart and repeats after their originals. */
export function isValidOrder(order: readonly number[], trials: readonly OrderTrial[]): boolean {
  const position = new Map(order.map((trial, at) => [trial, at]));
  for (let at = 0; at < order.length; at++) {
    const trial = trials[order[at]!]!;
    if (trial.after !== null && (position.get(trial.after) ?? Infinity) > at) return false;
    if (at > 0) {
      const previous = new Set(trials[order[at - 1]!]!.sources);
      if (trial.sources.some((source) => previous.has(source))) return false;
    }
  }
  return true;
}

/**
 * A random valid order of the trials' indices, or null when `attempts` shuffles found none.
 * A repeat drawn before its original swaps places with it (a shuffle and its swapped twin are
 * equally likely, so this halves nothing but the rejections).
 */
export function orderTrials(trials: readonly OrderTrial[], random: () => number, attempts = 5000): number[] | null {
  const indices = trials.map((_, i) => i);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const order = shuffled(indices, random);
    trials.forEach((trial, index) => {
      if (trial.after === null) return;
      const at = order.indexOf(index);
      const originalAt = order.indexOf(trial.after);
      if (originalAt > at) [order[at], order[originalAt]] = [trial.after, index];
    });
    if (isValidOrder(order, trials)) return order;
  }
  return null;
}

/**
 * The stimuli of one trial as a rater meets them, item indices. single: [item]; 2afc: the
 * pair in random order; abx: the pair as A and B in random order, then X, one of them at random
 * (the builder then gives X that one's own rendering, so X is never A's or B's file).
 */
export function presentTrial(format: 'single' | '2afc' | 'abx', items: readonly number[], random: () => number): number[] {
  if (format === 'single') return [items[0]!];
  const pair = shuffled(items.slice(0, 2), random);
  return format === '2afc' ? pair : [...pair, pair[randomIndex(random, 2)]!];
}
