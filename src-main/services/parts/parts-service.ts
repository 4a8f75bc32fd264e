/**
 * MIDI parts in the library (docs/midi.md): imported MIDI files, one part per track with notes;
 * parts that transcription and the phrase models add; part clips cut by whole bars; and the
 * music of a part or part clip for whoever plays, exports or learns from it.
 *
 * Songs are the library's: this feature sees them through a {@link SongDirectory} that core.ts
 * fills with the library service, on the same database connection, so a new song and the parts
 * of the MIDI file that made it land in one transaction. A MIDI file's original bytes go into
 * the store's `midi/` area like a bounce's into `files/`: staged under a temporary name, placed
 * inside the write transaction that inserts their rows, removed again on any failure; what a
 * killed process leaves, the start-up sweep removes (removeUnreferencedFiles).
 */
import { AppError, toErrorPayload } from '../../common/errors.js';
import {
  partClipDraftSchema,
  partClipPatchSchema,
  partMusicSchema,
  type PartClipDraft,
  type PartClipDto,
  type PartClipPatch,
  type PartDetail,
  type PartDto,
  type PartMusic,
} from '../../common/midi.js';
import type { MusicalSource, TimeSignature } from '../../common/musical-time.js';
import { pausePoint } from '../../node/pause-point.js';
import { sha256Hex, storeKey, type AudioStore, type StagedFile } from '../store/audio-store.js';
import {
  barRange,
  checkMapsInOrder,
  inOrder,
  keyOfNotes,
  lengthInBars,
  lengthInBeats,
  notesStartingIn,
  sliceMusic,
} from './part-music.js';
import type { PartClipRow, PartRow, PartsRepository } from './parts-repository.js';
import { checkSmfHead, isMidiFileName } from './smf-check.js';
import { readSmf } from './smf-read.js';

/** What a new song made from a MIDI file starts with (the library stores it as the song's musical time). */
export interface MidiSongTime {
  tempo: { bpm: number; source: MusicalSource };
  timeSignature: { value: TimeSignature; source: MusicalSource };
  key: { name: string | null; source: MusicalSource };
}

/** The library's songs, as this feature needs them (core.ts fills it with the library service). */
export interface SongDirectory {
  /** Whether the song exists. */
  exists(songId: number): boolean;
  /** Inserts a song with this musical time, inside the caller's transaction; its id. */
  create(name: string, time: MidiSongTime): number;
}

export interface PartsServiceOptions {
  store: AudioStore;
  songs: SongDirectory;
  /** Parts or part clips of these songs changed (core.ts: the `parts:did-change` event). */
  changed?: (songIds: number[], partIds: number[]) => void;
}

/** What a transcription or a phrase model hands over to become a part (PartsService.addPart). */
export interface NewPartInput {
  songId: number;
  name: string;
  source: 'transcription' | 'model';
  /** How it was made, to redo it (a transcription's settings); stored as JSON. */
  settings: Record<string, unknown>;
  sourceClipId?: number;
  sourceTakeId?: number;
  music: PartMusic;
}

export type MusicTarget = { partId: number } | { partClipId: number };

export interface MidiImportResult {
  songId: number;
  midiFileId: number;
  parts: PartDto[];
}

export class PartsService {
  readonly #store: AudioStore;
  readonly #songs: SongDirectory;
  readonly #changed: (songIds: number[], partIds: number[]) => void;

  constructor(
    private readonly repository: PartsRepository,
    options: PartsServiceOptions,
  ) {
    this.#store = options.store;
    this.#songs = options.songs;
    this.#changed = options.changed ?? (() => {});
  }

  // ---- MIDI files

  /** Whether the library should hand this file to {@link importMidi} (.mid, .midi). */
  accepts(name: string): boolean {
    return isMidiFileName(name);
  }

  /** Refuses a MIDI file from its size and first bytes, before the rest is read (smf-check.ts). */
  checkHeader(name: string, head: Uint8Array, fileSize: number): void {
    checkSmfHead(name, head, fileSize);
  }

