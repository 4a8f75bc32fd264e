/**
 * BS.1770-4 integrated loudness: the standard's own calibration and filter table, the EBU Tech
 * 3341 minimum-requirement signals (gating), and agreement with an independent meter (the
 * `ebur128` crate compiled to wasm) on noise and mixed signals at several sample rates.
 */
import { integratedLoudness, kWeightingFilters } from '../../../../src-main/services/audio/loudness.js';
import {
  concat,
  pinkNoise,
  silence,
  sine,
  whiteNoise,
  type Channels,
} from '../../../fixtures/audio-fixtures.js';
import { loadReferenceMeter, type ReferenceMeter } from '../../../fixtures/ebur128-reference.js';

/** A 1 kHz stereo sine at `dbfs` peak for `seconds` (the EBU Tech 3341 test tone). */
function tone(dbfs: number, seconds: number, rate = 48000): Channels {
  return sine(1000, seconds, rate, 10 ** (dbfs / 20), 2);
}

describe('K-weighting', () => {
  it('reproduces the 48 kHz coefficient table of BS.1770-4 from the analog prototype', () => {
    const [shelf, highPass] = kWeightingFilters(48000);
    const expectClose = (actual: number, expected: number): void => {
      expect(Math.abs(actual - expected)).toBeLessThan(1e-8);
    };
    expectClose(shelf.b0, 1.53512485958697);
    expectClose(shelf.b1, -2.69169618940638);
    expectClose(shelf.b2, 1.19839281085285);
    expectClose(shelf.a1, -1.69065929318241);
    expectClose(shelf.a2, 0.73248077421585);
    expect([highPass.b0, highPass.b1, highPass.b2]).toEqual([1, -2, 1]);
    expectClose(highPass.a1, -1.99004745483398);
    expectClose(highPass.a2, 0.99007225036621);
  });
});

describe('integratedLoudness', () => {
  it.each([16000, 44100, 48000, 96000])(
    'gives -3.01 LUFS for a 997 Hz sine at 0 dBFS peak in one channel at %i Hz (the calibration)',
    (rate) => {
      const loudness = integratedLoudness(sine(997, 5, rate, 1, 1), rate);
      expect(loudness).not.toBeNull();
      expect(Math.abs((loudness as number) - -3.01)).toBeLessThan(0.1);
    },
  );

  it('gives -20.0 LUFS for a stereo pair of -20 dBFS sines', () => {
    const loudness = integratedLoudness(sine(997, 5, 48000, 0.1, 2), 48000);
    expect(Math.abs((loudness as number) - -20)).toBeLessThan(0.1);
  });

  it('passes EBU Tech 3341 cases 1 and 2: a stereo 1 kHz tone at -23 and -33 dBFS', () => {
    expect(Math.abs((integratedLoudness(tone(-23, 20), 48000) as number) - -23)).toBeLessThan(0.1);
    expect(Math.abs((integratedLoudness(tone(-33, 20), 48000) as number) - -33)).toBeLessThan(0.1);
  });

  it('passes EBU Tech 3341 case 3: the relative gate removes the quiet passages', () => {
    const signal = concat(tone(-36, 10), tone(-23, 60), tone(-36, 10));
    expect(Math.abs((integratedLoudness(signal, 48000) as number) - -23)).toBeLessThan(0.1);
  });

  it('passes EBU Tech 3341 case 4: the absolute gate removes passages below -70 LUFS', () => {
    const signal = concat(tone(-72, 10), tone(-36, 10), tone(-23, 60), tone(-36, 10), tone(-72, 10));
    expect(Math.abs((integratedLoudness(signal, 48000) as number) - -23)).toBeLessThan(0.1);
  });

  it('passes EBU Tech 3341 case 5: -26, -20, -26 dBFS for 20, 20.1 and 20 s is -23 LUFS', () => {
    const signal = concat(tone(-26, 20), tone(-20, 20.1), tone(-26, 20));
    expect(Math.abs((integratedLoudness(signal, 48000) as number) - -23)).toBeLessThan(0.1);
  });

  it('weights the surround channels of a 5.1 layout by 1.41 and ignores the LFE', () => {
    const rate = 48000;
    const [tone20] = sine(997, 5, rate, 0.1, 1) as [Float32Array];
    const quiet = new Float32Array(tone20.length);
    const front = integratedLoudness([tone20, quiet, quiet, quiet, quiet, quiet], rate) as number;
    const surround = integratedLoudness([quiet, quiet, quiet, quiet, tone20, quiet], rate) as number;
    const lfe = integratedLoudness([quiet, quiet, quiet, tone20, quiet, quiet], rate);
    expect(surround - front).toBeCloseTo(10 * Math.log10(1.41), 6);
    expect(lfe).toBeNull();
  });

  it('returns null for digital silence, for a signal below the absolute gate and for under 400 ms', () => {
    expect(integratedLoudness(silence(3, 48000, 2), 48000)).toBeNull();
    expect(integratedLoudness(tone(-75, 3), 48000)).toBeNull();
    expect(integratedLoudness(tone(-10, 0.39), 48000)).toBeNull();
    expect(integratedLoudness([], 48000)).toBeNull();
  });

  it('measures a signal of exactly one 400 ms block', () => {
    const loudness = integratedLoudness(sine(997, 0.4, 48000, 1, 1), 48000);
    expect(Math.abs((loudness as number) - -3.01)).toBeLessThan(0.1);
  });
});

describe('integratedLoudness against an independent meter (ebur128, wasm)', () => {
  let reference: ReferenceMeter;

  beforeAll(async () => {
    reference = await loadReferenceMeter();
  });

  it.each([16000, 22050, 44100, 48000, 96000])(
    'agrees on pink, white and mixed stereo signals at %i Hz',
    (rate) => {
      const pink = pinkNoise(8, rate, 0.5, 2, 11);
      const white = whiteNoise(8, rate, 0.25, 2, 12);
      // A mixed signal: silence, a quiet tone, loud pink noise with a tone on top (gating matters).
      const loud = pinkNoise(5, rate, 0.7, 2, 13);
      const tonal = sine(220, 5, rate, 0.2, 2);
      const mixedLoud = loud.map((channel, c) =>
        channel.map((x, t) => x + ((tonal[c] as Float32Array)[t] as number)),
      );
      const mixed = concat(silence(1, rate, 2), sine(440, 3, rate, 0.01, 2), mixedLoud);
      for (const signal of [pink, white, mixed]) {
        const [left, right] = signal as [Float32Array, Float32Array];
        const ours = integratedLoudness(signal, rate) as number;
        const theirs = reference.integratedStereo(rate, left, right);
        expect(Number.isFinite(theirs)).toBe(true);
        expect(Math.abs(ours - theirs)).toBeLessThan(0.01);
        const oursMono = integratedLoudness([left], rate) as number;
        expect(Math.abs(oursMono - reference.integratedMono(rate, left))).toBeLessThan(0.01);
      }
    },
  );
});
