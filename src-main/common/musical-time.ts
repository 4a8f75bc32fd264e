/**
 * A song's musical time — tempo, time signature, where bar 1 starts, key — and the bar grid
 * built on it, shared by the library (which stores it per song), the CLI (`--bars`), the
 * export (the set's tempo and signature) and the renderer (the editor's grid, lengths in bars).
 *
 * Tempo is in quarter notes per minute (BPM, as Live and Logic count it, whatever the
 * signature); a bar is numerator·4/denominator quarter notes. Bar 1 starts at `downbeatSeconds`
 * into the song's audio; bar lines repeat every bar from there in both directions (the audio
 * before bar 1 is a pickup, bar 0). Bars are numbered from 1, as in a DAW.
 */
import { z } from 'zod';

export const MIN_TEMPO = 20;
export const MAX_TEMPO = 999;
/** The tempo of a song whose audio has no clear beat, until the user sets one. */
export const DEFAULT_TEMPO = 120;

/**
 * Where a value came from: the import's analysis, a default (no clear beat, no key found, a
 * signature nobody set), or the user. Re-analysis never overwrites a value the user set.
 */
export const MUSICAL_SOURCES = ['estimated', 'default', 'user'] as const;
export const musicalSourceSchema = z.enum(MUSICAL_SOURCES);
export type MusicalSource = z.infer<typeof musicalSourceSchema>;

export const timeSignatureSchema = z.object({
  numerator: z.number().int().min(1).max(99),
  /** A power of two, as DAWs and MIDI require. */
  denominator: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8), z.literal(16)]),
});
export type TimeSignature = z.infer<typeof timeSignatureSchema>;

/** Pitch-class names, C = 0: sharps for the keys written with sharps, flats for the others. */
const MAJOR_TONICS = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'] as const;
const MINOR_TONICS = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B'] as const;
const LETTER_CLASS: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

/** "A minor", "Eb major": the key of a tonic pitch class (C = 0) and mode. */
export function keyName(tonic: number, mode: 'major' | 'minor'): string {
  const names = mode === 'major' ? MAJOR_TONICS : MINOR_TONICS;
  return `${names[((tonic % 12) + 12) % 12]} ${mode}`;
}

/**
 * A key typed by a person — "A minor", "am", "F# major", "Bb", "bbm", "C♯ min", "Eb maj" — as
 * its tonic pitch class and mode (a bare letter is major), or null when it is not one.
 */
