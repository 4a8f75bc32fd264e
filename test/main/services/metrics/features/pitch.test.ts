/**
 * The YIN pitch tracker on signals with known answers: pure tones across the range within 1 %,
 * a melody's steps, silence and white noise unvoiced, and frames aligned with the STFT's.
 */
import { pitchTrack } from '../../../../../src-main/services/metrics/features/pitch.js';
import { frameCount } from '../../../../../src-main/services/metrics/features/stft.js';
import { concat, silence, sine, whiteNoise } from '../../../../fixtures/audio-fixtures.js';

const rate = 16000;

function voiced(f0: Float32Array): number[] {
  return Array.from(f0).filter((hz) => hz > 0);
}

describe('pitchTrack', () => {
  it.each([55, 110, 440, 1000, 1900])('finds a %d Hz sine within 1 %% in every frame away from the ends', (hz) => {
    const track = pitchTrack(sine(hz, 2, rate, 0.5)[0]!, rate);
    expect(track.frames).toBe(frameCount(2 * rate, 512));
    const inner = Array.from(track.f0.subarray(1, track.frames - 1));
    for (const f0 of inner) expect(Math.abs(f0 / hz - 1)).toBeLessThan(0.01);
    expect(Math.max(...track.aperiodicity.subarray(1, track.frames - 1))).toBeLessThan(0.1);
  });

  it('follows a melody: A3, then E4, then silence', () => {
    const x = concat(sine(220, 1, rate, 0.5), sine(329.63, 1, rate, 0.5), silence(1, rate))[0]!;
    const track = pitchTrack(x, rate, { hop: 256 });
    const at = (seconds: number) => track.f0[Math.round(seconds / track.secondsPerFrame)]!;
    expect(at(0.5)).toBeCloseTo(220, 0);
    expect(at(1.5)).toBeCloseTo(329.63, 0);
    expect(at(2.5)).toBe(0);
  });

  it('leaves silence and white noise unvoiced', () => {
    const quiet = pitchTrack(silence(2, rate)[0]!, rate);
    expect(voiced(quiet.f0)).toEqual([]);
    const noise = pitchTrack(whiteNoise(5, rate, 0.5, 1, 21)[0]!, rate);
    expect(noise.frames).toBe(157);
    expect(voiced(noise.f0)).toEqual([]);
    expect(noise.aperiodicity.every((v) => v === 1)).toBe(true);
  });

  it('ignores pitches outside [fMin, fMax]: a 40 Hz tone is unvoiced with fMin 50', () => {
    // Its period (25 ms) is past the longest lag searched (20 ms), and no shorter lag repeats it.
    expect(voiced(pitchTrack(sine(40, 2, rate, 0.5)[0]!, rate).f0)).toEqual([]);
    expect(voiced(pitchTrack(sine(40, 2, rate, 0.5)[0]!, rate, { fMin: 30 }).f0).length).toBeGreaterThan(50);
  });
});
