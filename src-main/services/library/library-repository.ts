/**
 * Prepared statements for songs, files and clips, and the mapping from rows to DTOs. The only
 * place SQL for the library lives outside migrations. Rows are parsed by the DTO schemas, so a
 * database edited by hand cannot smuggle malformed values into the app.
 */
import type { Db } from '../../db/database.js';
import { MusicalTimeRepository } from './musical-time-repository.js';
import {
  audioFileSchema,
  clipSchema,
  type AudioFile,
  type Clip,
  type ClipLabel,
  type ClipSplit,
} from '../../common/dto.js';

interface FileRow {
  id: number;
  song_id: number;
  original_name: string;
  format: string;
  sha256: string;
  size_bytes: number;
  store_key: string;
  playback_key: string;
  sample_rate: number;
  channels: number;
  frames: number;
  duration_seconds: number;
  peak_dbfs: number;
  loudness_lufs: number | null;
  created_at: string;
}

interface ClipRow {
  id: number;
  file_id: number;
  song_id: number;
  start_seconds: number;
  end_seconds: number;
  label: string;
  split: string;
  hole_start: number | null;
  hole_end: number | null;
  notes: string;
  created_at: string;
  updated_at: string;
}

export interface SongRow {
  id: number;
  name: string;
  created_at: string;
  clip_count: number;
}

export interface NewFile {
  songId: number;
  originalName: string;
  format: string;
  sha256: string;
  sizeBytes: number;
  storeKey: string;
  playbackKey: string;
  sampleRate: number;
  channels: number;
  frames: number;
  durationSeconds: number;
  peakDbfs: number;
  loudnessLufs: number | null;
}

export interface ClipValues {
  fileId: number;
  start: number;
  end: number;
  label: ClipLabel;
  split: ClipSplit;
  holeStart: number | null;
  holeEnd: number | null;
  notes: string;
}

/** Stored keys of a file, for the store (never sent to the renderer). */
export interface FileKeys {
  storeKey: string;
  playbackKey: string;
  originalName: string;
  sha256: string;
}

const CLIP_COLUMNS = `c.id, c.file_id, f.song_id, c.start_seconds, c.end_seconds, c.label, c.split,
  c.hole_start, c.hole_end, c.notes, c.created_at, c.updated_at`;

export class LibraryRepository {
  private readonly statements;
  /** The songs' tempo, signature, downbeat and key (migration 0009). */
  readonly musicalTimes: MusicalTimeRepository;

  constructor(private readonly db: Db) {
    this.musicalTimes = new MusicalTimeRepository(db);
    this.statements = {
      insertSong: db.prepare('INSERT INTO songs (name, created_at) VALUES (?, ?)'),
      renameSong: db.prepare('UPDATE songs SET name = ? WHERE id = ?'),
      // Its files and their clips go by cascade (migration 0001).
      deleteSong: db.prepare('DELETE FROM songs WHERE id = ?'),
      songs: db.prepare(`SELECT s.id, s.name, s.created_at,
          (SELECT count(*) FROM clips c JOIN files f ON f.id = c.file_id WHERE f.song_id = s.id) AS clip_count
        FROM songs s ORDER BY s.created_at DESC, s.id DESC`),
      song: db.prepare(`SELECT s.id, s.name, s.created_at,
          (SELECT count(*) FROM clips c JOIN files f ON f.id = c.file_id WHERE f.song_id = s.id) AS clip_count
        FROM songs s WHERE s.id = ?`),
      insertFile: db.prepare(`INSERT INTO files (song_id, original_name, format, sha256, size_bytes,
          store_key, playback_key, sample_rate, channels, frames, duration_seconds, peak_dbfs,
          loudness_lufs, created_at)
        VALUES (@songId, @originalName, @format, @sha256, @sizeBytes, @storeKey, @playbackKey,
          @sampleRate, @channels, @frames, @durationSeconds, @peakDbfs, @loudnessLufs, @createdAt)`),
      file: db.prepare('SELECT * FROM files WHERE id = ?'),
      filesOfSong: db.prepare('SELECT * FROM files WHERE song_id = ? ORDER BY created_at, id'),
      allFiles: db.prepare('SELECT * FROM files ORDER BY song_id, created_at, id'),
      latestFileOfSong: db.prepare(
        'SELECT * FROM files WHERE song_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
      ),
      fileKeysInUse: db.prepare('SELECT count(*) AS n FROM files WHERE store_key = ?'),
      storedKeys: db.prepare('SELECT store_key, playback_key FROM files'),
      storedHashes: db.prepare('SELECT DISTINCT sha256 FROM files'),
      firstWithHash: db.prepare(`SELECT f.id AS file_id, f.song_id, s.name AS song_name FROM files f
        JOIN songs s ON s.id = f.song_id WHERE f.sha256 = ? ORDER BY f.id LIMIT 1`),
      insertClip: db.prepare(`INSERT INTO clips (file_id, start_seconds, end_seconds, label, split,
          hole_start, hole_end, notes, created_at, updated_at)
        VALUES (@fileId, @start, @end, @label, @split, @holeStart, @holeEnd, @notes, @now, @now)`),
      updateClip: db.prepare(`UPDATE clips SET start_seconds = @start, end_seconds = @end,
          label = @label, split = @split, hole_start = @holeStart, hole_end = @holeEnd,
          notes = @notes, updated_at = @now WHERE id = @id`),
      deleteClip: db.prepare('DELETE FROM clips WHERE id = ?'),
      clip: db.prepare(`SELECT ${CLIP_COLUMNS} FROM clips c JOIN files f ON f.id = c.file_id WHERE c.id = ?`),
      clips: db.prepare(
        `SELECT ${CLIP_COLUMNS} FROM clips c JOIN files f ON f.id = c.file_id ORDER BY f.song_id, c.start_seconds, c.id`,
      ),
      clipsOfSong: db.prepare(
        `SELECT ${CLIP_COLUMNS} FROM clips c JOIN files f ON f.id = c.file_id WHERE f.song_id = ? ORDER BY c.start_seconds, c.id`,
      ),
    };
  }

