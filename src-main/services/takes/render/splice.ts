/**
 * Gap filling's splice (docs/caw-spec.md §4 "Inpainting", inference): the original audio everywhere
 * except the holes, the generated audio inside them, and a Hann-shaped (sin²) crossfade of a
 * given length just outside each edge, so the fill fades in before the hole and out after it.
 * The reference fades over half the hole; a songwriter's clip keeps more of itself with a few
 * tens of milliseconds (gap-splice.ts chooses the length).
 *
 * Outside hole ∪ crossfades the result is a copy of the original, sample for sample: the splice
 * never rescales anything.
 */
import { AppError } from '../../../common/errors.js';

/** A hole: samples [start, end) of the signals being spliced. */
export interface SampleRange {
  start: number;
  end: number;
}

/** Where one hole's crossfades lie: [start − fadeIn, start) and [end, end + fadeOut). */
export interface SpliceRegion extends SampleRange {
  fadeIn: number;
  fadeOut: number;
}

/**
 * The crossfade lengths for `holes` (ascending, inside [0, length)): `fade` samples each, cut
 * short by the signal's ends and by half the audio between neighbouring holes.
 */
export function spliceRegions(holes: readonly SampleRange[], length: number, fade: number): SpliceRegion[] {
  return holes.map((hole, i) => {
    const before = i === 0 ? hole.start : Math.floor((hole.start - holes[i - 1]!.end) / 2);
    const next = holes[i + 1];
    const after = next === undefined ? length - hole.end : Math.floor((next.start - hole.end) / 2);
    return { ...hole, fadeIn: Math.max(0, Math.min(fade, before)), fadeOut: Math.max(0, Math.min(fade, after)) };
  });
}

/** Weight of the generated signal at step i of a fade-in of `count` samples: sin² from 0 to 1, both ends excluded. */
function fadeInWeight(i: number, count: number): number {
  const s = Math.sin((Math.PI / 2) * ((i + 1) / (count + 1)));
  return s * s;
}

/**
 * (N) original with (N) generated spliced into `holes`, crossfades of `fade` samples
 * (spliceRegions). Throws INTERNAL when the lengths differ or a hole is empty, out of range or
 * out of order.
 */
export function spliceHoles(original: Float32Array, generated: Float32Array, holes: readonly SampleRange[], fade: number): Float32Array {
  const length = original.length;
  if (generated.length !== length) {
    throw new AppError('INTERNAL', `splice: ${generated.length} generated samples for ${length} original ones`);
  }
  holes.forEach((hole, i) => {
    if (!(hole.start < hole.end && hole.end <= length && hole.start >= (i === 0 ? 0 : holes[i - 1]!.end))) {
      throw new AppError('INTERNAL', `splice: hole [${hole.start}, ${hole.end}) does not fit ${length} samples`);
    }
  });
  const out = original.slice();
  for (const region of spliceRegions(holes, length, fade)) {
    out.set(generated.subarray(region.start, region.end), region.start);
    for (let i = 0; i < region.fadeIn; i++) {
      const t = region.start - region.fadeIn + i;
      const w = fadeInWeight(i, region.fadeIn);
      out[t] = (1 - w) * original[t]! + w * generated[t]!;
    }
    for (let i = 0; i < region.fadeOut; i++) {
      const t = region.end + i;
      const w = fadeInWeight(region.fadeOut - 1 - i, region.fadeOut);
      out[t] = (1 - w) * original[t]! + w * generated[t]!;
    }
  }
  return out;
}
