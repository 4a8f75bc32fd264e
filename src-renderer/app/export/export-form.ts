/**
 * The Export dialog's logic, kept out of the component so it can be tested: which takes can go
 * (ready, with their file), in what order it lists them (kept first, then newest) and which
 * are ticked at first (the kept ones, else the selected take), which MIDI takes of a phrase
 * model it offers (the kept ones, all ticked when opened from the model's page), the DAW checkboxes ↔ the request's format, what the tempo and destination fields
 * accept, the request the form makes, and the progress and "Reveal" wording. Pure functions.
 */
// Relative, not @common: jest and the Node type check load this file too (see its test).
import type { ExportDefaults, ExportFormat, ExportProgressEvent, ExportRequest } from '../../../src-main/common/export.js';
import { MAX_EXPORT_TAKES, MAX_EXPORT_TEMPO, MIN_EXPORT_TEMPO } from '../../../src-main/common/export.js';
import type { Take } from '../../../src-main/common/generation.js';
import type { PartClipDto, PartDto } from '../../../src-main/common/midi.js';
import type { PhraseTake } from '../../../src-main/common/phrases.js';
import { instrumentName } from '../../../src-main/common/gm-programs.js';

type ExportTimeSignature = NonNullable<ExportRequest['timeSignature']>;

/** The time signatures the dialog offers (DAWs take any; these cover songs). */
export const TIME_SIGNATURES = ['4/4', '3/4', '2/4', '6/8', '5/4', '7/8', '12/8'] as const;
export type TimeSignatureText = (typeof TIME_SIGNATURES)[number];
/** The signature field: one of those, or 'song' for the song's own (stored with it, 4/4 unless set). */
export type TimeSignatureChoice = TimeSignatureText | 'song';

/** What the dialog's fields hold. Text fields stay text until the request is made. */
export interface ExportFormValues {
  takeIds: number[];
  /** Whole MIDI parts and part clips, each on a MIDI track (none ticked at first). */
  partIds: number[];
  partClipIds: number[];
  /** MIDI takes of a phrase model, each on a MIDI track at its place in its song. */
  phraseTakeIds: number[];
  includeSource: boolean;
  ableton: boolean;
  logic: boolean;
  sampleRate: 44100 | 48000;
  bitDepth: 24 | 32;
  /** BPM as typed; blank asks for the song's tempo (estimated at import, or set by the user). */
  tempoText: string;
  timeSignature: TimeSignatureChoice;
  placement: 'sequence' | 'stack';
  /** Blank names the folders after the song. */
  songName: string;
  /** The folder the export folders go into. */
  destination: string;
}

/** One message per field that stops the export; absent fields are fine. */
export type ExportFormErrors = Partial<Record<'takes' | 'daws' | 'tempo' | 'songName' | 'destination', string>>;

/** Takes that can be exported: finished, with their file still there. */
export function exportableTakes(takes: readonly Take[]): Take[] {
  return takes.filter((take) => take.status === 'ready' && take.hasFile);
}

/** What the dialog lists: the exportable takes, the kept ones first, then newest first. */
export function exportChoices(takes: readonly Take[]): Take[] {
  return exportableTakes(takes).toSorted(
    (a, b) => Number(b.verdict === 'kept') - Number(a.verdict === 'kept') || b.id - a.id,
  );
}

/**
 * The takes ticked when the dialog opens: every kept one, else the selected take when it can
 * go, else none (the songwriter then picks).
 */
export function initialTakeSelection(takes: readonly Take[], selectedId: number | null): number[] {
  const candidates = exportableTakes(takes);
  const kept = candidates.filter((take) => take.verdict === 'kept').map((take) => take.id);
  if (kept.length > 0) return kept.slice(0, MAX_EXPORT_TAKES);
  return candidates.some((take) => take.id === selectedId) && selectedId !== null ? [selectedId] : [];
}

/** The two DAW checkboxes as the request's format (null: neither ticked). */
export function formatOf(ableton: boolean, logic: boolean): ExportFormat | null {
  if (ableton && logic) return 'both';
  if (ableton) return 'ableton';
  if (logic) return 'logic';
  return null;
}

/** The request's format as the two checkboxes. */
export function dawsOf(format: ExportFormat): { ableton: boolean; logic: boolean } {
  return { ableton: format !== 'logic', logic: format !== 'ableton' };
}

/** The tempo field: undefined when blank (estimate), a BPM, or null when it is not one. */
export function parseTempo(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  const bpm = Number(trimmed);
  return bpm >= MIN_EXPORT_TEMPO && bpm <= MAX_EXPORT_TEMPO ? bpm : null;
}

