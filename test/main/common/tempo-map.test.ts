import { barAtBeats, beatsAtBar, beatsAtSeconds, mapFrom, secondsAtBeats } from '../../../src-main/common/tempo-map.js';
import type { MeterPoint, TempoPoint } from '../../../src-main/common/midi.js';

const tempoMap: TempoPoint[] = [
  { beats: 0, bpm: 120 },
  { beats: 8, bpm: 60 },
  { beats: 12, bpm: 90 },
];
// 2 bars of 4/4, then 6/8 (3 quarter notes a bar) from beat 8, then 3/4 from beat 14.
const meterMap: MeterPoint[] = [
  { beats: 0, timeSignature: { numerator: 4, denominator: 4 } },
  { beats: 8, timeSignature: { numerator: 6, denominator: 8 } },
  { beats: 14, timeSignature: { numerator: 3, denominator: 4 } },
];

describe('tempo map', () => {
  it('turns beats into seconds segment by segment', () => {
    expect(secondsAtBeats(tempoMap, 0)).toBe(0);
    expect(secondsAtBeats(tempoMap, 4)).toBeCloseTo(2, 12);
    expect(secondsAtBeats(tempoMap, 8)).toBeCloseTo(4, 12);
    expect(secondsAtBeats(tempoMap, 10)).toBeCloseTo(6, 12);
    expect(secondsAtBeats(tempoMap, 12)).toBeCloseTo(8, 12);
    expect(secondsAtBeats(tempoMap, 15)).toBeCloseTo(10, 12);
  });

  it('turns seconds back into the same beats', () => {
    for (const beats of [0, 1.5, 7.99, 8, 9.25, 12, 13.5, 40]) {
      expect(beatsAtSeconds(tempoMap, secondsAtBeats(tempoMap, beats))).toBeCloseTo(beats, 9);
    }
  });
});

describe('meter map', () => {
  it('finds the beat where each bar starts across meter changes', () => {
    expect(beatsAtBar(meterMap, 1)).toBe(0);
    expect(beatsAtBar(meterMap, 2)).toBe(4);
    expect(beatsAtBar(meterMap, 3)).toBe(8);
    expect(beatsAtBar(meterMap, 4)).toBe(11);
    expect(beatsAtBar(meterMap, 5)).toBe(14);
    expect(beatsAtBar(meterMap, 6)).toBe(17);
    expect(beatsAtBar(meterMap, 2.5)).toBe(6);
  });

  it('is the inverse of barAtBeats', () => {
    for (const bar of [1, 1.25, 2, 3, 3.5, 4, 5, 7.5]) expect(barAtBeats(meterMap, beatsAtBar(meterMap, bar))).toBeCloseTo(bar, 12);
  });
});

describe('a stretch of a map', () => {
  it('starts with the point in effect, moved to beat 0, then the later points before the end, shifted', () => {
    expect(mapFrom(tempoMap, 10, 14)).toEqual([
      { beats: 0, bpm: 60 },
      { beats: 2, bpm: 90 },
    ]);
    expect(mapFrom(tempoMap, 12)).toEqual([{ beats: 0, bpm: 90 }]);
    // A start on a point within float noise is on it; the end is not part of the stretch.
    expect(mapFrom(meterMap, 8 - 1e-9, 14)).toEqual([{ beats: 0, timeSignature: { numerator: 6, denominator: 8 } }]);
  });
});