  /** The first MIDI file with these bytes, and its song; undefined when the library has none. */
  duplicateOf(sha256: string): { midiFileId: number; songId: number; songName: string } | undefined {
    return this.repository.firstMidiWithHash(sha256);
  }

  /**
   * Imports a MIDI file into an existing song or a new one: checked and read first (nothing is
   * written for a refused file), then the original and every track with notes as a part, in
   * one transaction. A new song takes the file's first tempo and time signature as the
   * songwriter's own (source "user": their DAW wrote them; no analysis overwrites them) and
   * the key its notes suggest.
   */
  async importMidi(name: string, bytes: Uint8Array, song: number | { newSongName: string }): Promise<MidiImportResult> {
    const midi = readSmf(name, bytes);
    if (typeof song === 'number' && !this.#songs.exists(song)) throw new AppError('NOT_FOUND', `there is no song ${song}`);
    const sha256 = sha256Hex(bytes);
    const key = storeKey('midi', sha256, '.mid');
    let staged: StagedFile | null = null;
    try {
      staged = await this.#store.stage(key, bytes);
      const placedFile = staged;
      const { songId, midiFileId, partIds } = this.repository.transaction(() => {
        const placed = this.#store.placeSync(placedFile);
        try {
          pausePoint('midi-import:placed');
          const songId =
            typeof song === 'number'
              ? song
              : this.#songs.create(song.newSongName, {
                  tempo: { bpm: midi.tempoMap[0]!.bpm, source: midi.setsTempo ? 'user' : 'default' },
                  timeSignature: { value: midi.meterMap[0]!.timeSignature, source: midi.setsMeter ? 'user' : 'default' },
                  key: keyFromNotes(midi.tracks.map((track) => track.music)),
                });
          const midiFileId = this.repository.insertMidiFile(
            { songId, originalName: name, sha256, sizeBytes: bytes.byteLength, storeKey: key, ppq: midi.facts.ppq, format: midi.facts.format, trackCount: midi.facts.trackCount },
            nowIso(),
          );
          const partIds = midi.tracks.map((track) =>
            this.repository.insertPart(
              {
                songId,
                midiFileId,
                trackIndex: track.trackIndex,
                name: track.name,
                source: 'midi-file',
                sourceClipId: null,
                sourceTakeId: null,
                settings: {},
                music: inOrder(track.music),
                noteCount: track.music.notes.length,
                lengthBeats: lengthInBeats(track.music.notes),
              },
              nowIso(),
            ),
          );
          return { songId, midiFileId, partIds };
        } catch (error) {
          // Still under the write lock: a file this import placed is nobody else's yet.
          if (placed) removeQuietly(() => this.#store.removeSync(key));
          throw error;
        }
      });
      this.#changed([songId], partIds);
      return { songId, midiFileId, parts: partIds.map((id) => this.get(id)) };
    } catch (error) {
      if (staged) await this.#store.discard(staged);
      if (error instanceof AppError) throw error.message.startsWith(`${name}: `) ? error : new AppError(error.code, `${name}: ${error.message}`);
      throw new AppError('STORAGE', `${name}: could not be saved to the library (${toErrorPayload(error).message})`);
    }
  }

  // ---- parts