  /**
   * Runs `work` in one transaction: all of it lands, or none. It takes the database's write lock
   * from its start (BEGIN IMMEDIATE), so two processes sharing the data folder run theirs one
   * after the other: what one sees of the store cannot change under it (LibraryService).
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** Every store key a file row names (originals and playback copies). */
  storedKeys(): Set<string> {
    const keys = new Set<string>();
    for (const row of this.statements.storedKeys.all() as { store_key: string; playback_key: string }[]) {
      keys.add(row.store_key);
      keys.add(row.playback_key);
    }
    return keys;
  }

  /** The SHA-256 of every file row: what the store's derived audio may be made from. */
  storedHashes(): Set<string> {
    return new Set((this.statements.storedHashes.all() as { sha256: string }[]).map((row) => row.sha256));
  }

  /** The first imported file with these bytes (by SHA-256), and its song; undefined when none has them. */
  firstWithHash(sha256: string): { fileId: number; songId: number; songName: string } | undefined {
    const row = this.statements.firstWithHash.get(sha256) as { file_id: number; song_id: number; song_name: string } | undefined;
    return row && { fileId: row.file_id, songId: row.song_id, songName: row.song_name };
  }

  insertSong(name: string, now: string): number {
    return Number(this.statements.insertSong.run(name, now).lastInsertRowid);
  }

  renameSong(id: number, name: string): boolean {
    return this.statements.renameSong.run(name, id).changes > 0;
  }

  deleteSong(id: number): boolean {
    return this.statements.deleteSong.run(id).changes > 0;
  }

  songs(): SongRow[] {
    return this.statements.songs.all() as SongRow[];
  }

  song(id: number): SongRow | undefined {
    return this.statements.song.get(id) as SongRow | undefined;
  }

  insertFile(file: NewFile, now: string): number {
    return Number(this.statements.insertFile.run({ ...file, createdAt: now }).lastInsertRowid);
  }

  file(id: number): AudioFile | undefined {
    const row = this.statements.file.get(id) as FileRow | undefined;
    return row && toAudioFile(row);
  }

  fileKeys(id: number): FileKeys | undefined {
    const row = this.statements.file.get(id) as FileRow | undefined;
    return (
      row && {
        storeKey: row.store_key,
        playbackKey: row.playback_key,
        originalName: row.original_name,
        sha256: row.sha256,
      }
    );
  }

  filesOfSong(songId: number): AudioFile[] {
    return (this.statements.filesOfSong.all(songId) as FileRow[]).map(toAudioFile);
  }

  /** Every file, grouped by song id (one query for the song list). */
  filesBySong(): Map<number, AudioFile[]> {
    const grouped = new Map<number, AudioFile[]>();
    for (const row of this.statements.allFiles.all() as FileRow[]) {
      const list = grouped.get(row.song_id) ?? [];
      list.push(toAudioFile(row));
      grouped.set(row.song_id, list);
    }
    return grouped;
  }

  latestFileOfSong(songId: number): AudioFile | undefined {
    const row = this.statements.latestFileOfSong.get(songId) as FileRow | undefined;
    return row && toAudioFile(row);
  }

  isStoreKeyInUse(storeKey: string): boolean {
    return (this.statements.fileKeysInUse.get(storeKey) as { n: number }).n > 0;
  }

  insertClip(values: ClipValues, now: string): number {
    return Number(this.statements.insertClip.run({ ...values, now }).lastInsertRowid);
  }

  updateClip(id: number, values: Omit<ClipValues, 'fileId'>, now: string): void {
    this.statements.updateClip.run({ ...values, id, now });
  }

  deleteClip(id: number): boolean {
    return this.statements.deleteClip.run(id).changes > 0;
  }

  clip(id: number): Clip | undefined {
    const row = this.statements.clip.get(id) as ClipRow | undefined;
    return row && toClip(row);
  }

  clips(songId?: number): Clip[] {
    const rows = songId === undefined ? this.statements.clips.all() : this.statements.clipsOfSong.all(songId);
    return (rows as ClipRow[]).map(toClip);
  }
}

function toAudioFile(row: FileRow): AudioFile {
  return audioFileSchema.parse({
    id: row.id,
    songId: row.song_id,
    originalName: row.original_name,
    format: row.format,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    sampleRate: row.sample_rate,
    channels: row.channels,
    frames: row.frames,
    durationSeconds: row.duration_seconds,
    peakDbfs: row.peak_dbfs,
    loudnessLufs: row.loudness_lufs,
    createdAt: row.created_at,
  });
}

function toClip(row: ClipRow): Clip {
  return clipSchema.parse({
    id: row.id,
    songId: row.song_id,
    fileId: row.file_id,
    start: row.start_seconds,
    end: row.end_seconds,
    label: row.label,
    split: row.split,
    holeStart: row.hole_start,
    holeEnd: row.hole_end,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
