/**
 * Measures what each slider of a `vary` model does to the music (common/slider-character.ts
 * says why and names the traits). Each slider is swept over SLIDER_SWEEP from a few starting
 * latents (the other sliders and the rest of the latent kept), the decodes' notes measured, and
 * for each trait its change along the slider taken as the least-squares slope over the five
 * positions, times the sweep's span, over the trait's standard deviation among every decode of
 * the measurement (so notes a bar and semitones compare). The trait that changes most names the
 * slider, when it changes by at least MIN_EFFECT and moves one way only for at least half the
 * phrases (a mean carried by one phrase while the rest go back and forth is not what the slider
 * does); otherwise the slider stays unnamed.
 *
 * Deterministic: the decoder is given (the training job passes a greedy decode: vary-job.ts
 * describeSliders says why).
 */
import type { PartNote } from '../../common/midi.js';
import { SLIDER_SWEEP, SLIDER_TRAITS, type SliderCharacter, type SliderTrait } from '../../common/slider-character.js';
import { notesPerBar, pitchRangeSemitones } from '../phrases/phrase-metrics.js';
import { sliderLatent, sliderPosition, type LatentSpace } from './latent-space.js';

/**
 * The least change, in the trait's standard deviations from −2 to +2, that names a slider: below
 * it a listener would not hear the trait as what the slider does.
 */
export const MIN_EFFECT = 0.5;

export type PhraseTraits = Record<SliderTrait, number>;

/** A phrase's traits (common/slider-character.ts TRAIT_WORDS gives their units); null without notes. */
export function phraseTraits(notes: readonly PartNote[], bars: number): PhraseTraits | null {
  if (notes.length === 0) return null;
  const onsets = new Set(notes.map((note) => Math.round(note.startBeats * 1e6)));
  const offbeat = notes.filter((note) => Math.abs(note.startBeats - Math.round(note.startBeats)) > 1e-6).length;
  return {
    notes: notesPerBar(notes, bars),
    pitch: notes.reduce((sum, note) => sum + note.pitch, 0) / notes.length,
    range: pitchRangeSemitones(notes),
    length: notes.reduce((sum, note) => sum + note.durationBeats, 0) / notes.length,
    chords: notes.length / onsets.size,
    offbeat: offbeat / notes.length,
    loudness: notes.reduce((sum, note) => sum + note.velocity, 0) / notes.length,
  };
}

/** `count` items spread evenly over a list (all of it when shorter). */
export function spreadEvenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / count)]!);
}

/**
 * Each slider's character (null: no trait moves by MIN_EFFECT along it), measured from `starts`
 * (latents, each Z floats) through `decodeNotes` (latents → each one's notes), phrases of `bars` bars.
 */
export function measureSliderCharacters(
  space: LatentSpace,
  starts: readonly Float32Array[],
  decodeNotes: (latents: Float32Array[]) => PartNote[][],
  bars: number,
): (SliderCharacter | null)[] {
  if (starts.length === 0) throw new Error('The sliders are measured from at least one phrase.');
  const positions = starts.map((start) => sliderPosition(space, start));
  // traits[slider][start][position]: null where the decode has no notes.
  const traits = space.directions.map((_, slider) => {
    const latents = starts.flatMap((start, s) => SLIDER_SWEEP.map((value) => sliderLatent(space, start, positions[s]!.map((p, j) => (j === slider ? value : p)))));
    const notes = decodeNotes(latents);
    return starts.map((_, s) => SLIDER_SWEEP.map((_, i) => phraseTraits(notes[s * SLIDER_SWEEP.length + i]!, bars)));
  });
  const every = traits.flat(2).filter((t): t is PhraseTraits => t !== null);
  const spreadOf = (trait: SliderTrait): number => {
    const values = every.map((t) => t[trait]);
    const mean = values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
    return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, values.length));
  };
  const spreads = Object.fromEntries(SLIDER_TRAITS.map((trait) => [trait, spreadOf(trait)])) as PhraseTraits;
  const span = SLIDER_SWEEP[SLIDER_SWEEP.length - 1]! - SLIDER_SWEEP[0]!;
  const squares = SLIDER_SWEEP.reduce((sum, x) => sum + x * x, 0);

  return traits.map((sweeps) => {
    // Sweeps with a note at every position: a silent decode has no pitch to compare.
    const whole = sweeps.filter((sweep): sweep is PhraseTraits[] => sweep.every((t) => t !== null));
    if (whole.length === 0) return null;
    let best: SliderCharacter | null = null;
    for (const trait of SLIDER_TRAITS) {
      if (!(spreads[trait] > 1e-9)) continue;
      // The sweep is centred on 0, so the slope is Σ x·v / Σ x².
      const slopes = whole.map((sweep) => SLIDER_SWEEP.reduce((sum, x, i) => sum + x * sweep[i]![trait], 0) / squares);
      const change = (span * slopes.reduce((sum, s) => sum + s, 0)) / whole.length;
      const effect = Math.abs(change) / spreads[trait];
      if (best !== null && effect <= best.effect) continue;
      const rises = change > 0;
      const steady = whole.filter((sweep) => sweep.every((t, i) => i === 0 || (rises ? t[trait] >= sweep[i - 1]![trait] : t[trait] <= sweep[i - 1]![trait]))).length;
      const meanAt = (i: number): number => whole.reduce((sum, sweep) => sum + sweep[i]![trait], 0) / whole.length;
      best = { trait, rises, low: meanAt(0), high: meanAt(SLIDER_SWEEP.length - 1), effect, steady, phrases: whole.length };
    }
    return best !== null && best.effect >= MIN_EFFECT && 2 * best.steady >= best.phrases ? best : null;
  });
}
