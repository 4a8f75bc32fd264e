/**
 * The SQL of MIDI files, parts and part clips (migration 0012), and the mapping from rows to
 * values. The music columns are JSON read back through common/midi.ts's schemas, so a database
 * edited by hand cannot hand a synth or an export malformed notes.
 */
import type { Db } from '../../db/database.js';
import { AppError } from '../../common/errors.js';
import {
  meterPointSchema,
  partNoteSchema,
  pitchBendSchema,
  tempoPointSchema,
  type MeterPoint,
  type PartMusic,
  type PartSource,
  type TempoPoint,
} from '../../common/midi.js';
import { z } from 'zod';

export interface NewMidiFile {
  songId: number;
  originalName: string;
  sha256: string;
  sizeBytes: number;
  storeKey: string;
  ppq: number;
  format: 0 | 1;
  trackCount: number;
}

export interface NewPart {
  songId: number;
  midiFileId: number | null;
  trackIndex: number | null;
  name: string;
  source: PartSource;
  sourceClipId: number | null;
  sourceTakeId: number | null;
  settings: Record<string, unknown>;
  music: PartMusic;
  noteCount: number;
  lengthBeats: number;
}

/** A part without its notes and bends (what lists need). */
export interface PartRow {
  id: number;
  songId: number;
  midiFileId: number | null;
  name: string;
  program: number;
  channel: number;
  source: PartSource;
  sourceClipId: number | null;
  sourceTakeId: number | null;
  settings: Record<string, unknown>;
  noteCount: number;
  lengthBeats: number;
  tempoMap: TempoPoint[];
  meterMap: MeterPoint[];
  clipCount: number;
  createdAt: string;
}

export interface PartClipRow {
  id: number;
  partId: number;
  songId: number;
  startBar: number;
  lengthBars: number;
  label: string;
  notes: string;
  split: 'train' | 'val' | 'test';
  createdAt: string;
  updatedAt: string;
}

export interface PartClipValues {
  startBar: number;
  lengthBars: number;
  label: string;
  notes: string;
  split: 'train' | 'val' | 'test';
}

interface RawPart {
  id: number;
  song_id: number;
  midi_file_id: number | null;
  name: string;
  program: number;
  channel: number;
  source: PartSource;
  source_clip_id: number | null;
  source_take_id: number | null;
  settings: string;
  note_count: number;
  length_beats: number;
  tempo_map: string;
  meter_map: string;
  clip_count: number;
  created_at: string;
}

interface RawClip {
  id: number;
  part_id: number;
  song_id: number;
  start_bar: number;
  length_bars: number;
  label: string;
  notes: string;
  split: 'train' | 'val' | 'test';
  created_at: string;
  updated_at: string;
}

const PART_COLUMNS = `p.id, p.song_id, p.midi_file_id, p.name, p.program, p.channel, p.source, p.source_clip_id,
  p.source_take_id, p.settings, p.note_count, p.length_beats, p.tempo_map, p.meter_map, p.created_at,
  (SELECT count(*) FROM part_clips c WHERE c.part_id = p.id) AS clip_count`;
const CLIP_COLUMNS = `c.id, c.part_id, p.song_id, c.start_bar, c.length_bars, c.label, c.notes, c.split, c.created_at, c.updated_at`;

