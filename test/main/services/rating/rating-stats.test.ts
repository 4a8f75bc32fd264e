/**
 * The rating statistics against numbers worked out by hand (the arithmetic is in the comments)
 * and against published tables: exact binomial tails, d′ with and without clamping, Wilson
 * intervals, the Student-t interval of a mean, and which trials each statistic counts.
 */
import type { Answer } from '../../../../src-main/common/rating.js';
import {
  binomialUpperTail,
  meanWithInterval,
  normalQuantile,
  proportion,
  statsOf,
  studentT975,
  type Trial,
} from '../../../../src-main/services/rating/rating-stats.js';

const single = (judgedReal: boolean, musicality = 5, inspiring: 'yes' | 'maybe' | 'no' | 'other' = 'no'): Answer => ({
  kind: 'single',
  judgedReal,
  ease: judgedReal ? null : 'easy',
  musicality,
  inspiring,
  comment: '',
});
const fake = (judgedReal: boolean, musicality?: number, inspiring?: 'yes' | 'maybe' | 'no' | 'other'): Trial => ({
  origin: 'generated',
  expected: 'fake',
  answer: single(judgedReal, musicality, inspiring),
});
const real = (judgedReal: boolean): Trial => ({ origin: 'real', expected: 'real', answer: single(judgedReal) });
const repeat = <T>(count: number, make: () => T): T[] => Array.from({ length: count }, make);
const choice = (kind: '2afc' | 'abx', right: boolean): Trial => ({
  origin: 'generated',
  expected: 'fake',
  correctChoice: 1,
  answer: { kind, choice: right ? 1 : 0, comment: '' },
});

describe('binomialUpperTail', () => {
  it('sums the exact tail: 7 of 10 → (120 + 45 + 10 + 1) / 1024', () => {
    expect(binomialUpperTail(7, 10)).toBeCloseTo(176 / 1024, 14); // 0.171875
    expect(binomialUpperTail(10, 10)).toBeCloseTo(1 / 1024, 15);
    expect(binomialUpperTail(0, 10)).toBe(1);
    expect(binomialUpperTail(11, 10)).toBe(0);
  });

  it('stays exact for thousands of trials, where C(n, k) and 2⁻ⁿ leave the double range', () => {
    // P[X ≥ 1000 | 2000] = ½ + C(2000, 1000)/2²⁰⁰¹ (symmetry); the tail at 1500 is ~7.37e-116
    // (both from exact rational arithmetic).
    expect(binomialUpperTail(1000, 2000)).toBeCloseTo(0.5089195055729272, 12);
    expect(binomialUpperTail(1500, 2000) / 7.371987614884475e-116).toBeCloseTo(1, 9);
  });
});

