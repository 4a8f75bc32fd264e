/**
 * The STFT against what a Fourier transform must do: Parseval's identity per frame, a sine's
 * energy in its own bin, librosa's centred framing, and refusal of sizes fft.js cannot do.
 */
import { AppError } from '../../../../../src-main/common/errors.js';
import { frameCount, hannWindow, stft } from '../../../../../src-main/services/metrics/features/stft.js';
import { sine, whiteNoise } from '../../../../fixtures/audio-fixtures.js';

describe('stft', () => {
  it('keeps Parseval: Σ_k |X[k]|² over the two-sided spectrum equals nFft · Σ_t (w·x)² in every frame', () => {
    const x = whiteNoise(0.5, 16000, 0.5, 1, 7)[0]!;
    const nFft = 1024;
    const hop = 256;
    const { frames, bins, power } = stft(x, { nFft, hop });
    const window = hannWindow(nFft);
    for (const t of [0, 3, 10, frames - 1]) {
      let timeEnergy = 0;
      for (let i = 0; i < nFft; i++) {
        const s = t * hop - nFft / 2 + i;
        const value = s >= 0 && s < x.length ? x[s]! * window[i]! : 0;
        timeEnergy += value * value;
      }
      // One-sided bins 1 … nFft/2 − 1 stand for two two-sided bins each.
      let spectralEnergy = power[t * bins]! + power[t * bins + bins - 1]!;
      for (let k = 1; k < bins - 1; k++) spectralEnergy += 2 * power[t * bins + k]!;
      expect(spectralEnergy / (nFft * timeEnergy)).toBeCloseTo(1, 5);
    }
  });

  it('puts a bin-centred sine of amplitude A in its bin with power (A·nFft/4)²', () => {
    const rate = 16000;
    const nFft = 2048;
    const bin = 64; // 500 Hz
    const x = sine((bin * rate) / nFft, 1, rate, 0.5)[0]!;
    const { frames, bins, power } = stft(x, { nFft, hop: 512 });
    const t = Math.floor(frames / 2);
    const row = Array.from(power.subarray(t * bins, (t + 1) * bins));
    expect(row.indexOf(Math.max(...row))).toBe(bin);
    expect(Math.sqrt(row[bin]!) / ((0.5 * nFft) / 4)).toBeCloseTo(1, 4);
    // Hann leaks into the two neighbours only (a quarter of the amplitude each) and nowhere else.
    expect(Math.sqrt(row[bin + 1]!) / Math.sqrt(row[bin]!)).toBeCloseTo(0.5, 3);
    expect(row[bin + 3]! / row[bin]!).toBeLessThan(1e-8);
  });

  it('frames like librosa with center = True: 1 + ⌊T / hop⌋ frames, frame t centred on sample t·hop', () => {
    expect(frameCount(16000, 512)).toBe(32);
    expect(frameCount(16384, 512)).toBe(33);
    expect(frameCount(0, 512)).toBe(0);
    // A single click at sample 5120 = frame 10's centre is loudest in frame 10.
    const x = new Float32Array(16000);
    x[5120] = 1;
    const { frames, bins, power } = stft(x, { nFft: 1024, hop: 512 });
    expect(frames).toBe(32);
    const energies = Array.from({ length: frames }, (_, t) => power[t * bins]!);
    expect(energies.indexOf(Math.max(...energies))).toBe(10);
    expect(energies[9]).toBe(0); // frame 9 spans samples 4096 … 5119
  });

  it('refuses frame sizes that are not powers of two', () => {
    expect(() => stft(new Float32Array(100), { nFft: 1000, hop: 250 })).toThrow(AppError);
    expect(() => stft(new Float32Array(100), { nFft: 1024, hop: 0 })).toThrow(AppError);
  });
});