export class PartsRepository {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      insertMidiFile: db.prepare(`INSERT INTO midi_files (song_id, original_name, sha256, size_bytes, store_key, ppq, format,
          track_count, created_at)
        VALUES (@songId, @originalName, @sha256, @sizeBytes, @storeKey, @ppq, @format, @trackCount, @now)`),
      firstMidiWithHash: db.prepare(`SELECT m.id, m.song_id, s.name AS song_name FROM midi_files m
        JOIN songs s ON s.id = m.song_id WHERE m.sha256 = ? ORDER BY m.id LIMIT 1`),
      midiKeysOfSong: db.prepare('SELECT store_key FROM midi_files WHERE song_id = ?'),
      midiKeys: db.prepare('SELECT DISTINCT store_key FROM midi_files'),
      midiKeyInUse: db.prepare('SELECT count(*) AS n FROM midi_files WHERE store_key = ?'),
      deleteMidiOfSong: db.prepare('DELETE FROM midi_files WHERE song_id = ?'),
      insertPart: db.prepare(`INSERT INTO parts (song_id, midi_file_id, track_index, name, program, channel, source,
          source_clip_id, source_take_id, settings, notes, bends, tempo_map, meter_map, note_count, length_beats, created_at)
        VALUES (@songId, @midiFileId, @trackIndex, @name, @program, @channel, @source, @sourceClipId, @sourceTakeId,
          @settings, @notes, @bends, @tempoMap, @meterMap, @noteCount, @lengthBeats, @now)`),
      part: db.prepare(`SELECT ${PART_COLUMNS} FROM parts p WHERE p.id = ?`),
      parts: db.prepare(`SELECT ${PART_COLUMNS} FROM parts p ORDER BY p.song_id, p.id`),
      partsOfSong: db.prepare(`SELECT ${PART_COLUMNS} FROM parts p WHERE p.song_id = ? ORDER BY p.id`),
      partCountOfSong: db.prepare('SELECT count(*) AS n FROM parts WHERE song_id = ?'),
      music: db.prepare('SELECT notes, bends FROM parts WHERE id = ?'),
      renamePart: db.prepare('UPDATE parts SET name = ? WHERE id = ?'),
      replaceMusic: db.prepare(`UPDATE parts SET settings = @settings, notes = @notes, bends = @bends, tempo_map = @tempoMap,
          meter_map = @meterMap, note_count = @noteCount, length_beats = @lengthBeats WHERE id = @id`),
      deletePart: db.prepare('DELETE FROM parts WHERE id = ?'),
      deletePartsOfSong: db.prepare('DELETE FROM parts WHERE song_id = ?'),
      insertClip: db.prepare(`INSERT INTO part_clips (part_id, start_bar, length_bars, label, notes, split, created_at, updated_at)
        VALUES (@partId, @startBar, @lengthBars, @label, @notes, @split, @now, @now)`),
      updateClip: db.prepare(`UPDATE part_clips SET start_bar = @startBar, length_bars = @lengthBars, label = @label,
          notes = @notes, split = @split, updated_at = @now WHERE id = @id`),
      deleteClip: db.prepare('DELETE FROM part_clips WHERE id = ?'),
      clip: db.prepare(`SELECT ${CLIP_COLUMNS} FROM part_clips c JOIN parts p ON p.id = c.part_id WHERE c.id = ?`),
      clipsOfPart: db.prepare(`SELECT ${CLIP_COLUMNS} FROM part_clips c JOIN parts p ON p.id = c.part_id
        WHERE c.part_id = ? ORDER BY c.start_bar, c.id`),
      clipsOfSong: db.prepare(`SELECT ${CLIP_COLUMNS} FROM part_clips c JOIN parts p ON p.id = c.part_id
        WHERE p.song_id = ? ORDER BY p.id, c.start_bar, c.id`),
    };
  }

  /** Runs `work` in one write-locked transaction (BEGIN IMMEDIATE; a savepoint inside another). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  insertMidiFile(file: NewMidiFile, now: string): number {
    return Number(this.statements.insertMidiFile.run({ ...file, now }).lastInsertRowid);
  }

  /** The first MIDI file with these bytes and its song, or undefined. */
  firstMidiWithHash(sha256: string): { midiFileId: number; songId: number; songName: string } | undefined {
    const row = this.statements.firstMidiWithHash.get(sha256) as { id: number; song_id: number; song_name: string } | undefined;
    return row && { midiFileId: row.id, songId: row.song_id, songName: row.song_name };
  }

  midiKeysOfSong(songId: number): string[] {
    return (this.statements.midiKeysOfSong.all(songId) as { store_key: string }[]).map((row) => row.store_key);
  }

  /** Every store key a MIDI file row names. */
  midiKeys(): Set<string> {
    return new Set((this.statements.midiKeys.all() as { store_key: string }[]).map((row) => row.store_key));
  }

  isMidiKeyInUse(key: string): boolean {
    return (this.statements.midiKeyInUse.get(key) as { n: number }).n > 0;
  }

  /** Deletes a song's parts (their clips by cascade) and MIDI files. */
  deletePartsOfSong(songId: number): void {
    this.statements.deletePartsOfSong.run(songId);
    this.statements.deleteMidiOfSong.run(songId);
  }

  insertPart(part: NewPart, now: string): number {
    const { music } = part;
    return Number(
      this.statements.insertPart.run({
        songId: part.songId,
        midiFileId: part.midiFileId,
        trackIndex: part.trackIndex,
        name: part.name,
        program: music.program,
        channel: music.channel,
        source: part.source,
        sourceClipId: part.sourceClipId,
        sourceTakeId: part.sourceTakeId,
        settings: JSON.stringify(part.settings),
        notes: JSON.stringify(music.notes),
        bends: JSON.stringify(music.bends),
        tempoMap: JSON.stringify(music.tempoMap),
        meterMap: JSON.stringify(music.meterMap),
        noteCount: part.noteCount,
        lengthBeats: part.lengthBeats,
        now,
      }).lastInsertRowid,
    );
  }

  part(id: number): PartRow | undefined {
    const row = this.statements.part.get(id) as RawPart | undefined;
    return row && toPartRow(row);
  }

  parts(songId?: number): PartRow[] {
    const rows = songId === undefined ? this.statements.parts.all() : this.statements.partsOfSong.all(songId);
    return (rows as RawPart[]).map(toPartRow);
  }

  partCountOfSong(songId: number): number {
    return (this.statements.partCountOfSong.get(songId) as { n: number }).n;
  }

  /** A part's whole music (notes and bends parsed from their JSON), or undefined for no such part. */
  music(id: number): PartMusic | undefined {
    const part = this.part(id);
    const row = this.statements.music.get(id) as { notes: string; bends: string } | undefined;
    if (!part || !row) return undefined;
    return {
      program: part.program,
      channel: part.channel,
      notes: parseColumn(id, 'notes', row.notes, z.array(partNoteSchema)),
      bends: parseColumn(id, 'bends', row.bends, z.array(pitchBendSchema)),
      tempoMap: part.tempoMap,
      meterMap: part.meterMap,
    };
  }

  renamePart(id: number, name: string): boolean {
    return this.statements.renamePart.run(name, id).changes > 0;
  }

  /** A part's notes, bends, maps and settings replaced (a transcription redone); name, program and channel stay. */
  replaceMusic(id: number, music: PartMusic, settings: Record<string, unknown>, lengthBeats: number): boolean {
    return (
      this.statements.replaceMusic.run({
        id,
        settings: JSON.stringify(settings),
        notes: JSON.stringify(music.notes),
        bends: JSON.stringify(music.bends),
        tempoMap: JSON.stringify(music.tempoMap),
        meterMap: JSON.stringify(music.meterMap),
        noteCount: music.notes.length,
        lengthBeats,
      }).changes > 0
    );
  }

  deletePart(id: number): boolean {
    return this.statements.deletePart.run(id).changes > 0;
  }

  insertClip(partId: number, values: PartClipValues, now: string): number {
    return Number(this.statements.insertClip.run({ partId, ...values, now }).lastInsertRowid);
  }

  updateClip(id: number, values: PartClipValues, now: string): void {
    this.statements.updateClip.run({ id, ...values, now });
  }

  deleteClip(id: number): boolean {
    return this.statements.deleteClip.run(id).changes > 0;
  }

  clip(id: number): PartClipRow | undefined {
    const row = this.statements.clip.get(id) as RawClip | undefined;
    return row && toClipRow(row);
  }

  clipsOfPart(partId: number): PartClipRow[] {
    return (this.statements.clipsOfPart.all(partId) as RawClip[]).map(toClipRow);
  }

  clipsOfSong(songId: number): PartClipRow[] {
    return (this.statements.clipsOfSong.all(songId) as RawClip[]).map(toClipRow);
  }
}

function parseColumn<T>(partId: number, column: string, text: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('INTERNAL', `part ${partId}: its ${column} in the database are damaged`);
  return parsed.data;
}

function toPartRow(row: RawPart): PartRow {
  return {
    id: row.id,
    songId: row.song_id,
    midiFileId: row.midi_file_id,
    name: row.name,
    program: row.program,
    channel: row.channel,
    source: row.source,
    sourceClipId: row.source_clip_id,
    sourceTakeId: row.source_take_id,
    settings: parseColumn(row.id, 'settings', row.settings, z.record(z.string(), z.unknown())),
    noteCount: row.note_count,
    lengthBeats: row.length_beats,
    tempoMap: parseColumn(row.id, 'tempo map', row.tempo_map, z.array(tempoPointSchema).min(1)),
    meterMap: parseColumn(row.id, 'meter map', row.meter_map, z.array(meterPointSchema).min(1)),
    clipCount: row.clip_count,
    createdAt: row.created_at,
  };
}

function toClipRow(row: RawClip): PartClipRow {
  return {
    id: row.id,
    partId: row.part_id,
    songId: row.song_id,
    startBar: row.start_bar,
    lengthBars: row.length_bars,
    label: row.label,
    notes: row.notes,
    split: row.split,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
