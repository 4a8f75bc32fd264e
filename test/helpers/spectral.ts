/**
 * The multi-resolution spectral distance of docs/caw-spec.md §3 (nn/mss-loss.h), written out plainly in
 * TypeScript so tests can measure signals the native core never saw (white noise, a final
 * reconstruction): MSS(x, y) = mean over configurations of ‖ |STFT(y)| − |STFT(x)| ‖_F, with
 * torch.stft's framing (centred, reflect padding, periodic Hann zero-padded centrally to n_fft,
 * one-sided, unnormalised). A direct DFT per frame: slow, obviously right, fine for seconds of
 * audio at a few kHz.
 */
export interface MssResolution {
  nFft: number;
  hop: number;
  win: number;
}

export function stftMagnitude(x: Float32Array, { nFft, hop, win }: MssResolution): Float64Array[] {
  const half = nFft / 2;
  const padded = new Float64Array(x.length + nFft);
  for (let i = 0; i < padded.length; i++) {
    let j = i - half;
    if (j < 0) j = -j; // reflect (without repeating the edge)
    if (j >= x.length) j = 2 * (x.length - 1) - j;
    padded[i] = x[j]!;
  }
  const window = new Float64Array(nFft);
  const offset = Math.floor((nFft - win) / 2);
  for (let n = 0; n < win; n++) window[offset + n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / win);
  const frames = 1 + Math.floor(x.length / hop);
  const cos = new Float64Array(nFft);
  const sin = new Float64Array(nFft);
  for (let n = 0; n < nFft; n++) {
    cos[n] = Math.cos((2 * Math.PI * n) / nFft);
    sin[n] = Math.sin((2 * Math.PI * n) / nFft);
  }
  const out: Float64Array[] = [];
  const frame = new Float64Array(nFft);
  for (let f = 0; f < frames; f++) {
    for (let n = 0; n < nFft; n++) frame[n] = padded[f * hop + n]! * window[n]!;
    const bins = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < nFft; n++) {
        const idx = (k * n) % nFft;
        re += frame[n]! * cos[idx]!;
        im -= frame[n]! * sin[idx]!;
      }
      bins[k] = Math.hypot(re, im);
    }
    out.push(bins);
  }
  return out;
}

export function mssDistance(x: Float32Array, y: Float32Array, resolutions: readonly MssResolution[]): number {
  if (x.length !== y.length) throw new Error(`lengths differ: ${x.length} vs ${y.length}`);
  let total = 0;
  for (const resolution of resolutions) {
    const a = stftMagnitude(x, resolution);
    const b = stftMagnitude(y, resolution);
    let sum = 0;
    for (let f = 0; f < a.length; f++) {
      for (let k = 0; k < a[f]!.length; k++) sum += (a[f]![k]! - b[f]![k]!) ** 2;
    }
    total += Math.sqrt(sum);
  }
  return total / resolutions.length;
}
