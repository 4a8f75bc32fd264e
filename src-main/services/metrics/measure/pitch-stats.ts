/**
 * The pitch metrics (docs/metrics.md §3) from a pitch track: the number of distinct pitches, the entropy of
 * the pitch histogram, and the pitch range.
 *
 * Frames are rounded to MIDI note numbers (A4 = 440 Hz = 69) and counted in a 128-bin
 * histogram, as the entropy's formula −Σ_{i=0…127} P(i)·log2 P(i) has it. A note seen in a single
 * frame only is a tracking glitch (an octave jump at an attack), not a played pitch, so such
 * notes are left out of the count and the entropy; the range uses every voiced frame.
 */
import type { PitchStats } from '../../../common/metrics.js';

const MIDI_NOTES = 128;
/** Frames a MIDI note must hold, in total, to count as a pitch of the signal. */
const MIN_FRAMES_PER_PITCH = 2;

/** The MIDI note (0…127) nearest to f0 Hz. */
export function midiNote(f0: number): number {
  const note = Math.round(69 + 12 * Math.log2(f0 / 440));
  return Math.min(MIDI_NOTES - 1, Math.max(0, note));
}

/** Statistics of a pitch track f0 (frames), Hz, 0 (or not finite) for unvoiced frames. */
export function pitchStats(f0: Float32Array): PitchStats {
  const histogram = new Float64Array(MIDI_NOTES);
  let voiced = 0;
  let lowest = Infinity;
  let highest = -Infinity;
  for (const hz of f0) {
    if (!(hz > 0) || !Number.isFinite(hz)) continue;
    voiced += 1;
    histogram[midiNote(hz)]! += 1;
    if (hz < lowest) lowest = hz;
    if (hz > highest) highest = hz;
  }
  let counted = 0;
  let distinctPitches = 0;
  for (let note = 0; note < MIDI_NOTES; note++) {
    if (histogram[note]! < MIN_FRAMES_PER_PITCH) histogram[note] = 0;
    if (histogram[note]! > 0) {
      distinctPitches += 1;
      counted += histogram[note]!;
    }
  }
  let entropyBits = 0;
  for (let note = 0; note < MIDI_NOTES; note++) {
    if (histogram[note]! === 0) continue;
    const p = histogram[note]! / counted;
    entropyBits -= p * Math.log2(p);
  }
  return {
    distinctPitches,
    // −0 and rounding below 1e-12 bits read as exactly 0 (one pitch).
    entropyBits: entropyBits < 1e-12 ? 0 : entropyBits,
    rangeHz: voiced > 0 ? highest - lowest : 0,
    voicedFraction: f0.length > 0 ? voiced / f0.length : 0,
  };
}