/** "6/8" → { numerator: 6, denominator: 8 }. */
export function parseTimeSignature(text: TimeSignatureText): ExportTimeSignature {
  const [numerator, denominator] = text.split('/').map(Number) as [number, ExportTimeSignature['denominator']];
  return { numerator, denominator };
}

/**
 * Whether a folder path is absolute on some OS: "/Users/…", "C:\…", "\\server\share".
 * The service decides whether the folder is allowed; this only catches a typo early.
 */
export function isAbsoluteFolder(text: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(text.trim());
}

/** Why the form cannot be sent yet, field by field. */
export function exportFormErrors(values: ExportFormValues): ExportFormErrors {
  const errors: ExportFormErrors = {};
  if (values.takeIds.length + values.partIds.length + values.partClipIds.length + values.phraseTakeIds.length === 0) {
    errors.takes = 'Choose at least one take, MIDI part or MIDI take.';
  } else if (values.takeIds.length > MAX_EXPORT_TAKES || values.phraseTakeIds.length > MAX_EXPORT_TAKES) {
    errors.takes = `At most ${MAX_EXPORT_TAKES} takes at a time.`;
  }
  else if (values.partIds.length > MAX_EXPORT_TAKES || values.partClipIds.length > MAX_EXPORT_TAKES) {
    errors.takes = `At most ${MAX_EXPORT_TAKES} parts and ${MAX_EXPORT_TAKES} part clips at a time.`;
  }
  if (formatOf(values.ableton, values.logic) === null) errors.daws = 'Choose Ableton Live, Logic Pro or both.';
  if (parseTempo(values.tempoText) === null) errors.tempo = `${MIN_EXPORT_TEMPO} to ${MAX_EXPORT_TEMPO} BPM, or blank`;
  if (values.songName.trim().length > 200) errors.songName = 'At most 200 characters.';
  const destination = values.destination.trim();
  if (destination === '') errors.destination = 'Choose a folder.';
  else if (!isAbsoluteFolder(destination)) errors.destination = 'A full path, from the top of the disk.';
  return errors;
}

/** The request for valid values (check {@link exportFormErrors} first). */
export function toExportRequest(values: ExportFormValues, exportId: string): ExportRequest {
  const format = formatOf(values.ableton, values.logic) ?? 'both';
  const tempo = parseTempo(values.tempoText);
  const songName = values.songName.trim();
  return {
    takeIds: [...values.takeIds],
    partIds: [...values.partIds],
    partClipIds: [...values.partClipIds],
    phraseTakeIds: [...values.phraseTakeIds],
    includeSource: values.includeSource,
    format,
    sampleRate: values.sampleRate,
    bitDepth: values.bitDepth,
    ...(typeof tempo === 'number' ? { tempo } : {}),
    ...(values.timeSignature === 'song' ? {} : { timeSignature: parseTimeSignature(values.timeSignature) }),
    placement: values.placement,
    destination: values.destination.trim(),
    ...(songName === '' ? {} : { songName }),
    exportId,
  };
}

/** The form as it opens: the host's defaults, the chosen takes, the last session's choices. */
export function initialFormValues(
  defaults: ExportDefaults,
  takeIds: number[],
  previous: Partial<ExportFormValues> = {},
  /** Opened over MIDI parts: these parts and clips ticked, and no source clip (there is no model). */
  parts?: { partIds: number[]; partClipIds: number[] },
  /** These MIDI takes ticked (opened from a phrase model's page). */
  phraseTakeIds: number[] = [],
): ExportFormValues {
  return {
    includeSource: defaults.includeSource,
    ...dawsOf(defaults.format),
    sampleRate: defaults.sampleRate,
    bitDepth: defaults.bitDepth,
    tempoText: '',
    timeSignature: 'song',
    placement: defaults.placement,
    songName: '',
    destination: defaults.destination,
    ...previous,
    ...(parts ? { includeSource: false } : {}),
    takeIds,
    partIds: parts ? [...parts.partIds] : [],
    partClipIds: parts ? [...parts.partClipIds] : [],
    phraseTakeIds: [...phraseTakeIds],
  };
}

/** The MIDI takes the dialog offers: a phrase model's kept takes that did not fail, newest first. */
export function phraseTakeChoices(takes: readonly PhraseTake[]): PhraseTake[] {
  return takes.filter((take) => take.status === 'ready' && take.verdict === 'kept').toSorted((a, b) => b.id - a.id);
}

