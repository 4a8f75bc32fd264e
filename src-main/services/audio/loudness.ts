/**
 * Integrated loudness per ITU-R BS.1770-4 (the measure behind EBU R128 and every streaming
 * service's normalisation), in LUFS.
 *
 * Why hand-written: the npm meters are browser-only (Web Audio graphs) or a thinly maintained
 * wasm port (ebur128-wasm: mono and stereo only, and its .wasm loads only through a bundler or
 * Node's experimental flag). The algorithm itself is one two-biquad filter, a mean square per
 * block and two gates; it is tested against the standard's coefficient table and calibration,
 * the EBU Tech 3341 gating cases, and that wasm port as an independent reference
 * (test/main/services/audio/loudness.test.ts).
 *
 * Steps:
 * 1. K-weighting per channel: a high shelf (+4 dB above ~1.7 kHz, the head's acoustic effect)
 *    then the RLB high-pass (~38 Hz). BS.1770 tabulates the coefficients only at 48 kHz; like
 *    libebur128 we derive both biquads at the file's own rate from the analog prototype through
 *    the bilinear transform, with the prototype's parameters chosen so that at 48 kHz they give
 *    the standard's table to 1e-8.
 * 2. Mean square z of each channel over 400 ms blocks that overlap by 75 % (a 100 ms hop).
 * 3. Block loudness l = -0.691 + 10·log10(Σ G_c·z_c), with channel weights G (1.0 for L, R, C;
 *    0 for LFE and 1.41 for the surrounds of a 5.1 or 5.0 layout).
 * 4. Absolute gate: keep blocks above -70 LUFS. Relative gate: keep those also above the
 *    loudness of the kept blocks' mean power minus 10 LU. The answer is the loudness of the mean
 *    power of what survives, or null when nothing does (silence, or a file under 400 ms).
 */

/** Normalised biquad: y = b0·x + b1·x1 + b2·x2 - a1·y1 - a2·y2. */
interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** The two K-weighting stages at `sampleRate`, derived as libebur128 does. */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  // Stage 1: high shelf. Prototype parameters fitted to the 48 kHz table of BS.1770.
  const shelfF0 = 1681.974450955533;
  const shelfGainDb = 3.999843853973347;
  const shelfQ = 0.7071752369554196;
  const k1 = Math.tan((Math.PI * shelfF0) / sampleRate);
  const vh = 10 ** (shelfGainDb / 20);
  const vb = vh ** 0.4996667741545416;
  const a0Shelf = 1 + k1 / shelfQ + k1 * k1;
  const shelf: Biquad = {
    b0: (vh + (vb * k1) / shelfQ + k1 * k1) / a0Shelf,
    b1: (2 * (k1 * k1 - vh)) / a0Shelf,
    b2: (vh - (vb * k1) / shelfQ + k1 * k1) / a0Shelf,
    a1: (2 * (k1 * k1 - 1)) / a0Shelf,
    a2: (1 - k1 / shelfQ + k1 * k1) / a0Shelf,
  };
  // Stage 2: the RLB high-pass; its numerator is (1, -2, 1) as in the standard's table.
  const highF0 = 38.13547087602444;
  const highQ = 0.5003270373238773;
  const k2 = Math.tan((Math.PI * highF0) / sampleRate);
  const a0High = 1 + k2 / highQ + k2 * k2;
  const highPass: Biquad = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (k2 * k2 - 1)) / a0High,
    a2: (1 - k2 / highQ + k2 * k2) / a0High,
  };
  return [shelf, highPass];
}

/** BS.1770 channel weights for a layout of `count` channels in the usual (SMPTE/WAV) order. */
function channelWeights(count: number): number[] {
  // 5.0: L R C Ls Rs; 5.1: L R C LFE Ls Rs. Everything else counts each channel once.
  if (count === 5) return [1, 1, 1, 1.41, 1.41];
  if (count === 6) return [1, 1, 1, 0, 1.41, 1.41];
  return Array.from({ length: count }, () => 1);
}

/**
 * Sums of K-weighted squares over consecutive hops of `hop` samples: (H,) for one channel.
 * The filters run in double precision; the last partial hop is dropped (no block can use it).
 */
function hopEnergies(samples: Float32Array, filters: [Biquad, Biquad], hop: number): Float64Array {
  const [s, h] = filters;
  const hops = Math.floor(samples.length / hop);
  const energies = new Float64Array(hops);
  // Shelf state: its last two inputs and outputs. The high-pass's inputs are the shelf's
  // outputs, so its input history is (y1, y2) and only its outputs need their own state.
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  let z1 = 0;
  let z2 = 0;
  let index = 0;
  for (let j = 0; j < hops; j++) {
    let sum = 0;
    for (const end = index + hop; index < end; index++) {
      const x = samples[index] as number;
      const y = s.b0 * x + s.b1 * x1 + s.b2 * x2 - s.a1 * y1 - s.a2 * y2;
      const z = h.b0 * y + h.b1 * y1 + h.b2 * y2 - h.a1 * z1 - h.a2 * z2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      sum += z * z;
    }
    energies[j] = sum;
  }
  return energies;
}

/** Loudness of a mean-square power, LUFS. */
function toLufs(power: number): number {
  return -0.691 + 10 * Math.log10(power);
}

/** Gate thresholds of BS.1770-4. */
export const ABSOLUTE_GATE_LUFS = -70;
export const RELATIVE_GATE_LU = -10;

/**
 * Integrated loudness of (C, T) channels at `sampleRate`, in LUFS, or null when no 400 ms
 * block passes the gates (digital silence, or a signal shorter than one block).
 */
export function integratedLoudness(channels: Float32Array[], sampleRate: number): number | null {
  if (channels.length === 0 || !(sampleRate > 0)) return null;
  const hop = Math.round(sampleRate / 10); // 100 ms: a block is 4 hops, 75 % overlap
  const blockSamples = 4 * hop;
  const filters = kWeightingFilters(sampleRate);
  const weights = channelWeights(channels.length);
  const perChannel = channels.map((channel) => hopEnergies(channel, filters, hop));
  const blockCount = Math.max(0, Math.min(...perChannel.map((e) => e.length)) - 3);
  if (blockCount === 0) return null;

  // Weighted block power Σ_c G_c · z_c for each block j: (J,).
  const blockPower = new Float64Array(blockCount);
  perChannel.forEach((energies, c) => {
    const weight = weights[c] ?? 1;
    if (weight === 0) return;
    for (let j = 0; j < blockCount; j++) {
      const sum =
        (energies[j] as number) +
        (energies[j + 1] as number) +
        (energies[j + 2] as number) +
        (energies[j + 3] as number);
      blockPower[j] = (blockPower[j] as number) + (weight * sum) / blockSamples;
    }
  });

  const meanAbove = (threshold: number): { power: number; count: number } => {
    let total = 0;
    let count = 0;
    for (const power of blockPower) {
      if (power > 0 && toLufs(power) > threshold) {
        total += power;
        count++;
      }
    }
    return { power: count > 0 ? total / count : 0, count };
  };
  const absolute = meanAbove(ABSOLUTE_GATE_LUFS);
  if (absolute.count === 0) return null;
  const relativeGate = Math.max(ABSOLUTE_GATE_LUFS, toLufs(absolute.power) + RELATIVE_GATE_LU);
  const gated = meanAbove(relativeGate);
  if (gated.count === 0) return null;
  return toLufs(gated.power);
}