describe('normalQuantile and studentT975', () => {
  it('matches the tables to 1e-12', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005127080407, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('gives t(0.975) from the table up to 30 df and the expansion beyond', () => {
    expect(studentT975(1)).toBeCloseTo(12.7062, 4);
    expect(studentT975(4)).toBeCloseTo(2.7764, 4);
    expect(studentT975(30)).toBeCloseTo(2.0423, 4);
    expect(studentT975(31)).toBeCloseTo(2.039513446396408, 7);
    expect(studentT975(100)).toBeCloseTo(1.9839715185235518, 7);
    expect(studentT975(1000)).toBeCloseTo(1.9623390808264083, 7);
  });
});

describe('proportion (Wilson)', () => {
  it('gives 2 of 10 → [0.0567, 0.5098]', () => {
    // z = 1.96, z² = 3.8415; centre = (0.2 + 3.8415/20) / (1 + 3.8415/10) = 0.39207/1.38415 = 0.28326;
    // half = 1.96/1.38415 · √(0.2·0.8/10 + 3.8415/400) = 1.41601 · 0.16001 = 0.22658.
    const share = proportion(2, 10);
    expect(share).toMatchObject({ count: 2, of: 10, value: 0.2 });
    expect(share.low).toBeCloseTo(0.0567, 4);
    expect(share.high).toBeCloseTo(0.5098, 4);
  });

  it('keeps 0 of 10 inside [0, 1] and has no value for 0 of 0', () => {
    // 0/10: centre = half = 0.19207/1.38415 → low 0, high 2·0.13877 = 0.2775.
    expect(proportion(0, 10).low).toBe(0);
    expect(proportion(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(proportion(10, 10).high).toBe(1);
    expect(proportion(0, 0)).toEqual({ count: 0, of: 0, value: null, low: null, high: null });
  });
});

describe('meanWithInterval', () => {
  it('gives [6, 7, 8, 5, 9] → 7 ± 2.776·1.5811/√5 = [5.037, 8.963]', () => {
    const musicality = meanWithInterval([6, 7, 8, 5, 9], 0, 10);
    expect(musicality?.mean).toBe(7);
    expect(musicality?.n).toBe(5);
    expect(musicality?.low).toBeCloseTo(5.0368, 4);
    expect(musicality?.high).toBeCloseTo(8.9632, 4);
  });

  it('clamps to the scale, gives the whole scale for one answer, null for none', () => {
    // [10, 10, 9]: mean 9.667, s = 0.5774, half = 4.3027·0.5774/√3 = 1.4342 → high 11.1 → 10.
    const high = meanWithInterval([10, 10, 9], 0, 10);
    expect(high?.high).toBe(10);
    expect(high?.low).toBeCloseTo(9.6667 - 1.4342, 3);
    expect(meanWithInterval([4], 0, 10)).toEqual({ mean: 4, low: 0, high: 10, n: 1 });
    expect(meanWithInterval([], 0, 10)).toBeNull();
  });
});

describe('statsOf, single stimulus', () => {
  // 10 fakes, 8 judged fake (hit 0.8); 10 reals, 3 judged fake (false alarm 0.3).
  const trials = [...repeat(8, () => fake(false)), ...repeat(2, () => fake(true)), ...repeat(3, () => real(false)), ...repeat(7, () => real(true))];

  it('counts accuracy, the binomial p, d′ and the fooled share', () => {
    const stats = statsOf(trials);
    expect(stats.trials).toBe(20);
    expect(stats.accuracy).toMatchObject({ count: 15, of: 20, value: 0.75 }); // 8 + 7 correct
    // P[X ≥ 15 | 20] = (15504 + 4845 + 1140 + 190 + 20 + 1) / 2²⁰ = 21700 / 1048576.
    expect(stats.binomialP).toBeCloseTo(21700 / 1048576, 14);
    expect(stats.dPrime).toBeCloseTo(0.8416 + 0.5244, 4); // z(0.8) − z(0.3) = 1.3660
    expect(stats.fooled).toMatchObject({ count: 2, of: 10, value: 0.2 });
    expect(stats.fooled.low).toBeCloseTo(0.0567, 4);
  });

  it('clamps perfect rates by 1/(2N), each kind by its own N', () => {
    // 5 of 5 fakes caught, 0 of 5 reals called fake: hit 1 → 0.9, false alarm 0 → 0.1;
    // d′ = z(0.9) − z(0.1) = 2·1.28155 = 2.5631.
    const perfect = [...repeat(5, () => fake(false)), ...repeat(5, () => real(true))];
    expect(statsOf(perfect).dPrime).toBeCloseTo(2.5631, 4);
    // 4 of 4 fakes: hit 1 → 1 − 1/8 = 0.875; 1 of 2 reals called fake: 0.5; d′ = z(0.875) = 1.1503.
    const uneven = [...repeat(4, () => fake(false)), real(false), real(true)];
    expect(statsOf(uneven).dPrime).toBeCloseTo(1.1503, 4);
  });

  it('has no d′ without both kinds', () => {
    expect(statsOf(repeat(4, () => fake(false))).dPrime).toBeNull();
    expect(statsOf(repeat(4, () => real(true))).dPrime).toBeNull();
  });

  it('rates musicality and inspiration on generated items only', () => {
    const rated = [
      fake(false, 6, 'yes'),
      fake(false, 7, 'yes'),
      fake(true, 8, 'maybe'),
      fake(false, 5, 'no'),
      fake(true, 9, 'other'),
      { ...real(true), answer: single(true, 0, 'yes') },
    ];
    const stats = statsOf(rated);
    expect(stats.musicality?.mean).toBe(7);
    expect(stats.musicality?.low).toBeCloseTo(5.037, 3);
    expect(stats.inspiring).toMatchObject({ count: 2, of: 5, value: 0.4 });
    // Wilson 2/5: centre = (0.4 + 0.38415)/1.76830 = 0.44345, half = 1.10839·√(0.048 + 0.038415) = 0.32583.
    expect(stats.inspiring.low).toBeCloseTo(0.1176, 4);
    expect(stats.inspiring.high).toBeCloseTo(0.7693, 4);
    expect(stats.inspiringOrMaybe).toMatchObject({ count: 3, of: 5, value: 0.6 });
  });

  it('leaves catch trials out of every statistic', () => {
    const lowpass: Trial = { origin: 'catch', expected: 'fake', answer: single(true, 10, 'yes') };
    expect(statsOf([...trials, lowpass, lowpass])).toEqual(statsOf(trials));
  });

  it('answers an empty group with empty statistics', () => {
    const stats = statsOf([]);
    expect(stats).toMatchObject({ trials: 0, binomialP: null, dPrime: null, musicality: null });
    expect(stats.accuracy.value).toBeNull();
  });
});

describe('statsOf, choice formats', () => {
  it('2afc: accuracy of choices, d′ = √2·z(PC), fooled = the generated one picked', () => {
    const trials = [...repeat(7, () => choice('2afc', true)), ...repeat(3, () => choice('2afc', false))];
    const stats = statsOf(trials);
    expect(stats.accuracy).toMatchObject({ count: 7, of: 10 });
    expect(stats.binomialP).toBeCloseTo(0.171875, 14);
    expect(stats.dPrime).toBeCloseTo(1.41421 * 0.5244, 4); // 0.7416
    expect(stats.fooled).toMatchObject({ count: 3, of: 10 });
    expect(stats.musicality).toBeNull();
    expect(stats.inspiring.of).toBe(0);
    // 10 of 10: PC 1 → 1 − 1/20 = 0.95; √2·1.64485 = 2.3262.
    expect(statsOf(repeat(10, () => choice('2afc', true))).dPrime).toBeCloseTo(2.3262, 4);
  });

  it('abx: accuracy and p only', () => {
    const stats = statsOf([...repeat(9, () => choice('abx', true)), choice('abx', false)]);
    expect(stats.accuracy).toMatchObject({ count: 9, of: 10 });
    expect(stats.binomialP).toBeCloseTo(11 / 1024, 14); // (10 + 1) / 2¹⁰
    expect(stats.dPrime).toBeNull();
    expect(stats.fooled.of).toBe(0);
  });

  it('counts a choice without a known right answer as wrong', () => {
    const unknown: Trial = { ...choice('2afc', true), correctChoice: null };
    expect(statsOf([unknown]).accuracy.count).toBe(0);
  });
});