/** "continue · 24 notes": what a MIDI take line says beside its name. */
export function phraseTakeSummary(take: PhraseTake): string {
  return `${take.settings.mode} · ${take.noteCount} ${take.noteCount === 1 ? 'note' : 'notes'}`;
}

/**
 * The MIDI takes ticked when the dialog opens: those the page asked for that it offers, else
 * every one it offers (at most MAX_EXPORT_TAKES).
 */
export function initialPhraseTakeSelection(choices: readonly PhraseTake[], ticked: readonly number[] | null): number[] {
  const offered = choices.map((take) => take.id);
  const picked = ticked === null ? offered : offered.filter((id) => ticked.includes(id));
  return picked.slice(0, MAX_EXPORT_TAKES);
}

/** One line of the dialog's "MIDI parts" list: a whole part, or one of its clips beneath it. */
export interface PartChoice {
  kind: 'part' | 'clip';
  id: number;
  /** "bass line · Electric Bass (Finger)", or the clip's label. */
  label: string;
  /** Where it sits in its part: "bars 1–16", "bars 5–8". */
  bars: string;
}

/** The song's parts in the library's order, each followed by its clips by start bar. */
export function partChoices(parts: readonly PartDto[], clips: readonly PartClipDto[]): PartChoice[] {
  return parts.flatMap((part) => [
    { kind: 'part' as const, id: part.id, label: `${part.name} · ${instrumentName(part.program, part.channel)}`, bars: barsText(1, Math.max(1, part.lengthBars)) },
    ...clips
      .filter((clip) => clip.partId === part.id)
      .toSorted((a, b) => a.startBar - b.startBar || a.id - b.id)
      .map((clip) => ({ kind: 'clip' as const, id: clip.id, label: clip.label || 'clip', bars: barsText(clip.startBar, clip.lengthBars) })),
  ]);
}

/** "bar 5", "bars 5–8". */
function barsText(startBar: number, lengthBars: number): string {
  return lengthBars === 1 ? `bar ${startBar}` : `bars ${startBar}–${startBar + lengthBars - 1}`;
}

/** The choices that belong to one song: its name on the folders, its tempo and metre. */
const SONG_FIELDS = ['songName', 'tempoText', 'timeSignature'] as const;

/**
 * The last export's choices to open the dialog with: all of them for the same song; for
 * another song only the general ones (DAWs, rate, depth, placement, source, folder).
 */
export function carriedValues(previous: Partial<ExportFormValues>, sameSong: boolean): Partial<ExportFormValues> {
  if (sameSong) return previous;
  return Object.fromEntries(
    Object.entries(previous).filter(([field]) => !(SONG_FIELDS as readonly string[]).includes(field)),
  ) as Partial<ExportFormValues>;
}

const PHASE_TEXT: Record<ExportProgressEvent['phase'], string> = {
  preparing: 'Reading',
  writing: 'Writing',
  finishing: 'Finishing',
};

/** "Writing Take 3.wav", "Finishing…", or "Starting…" before the first event. */
export function exportProgressText(progress: ExportProgressEvent | null): string {
  if (!progress) return 'Starting…';
  if (progress.file === null) return `${PHASE_TEXT[progress.phase]}…`;
  return `${PHASE_TEXT[progress.phase]} ${progress.file}`;
}

/** The folder a path ends in: "/a/b/Verse Project" → "Verse Project" (either separator). */
export function folderName(folder: string): string {
  const parts = folder.split(/[\\/]+/).filter((part) => part !== '');
  return parts.at(-1) ?? folder;
}

/** What the system's file manager is called, from the browser's user agent. */
export function revealLabel(userAgent: string): string {
  if (/Macintosh|Mac OS X/.test(userAgent)) return 'Reveal in Finder';
  if (/Windows/.test(userAgent)) return 'Show in Explorer';
  return 'Show in folder';
}

/** "Tempo 100 BPM.", "…, the song's.", "…, the song's as estimated at import.", "(no clear beat: 120)". */
export function tempoNote(result: { tempo: number; tempoSource: 'user' | 'song' | 'estimate' | 'fallback' | 'part' }): string {
  const bpm = `${Math.round(result.tempo * 100) / 100} BPM`;
  switch (result.tempoSource) {
    case 'user':
      return `Tempo ${bpm}.`;
    case 'song':
      return `Tempo ${bpm}, the song's.`;
    case 'estimate':
      return `Tempo ${bpm}, the song's as estimated at import.`;
    case 'fallback':
      return `Tempo ${bpm}: the song has no clear beat, so the default was used.`;
    case 'part':
      return `Tempo ${bpm} at bar 1, with the song's tempo and meter changes from the first MIDI part or take.`;
  }
}