export function parseKey(text: string): { tonic: number; mode: 'major' | 'minor' } | null {
  const match = /^([a-g])\s*([#♯b♭]?)\s*(m|min|minor|maj|major)?$/i.exec(text.trim().replace(/\s+/g, ' '));
  if (!match) return null;
  const [, letter = '', accidental = '', quality = ''] = match;
  const shift = accidental === '#' || accidental === '♯' ? 1 : accidental === '' ? 0 : -1;
  const tonic = (LETTER_CLASS[letter.toLowerCase()]! + shift + 12) % 12;
  const minor = /^m(in(or)?)?$/i.test(quality) && quality !== 'M';
  return { tonic, mode: minor ? 'minor' : 'major' };
}

/** Every canonical key name, major then minor from C (what keyName returns). */
export const KEY_NAMES: readonly string[] = (['major', 'minor'] as const).flatMap((mode) =>
  Array.from({ length: 12 }, (_, tonic) => keyName(tonic, mode)),
);

export const keyNameSchema = z
  .string()
  .trim()
  .refine((text) => parseKey(text) !== null, 'a key such as "A minor" or "Eb major"')
  .transform((text) => {
    const key = parseKey(text)!;
    return keyName(key.tonic, key.mode);
  });

/** A song's musical time, as stored (see the module comment for units). */
export const musicalTimeSchema = z.object({
  tempo: z.number().min(MIN_TEMPO).max(MAX_TEMPO),
  tempoSource: musicalSourceSchema,
  timeSignature: timeSignatureSchema,
  timeSignatureSource: musicalSourceSchema,
  /** Seconds from the start of the song's audio to bar 1. */
  downbeatSeconds: z.number().nonnegative(),
  downbeatSource: musicalSourceSchema,
  /** "A minor"; null when the audio has no clear key and the user set none. */
  key: z.string().nullable(),
  keySource: musicalSourceSchema,
});
export type MusicalTime = z.infer<typeof musicalTimeSchema>;

/** What a user may set on a song; each field given becomes the user's (source "user"). */
export const musicalTimePatchSchema = z
  .object({
    tempo: z.number().finite().min(MIN_TEMPO).max(MAX_TEMPO).optional(),
    timeSignature: timeSignatureSchema.optional(),
    downbeatSeconds: z.number().finite().nonnegative().max(24 * 3600).optional(),
    /** A key name ("A minor", "Bbm"), or null for "no key". */
    key: keyNameSchema.nullable().optional(),
  })
  .strict();
export type MusicalTimePatch = z.input<typeof musicalTimePatchSchema>;

/** The grid a length in bars or a bar line needs: tempo, signature and where bar 1 starts. */
export type BarGrid = Pick<MusicalTime, 'tempo' | 'timeSignature' | 'downbeatSeconds'>;

/**
 * The grid lengths in bars are counted on, or null: a song not analysed yet, or whose tempo is
 * only the default (no clear beat: bars of a made-up 120 BPM would mislead), has none.
 */
export function barGridOf(time: MusicalTime | null | undefined): BarGrid | null {
  if (!time || time.tempoSource === 'default') return null;
  return { tempo: time.tempo, timeSignature: time.timeSignature, downbeatSeconds: time.downbeatSeconds };
}

/** Quarter notes in one bar: exact for every signature (a power-of-two denominator). */
export function quarterNotesPerBar(signature: TimeSignature): number {
  return (signature.numerator * 4) / signature.denominator;
}

/** Seconds in one bar. */
export function secondsPerBar(grid: Pick<BarGrid, 'tempo' | 'timeSignature'>): number {
  return (quarterNotesPerBar(grid.timeSignature) * 60) / grid.tempo;
}

/** Seconds in one beat (a 1/denominator note: a quarter in 4/4, an eighth in 6/8). */
export function secondsPerBeat(grid: Pick<BarGrid, 'tempo' | 'timeSignature'>): number {
  return secondsPerBar(grid) / grid.timeSignature.numerator;
}

/** Seconds in `bars` bars. */
export function barsToSeconds(bars: number, grid: Pick<BarGrid, 'tempo' | 'timeSignature'>): number {
  return (bars * quarterNotesPerBar(grid.timeSignature) * 60) / grid.tempo;
}

/** A length in bars (fractional). */
export function secondsToBars(seconds: number, grid: Pick<BarGrid, 'tempo' | 'timeSignature'>): number {
  return (seconds * grid.tempo) / (quarterNotesPerBar(grid.timeSignature) * 60);
}

/** Where bar `bar` (1 = the downbeat; fractional allowed) starts, seconds into the audio. */
export function secondsAtBar(bar: number, grid: BarGrid): number {
  return grid.downbeatSeconds + barsToSeconds(bar - 1, grid);
}

/** The bar position of a time: 1 at the downbeat, 1.5 half-way through bar 1. */
export function barAt(seconds: number, grid: BarGrid): number {
  return 1 + secondsToBars(seconds - grid.downbeatSeconds, grid);
}

/** The bar line nearest to `seconds` (never before 0 s: the pickup's start is not a line). */
export function nearestBarLine(seconds: number, grid: BarGrid): number {
  const line = secondsAtBar(Math.round(barAt(seconds, grid)), grid);
  return line < 0 ? line + secondsPerBar(grid) : line;
}

/** Bar lines in [from, to] seconds, with their bar numbers, in order. */
export function barLinesBetween(from: number, to: number, grid: BarGrid): { bar: number; seconds: number }[] {
  const lines: { bar: number; seconds: number }[] = [];
  for (let bar = Math.ceil(barAt(from, grid) - 1e-9); ; bar++) {
    const seconds = secondsAtBar(bar, grid);
    if (seconds > to + 1e-9) break;
    lines.push({ bar, seconds });
  }
  return lines;
}

/**
 * A length for people in bars: "8 bars", "1 bar", "7.5 bars"; a length within a hundredth of a
 * bar of a whole number reads as that number.
 */
export function formatBars(bars: number): string {
  const whole = Math.round(bars);
  const value = Math.abs(bars - whole) < 0.01 ? whole : Math.round(bars * 100) / 100;
  return `${value} ${value === 1 ? 'bar' : 'bars'}`;
}

/** "96 BPM", "92.5 BPM". */
export function formatTempo(tempo: number): string {
  return `${Math.round(tempo * 100) / 100} BPM`;
}

/** "4/4". */
export function formatSignature(signature: TimeSignature): string {
  return `${signature.numerator}/${signature.denominator}`;
}

/** A signature typed by a person ("3/4", "6/8"), or null. */
export function parseTimeSignature(text: string): TimeSignature | null {
  const match = /^(\d{1,2})\s*\/\s*(\d{1,2})$/.exec(text.trim());
  const parsed = timeSignatureSchema.safeParse(match ? { numerator: Number(match[1]), denominator: Number(match[2]) } : null);
  return parsed.success ? parsed.data : null;
}

/** "96 BPM · 4/4 · A minor" (the key left out when there is none). */
export function describeMusicalTime(time: MusicalTime): string {
  return [formatTempo(time.tempo), formatSignature(time.timeSignature), ...(time.key ? [time.key] : [])].join(' · ');
}

/**
 * "96 BPM · A minor" for lists (songs, clips, takes): "no clear beat" for the default tempo, "no
 * clear key" without one, "not analysed yet" while a song waits for its analysis.
 */
export function tempoAndKey(time: MusicalTime | null): string {
  if (!time) return 'not analysed yet';
  const tempo = time.tempoSource === 'default' ? 'no clear beat' : formatTempo(time.tempo);
  return `${tempo} · ${time.key ?? 'no clear key'}`;
}

/**
 * "9:8" — bar 9, 8 bars long — as the start bar and the length in bars, or null. The start is
 * a whole bar ≥ 1 (bar 1 is the downbeat); the length a positive number of bars (half bars
 * allowed: "1:4.5").
 */
export function parseBarRange(text: string): { startBar: number; bars: number } | null {
  const match = /^(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!match) return null;
  const startBar = Number(match[1]);
  const bars = Number(match[2]);
  return startBar >= 1 && bars > 0 ? { startBar, bars } : null;
}
