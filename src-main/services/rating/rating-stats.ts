/**
 * The statistics of blind rating answers (docs/listening-tests.md "Results"): pure
 * functions over trials, no database, no audio.
 *
 * What each number means (n = trials that are not catch trials):
 *  - accuracy: single — the real/fake call matches the item (real judged real, fake judged
 *    fake); 2afc and abx — the choice is the right one. With a 95 % Wilson interval.
 *  - binomialP: one-sided exact binomial test against guessing, P[X ≥ k | n, ½]. Large p (say
 *    above 0.05) means the raters could not tell the takes from the real thing.
 *  - dPrime: single — z(hit) − z(false alarm), "fake" as the signal (hit: a fake judged fake,
 *    false alarm: a real item judged fake), each rate clamped to [1/(2N), 1 − 1/(2N)] with N
 *    its own count (Macmillan & Kaplan 1985) so perfect scores stay finite; null without both
 *    real and fake items. 2afc — √2·z(proportion correct), clamped the same way (the unbiased
 *    observer of Macmillan & Creelman, "Detection Theory" ch. 7). abx — null: its d′ depends
 *    on which decision strategy one assumes (differencing or independent observation), and
 *    we would rather show nothing than a guess.
 *  - fooled: single — generated items judged real; 2afc — the generated one picked as real;
 *    abx asks "is X A or B", not "which is real", so nothing (0 of 0).
 *  - musicality (0–10), inspiring, inspiring-or-maybe: single-stimulus answers to GENERATED
 *    items only. They describe the takes; real items are there as the yardstick for
 *    detection, and mixing their scores in would blur the takes' own. Musicality: mean with a
 *    95 % Student-t interval, clamped to the 0–10 scale (a mean cannot leave it); one answer
 *    alone gives the whole scale as its interval.
 * Catch trials never count here; they measure the rater (catchScore).
 */
import type { Answer, Proportion, RatingStats } from '../../common/rating.js';

export type ItemOrigin = 'generated' | 'real' | 'catch';

/** One answered trial: what the item was and what the rater said. */
export interface Trial {
  origin: ItemOrigin;
  /** The truthful single-stimulus call: real items 'real', generated and low-passed ones 'fake'. */
  expected: 'real' | 'fake';
  answer: Answer;
  /** 2afc: the stimulus that is real; abx: the one X is. Unused for single answers. */
  correctChoice?: 0 | 1 | null;
}

/** Whether a trial's answer is the right one. */
export function isCorrect(trial: Trial): boolean {
  const answer = trial.answer;
  if (answer.kind === 'single') return answer.judgedReal === (trial.expected === 'real');
  return trial.correctChoice !== null && trial.correctChoice !== undefined && answer.choice === trial.correctChoice;
}

export function statsOf(trials: readonly Trial[]): RatingStats {
  const counted = trials.filter((trial) => trial.origin !== 'catch');
  const correct = counted.filter(isCorrect).length;
  const n = counted.length;
  const generatedSingles = counted.filter((trial) => trial.origin === 'generated' && trial.answer.kind === 'single');
  const singleAnswers = generatedSingles.map((trial) => trial.answer).filter((answer) => answer.kind === 'single');
  return {
    trials: n,
    accuracy: proportion(correct, n),
    binomialP: n > 0 ? binomialUpperTail(correct, n) : null,
    dPrime: dPrimeOf(counted),
    fooled: fooledOf(counted),
    musicality: meanWithInterval(singleAnswers.map((answer) => answer.musicality), 0, 10),
    inspiring: proportion(singleAnswers.filter((answer) => answer.inspiring === 'yes').length, singleAnswers.length),
    inspiringOrMaybe: proportion(
      singleAnswers.filter((answer) => answer.inspiring === 'yes' || answer.inspiring === 'maybe').length,
      singleAnswers.length,
    ),
  };
}

function kindOf(trials: readonly Trial[]): Answer['kind'] | null {
  const kinds = new Set(trials.map((trial) => trial.answer.kind));
  return kinds.size === 1 ? ([...kinds][0] ?? null) : null;
}

function dPrimeOf(trials: readonly Trial[]): number | null {
  const kind = kindOf(trials);
  if (kind === '2afc') {
    const correct = trials.filter(isCorrect).length;
    return Math.SQRT2 * normalQuantile(clampedRate(correct, trials.length));
  }
  if (kind !== 'single') return null;
  const fakes = trials.filter((trial) => trial.expected === 'fake');
  const reals = trials.filter((trial) => trial.expected === 'real');
  if (fakes.length === 0 || reals.length === 0) return null;
  const judgedFake = (trial: Trial): boolean => trial.answer.kind === 'single' && !trial.answer.judgedReal;
  const hitRate = clampedRate(fakes.filter(judgedFake).length, fakes.length);
  const falseAlarmRate = clampedRate(reals.filter(judgedFake).length, reals.length);
  return normalQuantile(hitRate) - normalQuantile(falseAlarmRate);
}

function fooledOf(trials: readonly Trial[]): Proportion {
  const kind = kindOf(trials);
  if (kind === 'single') {
    const generated = trials.filter((trial) => trial.origin === 'generated');
    const judgedReal = generated.filter((trial) => trial.answer.kind === 'single' && trial.answer.judgedReal);
    return proportion(judgedReal.length, generated.length);
  }
  if (kind === '2afc') return proportion(trials.filter((trial) => !isCorrect(trial)).length, trials.length);
  return proportion(0, 0);
}

