/**
 * MIDI takes of the phrase models in an export: what the export reads of a take (a port the
 * core wires to the phrase-takes feature), and how a take becomes a plan item — a MIDI item
 * exactly like a part's (a MIDI track with its clip in Live; `MIDI/<name>.mid` and a rendered
 * stem for Logic), named "<model name> · take <id>".
 *
 * A take's music is in its song's beats (docs/midi.md "MIDI takes"): its notes
 * from bar 1 of the song and the song's tempo and meter maps; `startBeats` is where the take
 * begins (a continuation starts after the phrase it carries on). The item holds the notes from
 * that beat on, so its clip starts with the take, and the builder places it there when every
 * MIDI take of the export is of one song (export-plan-builder.ts).
 */
import { AppError } from '../../common/errors.js';
import type { TakeVerdict } from '../../common/generation.js';
import type { PartMusic } from '../../common/midi.js';
import type { PhraseTakeDetail } from '../../common/phrases.js';
import { barAtBeats, beatsAtBar, mapFrom } from '../../common/tempo-map.js';
import type { ExportItem } from './export-plan.js';

/** A MIDI take as the export needs it. */
export interface ExportPhraseTake {
  id: number;
  /** The phrase model's name: the item is "<model name> · take <id>". */
  modelName: string;
  /** Null once its song was deleted. */
  songId: number | null;
  status: 'ready' | 'failed';
  /** Why it failed, or null. */
  error: string | null;
  verdict: TakeVerdict;
  /** Its notes in the song's beats with the song's tempo and meter maps; null when it failed. */
  music: PartMusic | null;
  /** Where it begins in the song, beats from bar 1. */
  startBeats: number;
  /** Its length, beats from `startBeats`. */
  lengthBeats: number;
  /** For eureka-takes.json: the take (id, mode, seed, settings, verdict, star) and its model (id, name, kind). */
  provenance: Record<string, unknown>;
}

/** What the export reads of the phrase models' takes (wired in core.ts). */
export interface ExportPhraseTakeSources {
  /** The take (AppError NOT_FOUND when there is none). */
  take(takeId: number): ExportPhraseTake;
}

/** The export's view of a take from what the phrase-takes feature answers (the core passes the model). */
export function exportPhraseTakeOf(detail: PhraseTakeDetail, model: { id: number; name: string; kind: string }): ExportPhraseTake {
  return {
    id: detail.id,
    modelName: model.name,
    songId: detail.songId,
    status: detail.status,
    error: detail.error,
    verdict: detail.verdict,
    music: detail.music,
    startBeats: detail.startBeats,
    lengthBeats: detail.lengthBeats,
    provenance: {
      phraseTake: {
        id: detail.id,
        name: detail.name,
        mode: detail.settings.mode,
        seed: detail.seed,
        settings: detail.settings,
        verdict: detail.verdict,
        starred: detail.starred,
        createdAt: detail.createdAt,
      },
      phraseModel: { id: model.id, name: model.name, kind: model.kind },
    },
  };
}

/** The take, or AppError INVALID_INPUT saying in one line why it cannot be exported. */
export function exportableTake(take: ExportPhraseTake): ExportPhraseTake & { music: PartMusic } {
  const why =
    take.status !== 'ready' || take.music === null
      ? `it failed${take.error ? ` (${take.error})` : ''}`
      : take.verdict === 'discarded'
        ? 'it was discarded (keep it first)'
        : null;
  if (why !== null) throw new AppError('INVALID_INPUT', `MIDI take ${take.id} cannot be exported: ${why}`);
  return take as ExportPhraseTake & { music: PartMusic };
}

/** "<model name> · take <id>". */
export function phraseTakeItemName(take: Pick<ExportPhraseTake, 'id' | 'modelName'>): string {
  return `${take.modelName} · take ${take.id}`;
}

/**
 * The take's music from its start: notes and bends that begin at or after `startBeats`, moved
 * to beats from it; the maps as they run from there.
 */
export function musicFromStart(music: PartMusic, startBeats: number): PartMusic {
  const from = (beats: number): boolean => beats >= startBeats - 1e-9;
  return {
    program: music.program,
    channel: music.channel,
    notes: music.notes.filter((note) => from(note.startBeats)).map((note) => ({ ...note, startBeats: Math.max(0, note.startBeats - startBeats) })),
    bends: music.bends.filter((bend) => from(bend.beats)).map((bend) => ({ ...bend, beats: Math.max(0, bend.beats - startBeats) })),
    tempoMap: mapFrom(music.tempoMap, startBeats),
    meterMap: mapFrom(music.meterMap, startBeats),
  };
}

/** The item of a take, not yet placed and without audio (renderPartItem adds it once placed). */
export function phraseTakeItem(take: ExportPhraseTake & { music: PartMusic }): Omit<ExportItem, 'startSeconds' | 'startBeats'> {
  const music = musicFromStart(take.music, take.startBeats);
  const lastNoteEnd = Math.max(0, ...music.notes.map((note) => note.startBeats + note.durationBeats));
  // Whole bars of the meter it starts in, at least one, so the clip ends on a bar line.
  const span = Math.max(take.lengthBeats, lastNoteEnd);
  const lengthBeats = Math.max(beatsAtBar(music.meterMap, 2), beatsAtBar(music.meterMap, Math.ceil(barAtBeats(music.meterMap, span) - 1e-9)));
  const mode = (take.provenance['phraseTake'] as { mode?: string } | undefined)?.mode;
  return {
    name: phraseTakeItemName(take),
    kind: 'phrase-take',
    channels: [],
    comment: `MIDI take ${take.id}${mode ? ` · ${mode}` : ''} · ${take.modelName} · ${music.notes.length} notes`,
    provenance: { kind: 'phrase-take', ...take.provenance, song: take.songId === null ? null : { id: take.songId }, startBeats: take.startBeats, ratings: [] },
    midi: { program: music.program, channel: music.channel, notes: music.notes, bends: music.bends, lengthBeats },
  };
}

/**
 * Where the takes go: at their own beats when every one is of the same (existing) song and
 * the export lays items one after another; otherwise they follow the other items (null).
 */
export function pinnedStarts(takes: readonly ExportPhraseTake[], placement: 'sequence' | 'stack'): (number | null)[] {
  const songs = new Set(takes.map((take) => take.songId));
  const oneSong = songs.size === 1 && !songs.has(null);
  return takes.map((take) => (oneSong && placement === 'sequence' ? take.startBeats : null));
}
