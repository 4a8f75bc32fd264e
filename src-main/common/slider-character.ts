/**
 * What a `vary` model's slider does to the music, in a songwriter's words: "Sparser ↔ Busier",
 * "Lower ↔ Higher". A slider is a principal direction of the model's latents (latent-space.ts),
 * which says nothing a musician can hear; so when a model is trained, each slider is swept from −2
 * to +2 spreads from a few of its training phrases and the decoded notes are measured
 * (phrase-models/slider-character.ts). The trait that moves most along it names its two ends.
 * Shared by the main process (the measurement, the CLI) and the renderer (the Sliders panel), so
 * both say the same words; docs/midi.md "What each slider does" describes it for a reader.
 */
import { z } from 'zod';

/** The musical traits a slider is described by, measured on a decoded phrase's notes. */
export const SLIDER_TRAITS = ['notes', 'pitch', 'range', 'length', 'chords', 'offbeat', 'loudness'] as const;
export type SliderTrait = (typeof SLIDER_TRAITS)[number];

/** Training phrases a model's sliders are measured from (the training job's count). */
export const CHARACTER_PHRASES = 8;

/** The slider positions (spreads) a character is measured at. */
export const SLIDER_SWEEP: readonly number[] = [-2, -1, 0, 1, 2];

export const sliderCharacterSchema = z.strictObject({
  trait: z.enum(SLIDER_TRAITS),
  /** The trait grows as the slider goes up (towards +). */
  rises: z.boolean(),
  /** The trait's mean over the swept phrases with the slider at −2 and at +2 spreads, in its unit (TRAIT_WORDS). */
  low: z.number(),
  high: z.number(),
  /** How far the trait moves from −2 to +2, in standard deviations of the trait among all the sweep's decodes. */
  effect: z.number().nonnegative(),
  /** Of the swept phrases, how many the trait moves one way only for (never back). */
  steady: z.number().int().nonnegative(),
  phrases: z.number().int().positive(),
});
export type SliderCharacter = z.infer<typeof sliderCharacterSchema>;

interface TraitWords {
  /** The trait in a list of them. */
  name: string;
  /** The end where there is less of the trait, and the end where there is more. */
  less: string;
  more: string;
  /** What is measured, and one value of it in its unit. */
  measure: string;
  format: (value: number) => string;
}

const PITCH_CLASSES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

export const TRAIT_WORDS: Record<SliderTrait, TraitWords> = {
  notes: { name: 'notes a bar', less: 'Sparser', more: 'Busier', measure: 'notes a bar', format: (v) => v.toFixed(1) },
  pitch: {
    name: 'average pitch',
    less: 'Lower',
    more: 'Higher',
    measure: 'average pitch',
    format: (v) => {
      const nearest = Math.round(v);
      return `${PITCH_CLASSES[((nearest % 12) + 12) % 12]}${Math.floor(nearest / 12) - 1}`;
    },
  },
  range: { name: 'range', less: 'Narrower', more: 'Wider', measure: 'range, semitones', format: (v) => v.toFixed(0) },
  length: { name: 'note length', less: 'Shorter notes', more: 'Longer notes', measure: 'average note, beats', format: (v) => v.toFixed(2) },
  chords: { name: 'notes struck together', less: 'Single notes', more: 'Fuller chords', measure: 'notes struck together', format: (v) => v.toFixed(1) },
  offbeat: { name: 'notes off the beat', less: 'On the beat', more: 'Off the beat', measure: 'notes off the beat', format: (v) => `${Math.round(100 * v)}%` },
  loudness: { name: 'loudness', less: 'Softer', more: 'Louder', measure: 'average velocity', format: (v) => v.toFixed(0) },
};

/** What is said of a slider no one trait moves clearly along. */
export const UNNAMED_SLIDER = 'no one trait moves clearly along it';

/** The traits looked for, in words: "notes a bar, average pitch, …". */
export const TRAITS_MEASURED = SLIDER_TRAITS.map((trait) => TRAIT_WORDS[trait].name).join(', ');

/** The words at a slider's two ends, left (−) then right (+); null when no trait moves clearly along it. */
export function sliderEnds(character: SliderCharacter | null | undefined): { left: string; right: string } | null {
  if (!character) return null;
  const words = TRAIT_WORDS[character.trait];
  return character.rises ? { left: words.less, right: words.more } : { left: words.more, right: words.less };
}

/** The numbers behind a slider's words: "notes a bar 3.1 at −2, 5.4 at +2; one way for 7 of 8 phrases". */
export function sliderMeasureText(character: SliderCharacter): string {
  const words = TRAIT_WORDS[character.trait];
  return `${words.measure} ${words.format(character.low)} at −2, ${words.format(character.high)} at +2; one way for ${character.steady} of ${character.phrases} phrases`;
}