/** count/of → rate in [1/(2·of), 1 − 1/(2·of)], so z() of a perfect score stays finite. */
export function clampedRate(count: number, of: number): number {
  const floor = 1 / (2 * of);
  return Math.min(1 - floor, Math.max(floor, count / of));
}

/**
 * A share with its 95 % Wilson score interval (sound near 0 and 1 and for small counts). Its
 * bounds are exactly 0 for none and 1 for all, which floating point alone misses by 1e-17.
 */
export function proportion(count: number, of: number): Proportion {
  if (of === 0) return { count, of, value: null, low: null, high: null };
  const share = count / of;
  const z = Z_975;
  const denominator = 1 + (z * z) / of;
  const centre = (share + (z * z) / (2 * of)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((share * (1 - share)) / of + (z * z) / (4 * of * of));
  const low = count === 0 ? 0 : Math.max(0, centre - halfWidth);
  const high = count === of ? 1 : Math.min(1, centre + halfWidth);
  return { count, of, value: share, low, high };
}

/** Mean of values on [low, high] with a 95 % t interval clamped to that scale; null when empty. */
export function meanWithInterval(values: readonly number[], low: number, high: number): RatingStats['musicality'] {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n === 1) return { mean, low, high, n };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const halfWidth = (studentT975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n);
  return { mean, low: Math.max(low, mean - halfWidth), high: Math.min(high, mean + halfWidth), n };
}

/**
 * P[X ≥ k] for X ~ Binomial(n, ½): the sum of C(n, i)·2⁻ⁿ for i = k…n, summed in log space
 * (log C(n, i+1) = log C(n, i) + ln(n − i) − ln(i + 1)) so n in the thousands neither
 * overflows C(n, i) nor underflows 2⁻ⁿ.
 */
export function binomialUpperTail(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const logTerms: number[] = [];
  let logChoose = 0; // log C(n, 0)
  for (let i = 0; i <= n; i++) {
    if (i >= k) logTerms.push(logChoose - n * Math.LN2);
    logChoose += Math.log(n - i) - Math.log(i + 1);
  }
  const largest = Math.max(...logTerms);
  const sum = logTerms.reduce((total, logTerm) => total + Math.exp(logTerm - largest), 0);
  return Math.min(1, Math.exp(largest) * sum);
}

/*
 * The inverse standard normal CDF, Wichura's AS241 (PPND16, Applied Statistics 37, 1988),
 * written from the paper's rational approximations (coefficients rounded to the nearest
 * double): about 1e-16 relative error over (0, 1).
 * Ours rather than a package: the npm ones are either unmaintained or pull in a whole
 * statistics library for one function.
 */
const CENTRAL_NUMERATOR = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946,
  45921.95393154987, 67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const CENTRAL_DENOMINATOR = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597,
  39307.89580009271, 28729.085735721943, 5226.495278852546,
];
const NEAR_NUMERATOR = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045,
  1.2704582524523684, 0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const NEAR_DENOMINATOR = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008,
  0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-09,
];
const FAR_NUMERATOR = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487,
  0.026532189526576124, 0.0012426609473880784, 2.7115555687434876e-05, 2.0103343992922881e-07,
];
const FAR_DENOMINATOR = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  1.8463183175100548e-05, 1.421511758316446e-07, 2.0442631033899397e-15,
];

/** c0 + c1·x + … evaluated by Horner's rule. */
function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduceRight((sum, coefficient) => sum * x + coefficient, 0);
}

/** z such that Φ(z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(CENTRAL_NUMERATOR, r)) / polynomial(CENTRAL_DENOMINATOR, r);
  }
  let r = Math.sqrt(-Math.log(Math.min(p, 1 - p)));
  const tail =
    r <= 5
      ? polynomial(NEAR_NUMERATOR, (r -= 1.6)) / polynomial(NEAR_DENOMINATOR, r)
      : polynomial(FAR_NUMERATOR, (r -= 5)) / polynomial(FAR_DENOMINATOR, r);
  return q < 0 ? -tail : tail;
}

const Z_975 = normalQuantile(0.975);

/**
 * t(0.975, df) for df = 1…30, to 15 digits (computed with SciPy's t.ppf). Beyond 30 the
 * Cornish–Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5, four terms) is within 3e-8 of
 * the exact quantile — a table plus a formula is shorter and easier to check than inverting
 * the incomplete beta function.
 */
const T_975 = [
  12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934, 2.5705818356363146,
  2.4469118511449786, 2.364624251592784, 2.306004135204166, 2.262157162798205, 2.228138851986274,
  2.200985160091639, 2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
  2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
  2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245, 2.0595385527532972,
  2.0555294386428735, 2.0518305164802846, 2.0484071417952454, 2.045229642132703, 2.0422724563012378,
];

/** The 97.5 % quantile of Student's t with df degrees of freedom (df ≥ 1, an integer). */
export function studentT975(df: number): number {
  if (df <= T_975.length) return T_975[df - 1]!;
  const z = Z_975;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}
