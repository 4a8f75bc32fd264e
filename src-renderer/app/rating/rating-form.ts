/**
 * The session builder's form logic: what each field accepts, the raters' names typed as one
 * line, and the SessionDraft the form makes (checked against the contract's own schema, so the
 * form and the core never disagree about a limit). The core may still refuse a draft that
 * cannot be blind; that reason is shown as it comes. Pure, no Svelte.
 */
import {
  DEFAULT_ITEM_SECONDS,
  MAX_ITEM_SECONDS,
  MAX_RATERS,
  MAX_SESSION_ITEMS,
  MIN_ITEM_SECONDS,
  sessionDraftSchema,
  type SessionDraft,
  type SessionFormat,
} from '../../../src-main/common/rating.js';
import { PRESET_NAMES, type PresetName } from '../../../src-main/common/training.js';
import type { PhraseTake } from '../../../src-main/common/phrases.js';

export { PRESET_NAMES, type PresetName };

/**
 * Where the generated items come from: a filter the builder draws from, takes picked by hand,
 * or a phrase model's MIDI takes picked by hand (a session of MIDI material).
 */
export type TakeSource = 'filter' | 'picked' | 'midi';

/** What the builder's fields hold (numbers as typed, so a half-typed value is not lost). */
export interface BuilderValues {
  name: string;
  format: SessionFormat;
  source: TakeSource;
  /** Filter: models (none = every model), modes, presets, starred only. */
  modelIds: number[];
  modes: string[];
  presets: PresetName[];
  starredOnly: boolean;
  /** Picked: these takes. */
  takeIds: number[];
  /** MIDI: these MIDI takes. */
  phraseTakeIds: number[];
  generatedCount: string;
  realCount: string;
  seconds: string;
  catchTrials: boolean;
  /** "Ana, Ben" — commas or new lines between names. */
  raters: string;
  /** Digits, or empty for a random (stored) seed. */
  seed: string;
}

/** A fresh form: the protocol's 8 generated + 2 real single-stimulus items of 30 s. */
export function initialBuilderValues(): BuilderValues {
  return {
    name: '',
    format: 'single',
    source: 'filter',
    modelIds: [],
    modes: [],
    presets: [],
    starredOnly: false,
    takeIds: [],
    phraseTakeIds: [],
    generatedCount: '8',
    realCount: '2',
    seconds: String(DEFAULT_ITEM_SECONDS),
    catchTrials: false,
    raters: '',
    seed: '',
  };
}

/** "Ana, Ben\nCleo" → ["Ana", "Ben", "Cleo"]: trimmed, empty entries dropped. */
export function parseRaterNames(text: string): string[] {
  return text
    .split(/[,\n;]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** A whole number typed into a field, or null for anything else. */
export function parseCount(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,4}$/.test(trimmed) ? Number(trimmed) : null;
}

/** Seconds typed into a field ("30", "22.5"), or null. */
export function parseItemSeconds(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,3}(\.\d{1,3})?$/.test(trimmed) ? Number(trimmed) : null;
}

