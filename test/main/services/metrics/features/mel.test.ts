/**
 * The mel filterbank and log-mel spectrogram: the Slaney scale's fixed points, triangles that
 * peak where they should and hold unit area (Slaney normalisation), two sines landing in their
 * own bands, and silence at the power_to_db floor.
 */
import {
  hzToMel,
  melFilterbank,
  melSpectrogram,
  melToHz,
  POWER_FLOOR_DB,
} from '../../../../../src-main/services/metrics/features/mel.js';
import { silence, sine } from '../../../../fixtures/audio-fixtures.js';

const rate = 16000;

function mix(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + b[i]!);
}

describe('the Slaney mel scale', () => {
  it('is linear to 15 mels at 1 kHz, then gains 27 mels per factor 6.4, and inverts', () => {
    expect(hzToMel(500)).toBeCloseTo(7.5, 10);
    expect(hzToMel(1000)).toBeCloseTo(15, 10);
    expect(hzToMel(6400)).toBeCloseTo(42, 10);
    for (const hz of [0, 80, 440, 999, 1000, 3000, 8000]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 6);
  });
});

describe('melFilterbank', () => {
  const nFft = 2048;
  const nMels = 40;
  const bins = nFft / 2 + 1;
  const binHz = rate / nFft;
  const weights = melFilterbank(rate, nFft, nMels);
  const step = hzToMel(rate / 2) / (nMels + 1);

  it('has one triangle per band, peaking at its centre frequency', () => {
    expect(weights.length).toBe(nMels * bins);
    for (const band of [5, 20, 39]) {
      const row = Array.from(weights.subarray(band * bins, (band + 1) * bins));
      const peakBin = row.indexOf(Math.max(...row));
      expect(Math.abs(peakBin * binHz - melToHz((band + 1) * step))).toBeLessThanOrEqual(binHz);
      expect(row[Math.floor(melToHz(band * step) / binHz)]).toBe(0); // left edge
    }
  });

  it('gives each band unit area in Hz (Slaney normalisation) where it spans many bins', () => {
    for (const band of [20, 30, 39]) {
      let area = 0;
      for (let k = 0; k < bins; k++) area += weights[band * bins + k]! * binHz;
      expect(area).toBeCloseTo(1, 1);
    }
  });
});

describe('melSpectrogram', () => {
  it('puts the energy of 300 Hz + 3 kHz in the bands centred on them, and little elsewhere', () => {
    const x = mix(sine(300, 2, rate, 0.4)[0]!, sine(3000, 2, rate, 0.4)[0]!);
    const mel = melSpectrogram(x, rate);
    expect(mel.bands).toBe(128);
    expect(mel.frames).toBe(1 + Math.floor(x.length / 512));
    expect(mel.secondsPerFrame).toBeCloseTo(512 / rate, 12);
    const t = Math.floor(mel.frames / 2);
    const row = Array.from(mel.db.subarray(t * 128, (t + 1) * 128));
    const step = hzToMel(rate / 2) / 129;
    const bandOf = (hz: number) => Math.round(hzToMel(hz) / step) - 1; // the band whose centre is nearest
    const ranked = row.map((db, band) => ({ db, band })).sort((a, b) => b.db - a.db);
    const loudest = ranked.slice(0, 2).map((entry) => entry.band).sort((a, b) => a - b);
    expect(Math.abs(loudest[0]! - bandOf(300))).toBeLessThanOrEqual(1);
    expect(Math.abs(loudest[1]! - bandOf(3000))).toBeLessThanOrEqual(1);
    const far = row.filter((_, band) => Math.abs(band - bandOf(300)) > 4 && Math.abs(band - bandOf(3000)) > 4);
    expect(Math.max(...far)).toBeLessThan(ranked[1]!.db - 40);
  });

  it('reads silence at the power_to_db floor in every cell', () => {
    const mel = melSpectrogram(silence(1, rate)[0]!, rate);
    expect(mel.frames).toBe(32);
    expect(Array.from(new Set(mel.db))).toEqual([POWER_FLOOR_DB]);
  });
});
