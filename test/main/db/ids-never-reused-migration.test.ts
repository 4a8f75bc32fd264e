/**
 * Migration 0011 (ids never reused) on a database written before it: every song, file, clip,
 * model and take keeps its id and values through the table rebuilds, indexes come back, the
 * foreign keys still cascade and are on again; and afterwards deleting the newest row never
 * hands its id to the next one (it did before: SQLite's default is the largest id plus one).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

const TABLES = ['songs', 'files', 'clips', 'models', 'takes'];
const NOW = '2025-01-01T00:00:00.000Z';
const SHA = 'ab'.repeat(32);

function insertSong(db: Database.Database, name: string): number {
  return Number(db.prepare('INSERT INTO songs (name, created_at) VALUES (?, ?)').run(name, NOW).lastInsertRowid);
}

function fillLibrary(db: Database.Database): void {
  for (const name of ['One', 'Two', 'Three']) {
    const songId = insertSong(db, name);
    const fileId = Number(
      db
        .prepare(
          `INSERT INTO files (song_id, original_name, format, sha256, size_bytes, store_key, playback_key, sample_rate,
             channels, frames, duration_seconds, peak_dbfs, loudness_lufs, created_at)
           VALUES (?, ?, 'wav', ?, 100, ?, ?, 16000, 1, 16000, 1, -6, -20, ?)`,
        )
        .run(songId, `${name}.wav`, SHA, `files/ab/${SHA}.wav`, `playback/ab/${SHA}.wav`, NOW).lastInsertRowid,
    );
    const clipId = Number(
      db
        .prepare(`INSERT INTO clips (file_id, start_seconds, end_seconds, label, created_at, updated_at) VALUES (?, 0, 1, 'U', ?, ?)`)
        .run(fileId, NOW, NOW).lastInsertRowid,
    );
    const modelId = Number(
      db
        .prepare(`INSERT INTO models (clip_id, song_id, name, preset, request, status, created_at) VALUES (?, ?, ?, 'test', '{}', 'done', ?)`)
        .run(clipId, songId, name, NOW).lastInsertRowid,
    );
    db.prepare(
      `INSERT INTO takes (model_id, clip_id, song_id, batch_id, name, mode, settings, seed, status, created_at)
       VALUES (?, ?, ?, 'b', 'Take 1', 'new', '{}', '1', 'failed', ?)`,
    ).run(modelId, clipId, songId, NOW);
  }
}

function dump(db: Database.Database): Record<string, unknown[]> {
  return Object.fromEntries(TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY id`).all()]));
}

/** The indexes of the tables that `tables` names (every table by default: later migrations add their own). */
function indexesOf(db: Database.Database, tables?: readonly string[]): string[] {
  return (
    db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string; tbl_name: string }[]
  )
    .filter((row) => tables === undefined || tables.includes(row.tbl_name))
    .map((row) => row.name);
}

function tablesOf(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
}

describe('migration 0011 (ids never reused)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('keeps every row and index of an older library, and its references', () => {
    const file = path.join(dir, 'eureka.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version < 11));
    fillLibrary(old);
    // Before: the newest song deleted, the next one gets its number back.
    old.prepare('DELETE FROM songs WHERE id = 3').run();
    expect(insertSong(old, 'Reused')).toBe(3);
    old.prepare('DELETE FROM songs WHERE id = 3').run();
    const before = dump(old);
    const indexesBefore = indexesOf(old);
    const tablesBefore = tablesOf(old);
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('legacy_alter_table', { simple: true })).toBe(0);
      expect(dump(db)).toEqual(before);
      expect(indexesOf(db, tablesBefore)).toEqual(indexesBefore);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      // The three songs' rows are 1 and 2 (3 was deleted before), their files, clips, models, takes 1..3.
      expect(before['songs']!.map((row) => (row as { id: number }).id)).toEqual([1, 2]);

      // Deleting a song still cascades to its files and clips, and its models lose the clip.
      db.prepare('DELETE FROM songs WHERE id = 2').run();
      expect(db.prepare('SELECT id FROM files ORDER BY id').all()).toEqual([{ id: 1 }]);
      expect(db.prepare('SELECT id FROM clips ORDER BY id').all()).toEqual([{ id: 1 }]);
      expect(db.prepare('SELECT clip_id, song_id FROM models WHERE id = 2').get()).toEqual({ clip_id: null, song_id: null });
      db.prepare('DELETE FROM models WHERE id = 3').run();
      expect(db.prepare('SELECT model_id FROM takes ORDER BY id').all()).toEqual([{ model_id: 1 }, { model_id: 2 }]);

      // The newest ids are not given out again: 2 (song), 3 (model and take) were the largest.
      expect(insertSong(db, 'New')).toBe(3);
      db.prepare('DELETE FROM songs WHERE id = 3').run();
      expect(insertSong(db, 'Newer')).toBe(4);
      const model = db
        .prepare(`INSERT INTO models (clip_id, song_id, name, preset, request, status, created_at) VALUES (1, 1, 'm', 'test', '{}', 'done', ?)`)
        .run(NOW);
      expect(Number(model.lastInsertRowid)).toBe(4);
    } finally {
      db.close();
    }
  });

  it('gives a new library tables that never reuse an id', () => {
    const db = openDatabase(path.join(dir, 'eureka.db'));
    try {
      for (const table of TABLES) {
        const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string };
        expect(sql).toMatch(/\bid\s+INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b/);
      }
      const first = insertSong(db, 'A');
      db.prepare('DELETE FROM songs WHERE id = ?').run(first);
      expect(insertSong(db, 'B')).toBe(first + 1);
    } finally {
      db.close();
    }
  });
});
