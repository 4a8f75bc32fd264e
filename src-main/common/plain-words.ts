/**
 * A songwriter's words for what the app stores in a lab's codes: clip labels (U, V, gap),
 * splits (train, val, test) and the measures of a take (docs/metrics.md). The database, the
 * contract and the CLI's flags keep the codes; the GUI shows these words, and the CLI's tables
 * show them beside the codes. One map for both, so the two never name a thing differently.
 */
import type { ClipLabel, ClipSplit } from './dto.js';

/** A label as its button, chip and list row name it. */
export const LABEL_WORDS: Record<ClipLabel, string> = { U: 'New idea', V: 'Variation', gap: 'Fill a gap' };

/** A clip of that label as a noun inside a sentence ("cut a new-idea clip at 0:12.500"). */
export const LABEL_CLIP: Record<ClipLabel, string> = { U: 'new-idea clip', V: 'variation clip', gap: 'gap clip' };

/**
 * A split in words. Shown, not hidden behind the inspector's details: the split decides what a
 * take's "against the rest of the song" is measured on (docs/metrics.md §1) and which passages a
 * listening session plays as the real thing, so hiding it would make those change for a reason
 * the songwriter cannot see. Val and test behave alike in Eureka; SPLIT_MEANING says so rather
 * than invent a difference.
 */
export const SPLIT_WORDS: Record<ClipSplit, string> = { train: 'Practice', val: 'Check', test: 'Final check' };

/** What each split does, for tooltips. */
export const SPLIT_MEANING: Record<ClipSplit, string> = {
  train: 'Practice: material to learn from; never measured against or played as the real thing',
  val: 'Check: kept out, so takes are measured against it and listening sessions play it as the real thing',
  test: 'Final check: kept out like Check (Eureka treats the two alike), for a last comparison of your own',
};

/** "U (new idea)": a code with its words, for the CLI's tables. */
export function codeWithWords(code: string, words: string): string {
  return `${code} (${words.toLowerCase()})`;
}

/** A measure's plain name, what it says in a line, and the name docs/metrics.md gives it. */
export interface MeasureName {
  plain: string;
  technical: string;
  /** What the number says, in words. */
  hint: string;
}

/**
 * Every measure the Takes view and `eureka metrics` show. There is no key, tempo or brightness
 * among them: Eureka does not measure those of a take, so no row is given those names.
 */
export const MEASURES = {
  duration: { plain: 'Length', technical: 'duration', hint: 'How long the take is' },
  loudness: { plain: 'Loudness', technical: 'integrated loudness', hint: 'How loud it sounds overall (LUFS, ITU-R BS.1770)' },
  peak: { plain: 'Loudest peak', technical: 'sample peak', hint: 'The highest sample (dBFS; 0 is the top)' },
  distinctPitches: { plain: 'Notes heard', technical: 'distinct pitches', hint: 'How many different notes (to the semitone) the pitch tracker heard' },
  pitchEntropy: { plain: 'Note variety', technical: 'pitch entropy', hint: 'How evenly those notes are used (bits; 0 is a single note)' },
  pitchRange: { plain: 'Pitch span', technical: 'pitch range', hint: 'Highest minus lowest pitch heard (Hz)' },
  mfccFrechet: { plain: 'Tone colour', technical: 'MFCC Fréchet distance', hint: 'How different the overall timbre is (0: the same)' },
  mfccKl: { plain: 'Tone mix', technical: 'MFCC KL divergence', hint: 'How differently the timbres are spread over time (nats; 0: the same mix)' },
  spectralDistance: {
    plain: 'Frequency balance',
    technical: 'spectral distance',
    hint: 'How differently the lows, mids and highs sit and move, brightness included (dB; 0: identical)',
  },
  pitchEntropyDelta: { plain: 'Note variety change', technical: 'pitch entropy change', hint: "The take's note variety minus the other's (bits)" },
  longestCopy: { plain: 'Longest copied stretch', technical: 'longest copy', hint: 'The longest stretch that plays the clip back' },
  fidelity: { plain: 'Close to the clip', technical: 'fidelity', hint: 'How close it sounds to the clip it learned from' },
  novelty: { plain: 'Not a copy', technical: 'novelty', hint: 'How little of it plays the clip back' },
  score: { plain: 'Score', technical: 'score', hint: 'Close to the clip and new, weighted as you set' },
} as const satisfies Record<string, MeasureName>;

export type MeasureKey = keyof typeof MEASURES;
