/**
 * Colours and names of clip labels and splits, in one place so the library table, the
 * waveform regions and the inspector agree. Colours are chosen to stay distinct on the dark
 * theme and for the common colour-vision deficiencies (teal / violet / amber).
 */
import type { ClipLabel, ClipSplit } from '@common/dto.js';
import { LABEL_CLIP, LABEL_WORDS, SPLIT_MEANING, SPLIT_WORDS } from '@common/plain-words.js';

/** Solid colour per label (swatches, text accents). */
export const LABEL_COLOR: Record<ClipLabel, string> = {
  U: '#2ec4a6',
  V: '#a58bff',
  gap: '#f2a93b',
};

/** Translucent fill for a label's waveform region; `selected` is a little stronger. */
export function regionFill(label: ClipLabel, selected: boolean): string {
  const alpha = selected ? 0.3 : 0.16;
  const hex = LABEL_COLOR[label];
  const r = Number.parseInt(hex.slice(1, 3), 16);
  const g = Number.parseInt(hex.slice(3, 5), 16);
  const b = Number.parseInt(hex.slice(5, 7), 16);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Fill of a gap clip's hole (the part the model will fill): a darker, cooler red. */
export const HOLE_FILL = 'rgba(236, 84, 106, 0.32)';

/** What each label means, for tooltips and the inspector. */
export const LABEL_TITLE: Record<ClipLabel, string> = {
  U: 'New idea: new material from an unfinished song, to continue it',
  V: 'Variation: a part to rework, following its structure',
  gap: 'Fill a gap: a hole to fill between two sections',
};

/**
 * Names shown on buttons, chips and list rows, in a songwriter's words (the stored codes U, V
 * and gap stay in the database and the CLI's flags).
 */
export const LABEL_NAME: Record<ClipLabel, string> = LABEL_WORDS;

/** A clip of that label inside a sentence: "new-idea clip". */
export const LABEL_NOUN: Record<ClipLabel, string> = LABEL_CLIP;

/** Split names (practice / check / final check; why they are shown, not hidden: @common/plain-words.ts). */
export const SPLIT_NAME: Record<ClipSplit, string> = SPLIT_WORDS;

/** What each split does, for tooltips. */
export const SPLIT_TITLE: Record<ClipSplit, string> = SPLIT_MEANING;

/** Keyboard shortcut per label and split (the editor listens for these). */
export const LABEL_KEY: Record<ClipLabel, string> = { U: 'U', V: 'V', gap: 'G' };
export const SPLIT_KEY: Record<ClipSplit, string> = { train: '1', val: '2', test: '3' };
