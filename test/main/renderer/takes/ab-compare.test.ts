/**
 * A/B between a take and its source clip: the position mapping both ways (a take longer than
 * its clip compares with the clip looped), the source player's wrap and stop, and the
 * loudness-matching gains.
 */
import {
  loudnessMatchGains,
  sourcePositionFor,
  stepSource,
  takeOffsetFor,
} from '../../../../src-renderer/app/takes/ab-compare.js';

/** An 8 s clip starting 12.5 s into its file. */
const CLIP = { start: 12.5, end: 20.5 };

describe('sourcePositionFor', () => {
  test('inside the first lap the source is the clip start plus the offset', () => {
    expect(sourcePositionFor(0, CLIP)).toEqual({ time: 12.5, lapStart: 0 });
    expect(sourcePositionFor(3.25, CLIP)).toEqual({ time: 15.75, lapStart: 0 });
  });

  test('a take longer than the clip wraps onto the clip', () => {
    expect(sourcePositionFor(8, CLIP)).toEqual({ time: 12.5, lapStart: 8 });
    expect(sourcePositionFor(19, CLIP)).toEqual({ time: 15.5, lapStart: 16 });
  });

  test('a hair below a lap boundary starts the next lap instead of the clip end', () => {
    const clip = { start: 0, end: 0.1 };
    const position = sourcePositionFor(0.3, clip); // 0.3 / 0.1 is 2.9999999999999996 in floats
    expect(position.time).toBe(0);
    expect(position.lapStart).toBeCloseTo(0.3, 12);
  });

  test('negative or non-finite offsets count as the start', () => {
    expect(sourcePositionFor(-2, CLIP)).toEqual({ time: 12.5, lapStart: 0 });
    expect(sourcePositionFor(Number.NaN, CLIP)).toEqual({ time: 12.5, lapStart: 0 });
  });
});

describe('takeOffsetFor', () => {
  test('inverts sourcePositionFor', () => {
    for (const offset of [0, 1.5, 7.9, 8, 12.25, 29.5]) {
      const { time, lapStart } = sourcePositionFor(offset, CLIP);
      expect(takeOffsetFor(time, CLIP, lapStart, 30)).toBeCloseTo(offset, 9);
    }
  });

  test('clamps to the take and to the clip', () => {
    expect(takeOffsetFor(20, CLIP, 24, 30)).toBe(30);
    expect(takeOffsetFor(10, CLIP, 8, 30)).toBe(8);
    expect(takeOffsetFor(25, CLIP, 0, 30)).toBe(8);
  });
});

describe('stepSource', () => {
  test('keeps playing inside the clip', () => {
    expect(stepSource(14, CLIP, 0, 30)).toEqual({ seekTo: null, lapStart: 0, ended: false });
  });

  test('wraps at the clip end into the next lap', () => {
    expect(stepSource(20.5, CLIP, 0, 30)).toEqual({ seekTo: 12.5, lapStart: 8, ended: false });
    expect(stepSource(20.6, CLIP, 8, 30)).toEqual({ seekTo: 12.5, lapStart: 16, ended: false });
  });

  test('stops where the take ends', () => {
    // A 3 s take on the 8 s clip ends 3 s into the clip.
    expect(stepSource(15.5, CLIP, 0, 3)).toEqual({ seekTo: null, lapStart: 0, ended: true });
    expect(stepSource(15.4, CLIP, 0, 3).ended).toBe(false);
    // A 16 s take ends exactly at the end of the second lap rather than starting a third.
    expect(stepSource(20.5, CLIP, 8, 16)).toEqual({ seekTo: null, lapStart: 8, ended: true });
  });
});

describe('loudnessMatchGains', () => {
  test('equal loudness plays both at full volume', () => {
    expect(loudnessMatchGains(-14, -14)).toEqual({ take: 1, source: 1 });
  });

  test('a quieter take turns the source down by the difference', () => {
    const gains = loudnessMatchGains(-20, -14);
    expect(gains.take).toBe(1);
    expect(gains.source).toBeCloseTo(Math.pow(10, -6 / 20), 12);
    expect(20 * Math.log10(gains.source)).toBeCloseTo(-6, 9);
  });

  test('a louder take is turned down instead, since no gain exceeds 1', () => {
    const gains = loudnessMatchGains(-11, -14);
    expect(gains.source).toBe(1);
    expect(20 * Math.log10(gains.take)).toBeCloseTo(-3, 9);
  });

  test('unknown loudness leaves both alone', () => {
    expect(loudnessMatchGains(null, -14)).toEqual({ take: 1, source: 1 });
    expect(loudnessMatchGains(-14, null)).toEqual({ take: 1, source: 1 });
    expect(loudnessMatchGains(-Infinity, -14)).toEqual({ take: 1, source: 1 });
  });
});