/** Every field's problem, keyed by field; empty when the form can be sent. */
export function builderErrors(values: BuilderValues): Partial<Record<keyof BuilderValues, string>> {
  const errors: Partial<Record<keyof BuilderValues, string>> = {};
  if (values.name.trim() === '') errors.name = 'Give the session a name.';
  const generated = parseCount(values.generatedCount);
  const real = parseCount(values.realCount);
  if (generated === null || generated > MAX_SESSION_ITEMS) errors.generatedCount = `A whole number up to ${MAX_SESSION_ITEMS}.`;
  if (real === null || real > MAX_SESSION_ITEMS) errors.realCount = `A whole number up to ${MAX_SESSION_ITEMS}.`;
  if (generated !== null && real !== null && generated + real === 0) errors.generatedCount = 'A session needs at least one item.';
  if (values.source === 'picked' && values.takeIds.length === 0 && (generated ?? 0) > 0) {
    errors.takeIds = 'Pick the takes to rate, or draw them by filter.';
  }
  if (values.source === 'midi' && values.phraseTakeIds.length === 0) errors.phraseTakeIds = 'Pick the MIDI takes to rate.';
  else if (values.source === 'midi' && generated !== null && generated > values.phraseTakeIds.length) {
    errors.generatedCount = `Pick at least ${generated} MIDI takes, or ask for fewer.`;
  }
  const seconds = parseItemSeconds(values.seconds);
  // A MIDI session's items last as long as its shortest take unless a length is typed.
  const midiLength = values.source === 'midi' && values.seconds.trim() === '';
  if (!midiLength && (seconds === null || seconds < MIN_ITEM_SECONDS || seconds > MAX_ITEM_SECONDS)) {
    errors.seconds = `Between ${MIN_ITEM_SECONDS} and ${MAX_ITEM_SECONDS} seconds${values.source === 'midi' ? ', or blank' : ''}.`;
  }
  const raters = parseRaterNames(values.raters);
  const lowered = raters.map((name) => name.toLowerCase());
  if (raters.length === 0) errors.raters = 'Name at least one rater.';
  else if (raters.length > MAX_RATERS) errors.raters = `At most ${MAX_RATERS} raters.`;
  else if (new Set(lowered).size !== lowered.length) errors.raters = 'Two raters have the same name.';
  else if (raters.some((name) => name.length > 60)) errors.raters = 'A rater’s name is longer than 60 characters.';
  if (values.seed.trim() !== '' && !/^\d{1,20}$/.test(values.seed.trim())) errors.seed = 'Digits only, or empty for a random seed.';
  return errors;
}

/** The draft the form asks the core to build, or null while a field is wrong. */
export function toSessionDraft(values: BuilderValues): SessionDraft | null {
  if (Object.keys(builderErrors(values)).length > 0) return null;
  const seed = values.seed.trim();
  const draft: SessionDraft = {
    name: values.name.trim(),
    format: values.format,
    generatedCount: parseCount(values.generatedCount) ?? 0,
    realCount: parseCount(values.realCount) ?? 0,
    ...(values.source === 'midi' && values.seconds.trim() === '' ? {} : { itemSeconds: parseItemSeconds(values.seconds) ?? DEFAULT_ITEM_SECONDS }),
    catchTrials: values.catchTrials,
    raters: parseRaterNames(values.raters),
    ...(seed === '' ? {} : { seed }),
    ...(values.source === 'midi'
      ? { phraseTakeIds: [...values.phraseTakeIds] }
      : values.source === 'picked'
      ? { takeIds: [...values.takeIds] }
      : {
          takeFilter: {
            ...(values.modelIds.length > 0 ? { modelIds: [...values.modelIds] } : {}),
            ...(values.modes.length > 0 ? { modes: [...values.modes] } : {}),
            ...(values.presets.length > 0 ? { presets: [...values.presets] } : {}),
            starredOnly: values.starredOnly,
          },
        }),
  };
  // The contract's schema has the last word on limits; a draft it refuses is a form bug.
  return sessionDraftSchema.safeParse(draft).success ? draft : null;
}

/** The seconds field when the source changes: blank for MIDI (the takes' length), the default again when leaving it blank. */
export function secondsForSource(source: TakeSource, seconds: string): string {
  if (source === 'midi') return seconds === String(DEFAULT_ITEM_SECONDS) ? '' : seconds;
  return seconds.trim() === '' ? String(DEFAULT_ITEM_SECONDS) : seconds;
}

/** The MIDI takes the builder offers: those that did not fail, kept first, then newest. */
export function pickablePhraseTakes(takes: readonly PhraseTake[]): PhraseTake[] {
  return takes
    .filter((take) => take.status === 'ready')
    .toSorted((a, b) => Number(b.verdict === 'kept') - Number(a.verdict === 'kept') || b.id - a.id);
}

/** Adds `item` to the list when `on`, removes it otherwise (for checkbox groups). */
export function toggled<T>(list: readonly T[], item: T, on: boolean): T[] {
  const without = list.filter((entry) => entry !== item);
  return on ? [...without, item] : without;
}

/** Format names as the builder offers them. */
export const FORMAT_NAMES: Record<SessionFormat, string> = {
  single: 'One at a time (real or fake?)',
  '2afc': 'Pairs: which one is real?',
  abx: 'ABX: is X like A or B?',
};