  /** A part made by transcription or a phrase model (the other features' way in). */
  addPart(input: NewPartInput): PartDto {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 200) throw new AppError('INVALID_INPUT', 'a part name needs 1 to 200 characters');
    if (input.source !== 'transcription' && input.source !== 'model') {
      throw new AppError('INVALID_INPUT', `a part added here comes from a transcription or a model, not "${String(input.source)}"`);
    }
    const parsed = partMusicSchema.safeParse(input.music);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('INVALID_INPUT', `part "${name}": ${issue.path.join('.')}: ${issue.message}`);
    }
    checkMapsInOrder(parsed.data, `part "${name}"`);
    if (parsed.data.notes.length === 0) throw new AppError('INVALID_INPUT', `part "${name}" has no notes`);
    if (!this.#songs.exists(input.songId)) throw new AppError('NOT_FOUND', `there is no song ${input.songId}`);
    const settings = jsonObject(input.settings, `part "${name}": settings`);
    const music = inOrder(parsed.data);
    let partId: number;
    try {
      partId = this.repository.transaction(() =>
        this.repository.insertPart(
          {
            songId: input.songId,
            midiFileId: null,
            trackIndex: null,
            name,
            source: input.source,
            sourceClipId: input.sourceClipId ?? null,
            sourceTakeId: input.sourceTakeId ?? null,
            settings,
            music,
            noteCount: music.notes.length,
            lengthBeats: lengthInBeats(music.notes),
          },
          nowIso(),
        ),
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        const named = [input.sourceClipId === undefined ? '' : `clip ${input.sourceClipId}`, input.sourceTakeId === undefined ? '' : `take ${input.sourceTakeId}`];
        throw new AppError('NOT_FOUND', `part "${name}": its source (${named.filter(Boolean).join(', ')}) does not exist`);
      }
      throw error;
    }
    this.#changed([input.songId], [partId]);
    return this.get(partId);
  }

  /**
   * A transcription redone with other settings: the part's notes, bends, maps and settings
   * replaced, checked as addPart checks them; its name, program, channel and clips stay.
   */
  replaceMusic(partId: number, music: PartMusic, settings: Record<string, unknown>): PartDto {
    const part = this.#row(partId);
    const parsed = partMusicSchema.safeParse(music);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('INVALID_INPUT', `part "${part.name}": ${issue.path.join('.')}: ${issue.message}`);
    }
    checkMapsInOrder(parsed.data, `part "${part.name}"`);
    if (parsed.data.notes.length === 0) throw new AppError('INVALID_INPUT', `part "${part.name}" would have no notes`);
    const ordered = inOrder(parsed.data);
    const stored = jsonObject(settings, `part "${part.name}": settings`);
    this.repository.transaction(() => this.repository.replaceMusic(partId, ordered, stored, lengthInBeats(ordered.notes)));
    this.#changed([part.songId], [partId]);
    return this.get(partId);
  }

  /** A song's parts (every part without `songId`), oldest first. */
  list(songId?: number): PartDto[] {
    if (songId !== undefined && !this.#songs.exists(songId)) throw new AppError('NOT_FOUND', `there is no song ${songId}`);
    return this.repository.parts(songId).map(toPartDto);
  }

  get(partId: number): PartDto {
    return toPartDto(this.#row(partId));
  }

  /** A part with its music (the piano roll). */
  detail(partId: number): PartDetail {
    return { ...this.get(partId), music: this.#music(partId) };
  }

  rename(partId: number, name: string): PartDto {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) throw new AppError('INVALID_INPUT', 'a part name needs 1 to 200 characters');
    const part = this.#row(partId);
    this.repository.renamePart(partId, trimmed);
    this.#changed([part.songId], [partId]);
    return this.get(partId);
  }

  /** Deletes a part and its clips; its song, the song's audio and its MIDI file stay. */
  delete(partId: number): void {
    const part = this.#row(partId);
    this.repository.deletePart(partId);
    this.#changed([part.songId], [partId]);
  }

  /**
   * The music of a part, or of a part clip: the notes starting inside its bars, shifted so the
   * clip starts at beat 0, cut at its end, with bends and maps shifted the same way (part-music.ts).
   */
  musicOf(target: MusicTarget): PartMusic & { name: string; songId: number } {
    if ('partId' in target) {
      const part = this.#row(target.partId);
      return { ...this.#music(part.id), name: part.name, songId: part.songId };
    }
    const clip = this.#clipRow(target.partClipId);
    const part = this.#row(clip.partId);
    const { startBeats, endBeats } = barRange(part.meterMap, clip.startBar, clip.lengthBars);
    const label = clip.label === '' ? `bars ${clip.startBar}–${clip.startBar + clip.lengthBars - 1}` : clip.label;
    return { ...sliceMusic(this.#music(part.id), startBeats, endBeats), name: `${part.name} · ${label}`, songId: part.songId };
  }

  // ---- part clips

  listClips(of: { partId: number } | { songId: number }): PartClipDto[] {
    const rows = 'partId' in of ? this.#partClips(of.partId) : this.#songClips(of.songId);
    const notesOf = new Map<number, PartMusic['notes']>();
    return rows.map((row) => {
      const part = this.#row(row.partId);
      if (!notesOf.has(part.id)) notesOf.set(part.id, this.#music(part.id).notes);
      return toClipDto(row, part, notesOf.get(part.id)!);
    });
  }

  getClip(partClipId: number): PartClipDto {
    const row = this.#clipRow(partClipId);
    const part = this.#row(row.partId);
    return toClipDto(row, part, this.#music(part.id).notes);
  }

  /** Cuts a clip of whole bars on the part's meter map; refused past the part's end or where no note starts. */
  addClip(draft: PartClipDraft): PartClipDto {
    const parsed = partClipDraftSchema.safeParse(draft);
    if (!parsed.success) throw invalid(parsed.error.issues[0]!);
    const { partId, ...values } = parsed.data;
    const part = this.#row(partId);
    this.#checkClip(part, values.startBar, values.lengthBars);
    const id = this.repository.insertClip(partId, values, nowIso());
    this.#changed([part.songId], [partId]);
    return this.getClip(id);
  }

  updateClip(partClipId: number, patch: PartClipPatch): PartClipDto {
    const parsed = partClipPatchSchema.safeParse(patch);
    if (!parsed.success) throw invalid(parsed.error.issues[0]!);
    const clip = this.#clipRow(partClipId);
    const part = this.#row(clip.partId);
    const values = {
      startBar: parsed.data.startBar ?? clip.startBar,
      lengthBars: parsed.data.lengthBars ?? clip.lengthBars,
      label: parsed.data.label ?? clip.label,
      notes: parsed.data.notes ?? clip.notes,
      split: parsed.data.split ?? clip.split,
    };
    this.#checkClip(part, values.startBar, values.lengthBars);
    this.repository.updateClip(partClipId, values, nowIso());
    this.#changed([part.songId], [part.id]);
    return this.getClip(partClipId);
  }

  deleteClip(partClipId: number): void {
    const clip = this.#clipRow(partClipId);
    this.repository.deleteClip(partClipId);
    this.#changed([clip.songId], [clip.partId]);
  }

  // ---- with the library's songs

  /** How many parts a song has (what deleting it takes along). */
  countOfSong(songId: number): number {
    return this.repository.partCountOfSong(songId);
  }

  /**
   * Deletes a song's parts, their clips and its MIDI files (the library deletes the song next),
   * then the MIDI originals no other song's file names.
   */
  removeSong(songId: number): void {
    const partIds = this.repository.parts(songId).map((part) => part.id);
    const keys = this.repository.transaction(() => {
      const stored = this.repository.midiKeysOfSong(songId);
      this.repository.deletePartsOfSong(songId);
      return stored;
    });
    if (partIds.length > 0) this.#changed([songId], partIds);
    // Once the rows are gone, under the write lock again, so an import placing the same bytes
    // meanwhile keeps them; a file left now goes with the next start's sweep.
    this.repository.transaction(() => {
      for (const key of keys) if (!this.repository.isMidiKeyInUse(key)) removeQuietly(() => this.#store.removeSync(key));
    });
  }

  /** Removes MIDI originals no row names (an import or delete killed midway); the keys removed. */
  removeUnreferencedFiles(): string[] {
    return this.repository.transaction(() => {
      const named = this.repository.midiKeys();
      const orphans = this.#store.keysSync('midi').filter((key) => !named.has(key));
      for (const key of orphans) removeQuietly(() => this.#store.removeSync(key));
      return orphans;
    });
  }

  // ---- inside

  #row(partId: number): PartRow {
    const part = this.repository.part(partId);
    if (!part) throw new AppError('NOT_FOUND', `there is no part ${partId}`);
    return part;
  }

  #music(partId: number): PartMusic {
    const music = this.repository.music(partId);
    if (!music) throw new AppError('NOT_FOUND', `there is no part ${partId}`);
    return music;
  }

  #clipRow(partClipId: number): PartClipRow {
    const clip = this.repository.clip(partClipId);
    if (!clip) throw new AppError('NOT_FOUND', `there is no part clip ${partClipId}`);
    return clip;
  }

  #partClips(partId: number): PartClipRow[] {
    this.#row(partId); // NOT_FOUND for no such part
    return this.repository.clipsOfPart(partId);
  }

  #songClips(songId: number): PartClipRow[] {
    if (!this.#songs.exists(songId)) throw new AppError('NOT_FOUND', `there is no song ${songId}`);
    return this.repository.clipsOfSong(songId);
  }

  #checkClip(part: PartRow, startBar: number, lengthBars: number): void {
    const bars = lengthInBars(part.meterMap, part.lengthBeats);
    const lastBar = startBar + lengthBars - 1;
    if (lastBar > bars) {
      throw new AppError('INVALID_INPUT', `part ${part.id} “${part.name}” has ${bars} bar${bars === 1 ? '' : 's'}: bars ${startBar}–${lastBar} go past its end`);
    }
    const { startBeats, endBeats } = barRange(part.meterMap, startBar, lengthBars);
    if (notesStartingIn(this.#music(part.id).notes, startBeats, endBeats) === 0) {
      throw new AppError('INVALID_INPUT', `part ${part.id} “${part.name}” has no notes in bars ${startBar}–${lastBar}`);
    }
  }
}

function toPartDto(row: PartRow): PartDto {
  return {
    id: row.id,
    songId: row.songId,
    midiFileId: row.midiFileId,
    name: row.name,
    program: row.program,
    channel: row.channel,
    source: row.source,
    sourceClipId: row.sourceClipId,
    sourceTakeId: row.sourceTakeId,
    settings: row.settings,
    noteCount: row.noteCount,
    lengthBeats: row.lengthBeats,
    lengthBars: lengthInBars(row.meterMap, row.lengthBeats),
    bpm: row.tempoMap[0]!.bpm,
    timeSignature: row.meterMap[0]!.timeSignature,
    clipCount: row.clipCount,
    createdAt: row.createdAt,
  };
}

function toClipDto(row: PartClipRow, part: PartRow, notes: PartMusic['notes']): PartClipDto {
  const { startBeats, endBeats } = barRange(part.meterMap, row.startBar, row.lengthBars);
  return { ...row, startBeats, endBeats, noteCount: notesStartingIn(notes, startBeats, endBeats) };
}

/** The key a new song made from MIDI starts with: estimated from its notes, or none. */
function keyFromNotes(musics: PartMusic[]): MidiSongTime['key'] {
  const name = keyOfNotes(musics);
  return name === null ? { name: null, source: 'default' } : { name, source: 'estimated' };
}

/** A plain JSON object, copied; refused when it is not one or does not survive JSON. */
function jsonObject(value: Record<string, unknown>, what: string): Record<string, unknown> {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch {
    copy = undefined;
  }
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) throw new AppError('INVALID_INPUT', `${what} must be a JSON object`);
  return copy as Record<string, unknown>;
}

function invalid(issue: { path: PropertyKey[]; message: string }): AppError {
  return new AppError('INVALID_INPUT', `${issue.path.length > 0 ? issue.path.join('.') : 'part clip'}: ${issue.message}`);
}

/** Runs a removal whose failure must not hide the error being handled. */
function removeQuietly(remove: () => void): void {
  try {
    remove();
  } catch {
    // The start-up sweep removes it next time.
  }
}

function nowIso(): string {
  return new Date().toISOString();
}
