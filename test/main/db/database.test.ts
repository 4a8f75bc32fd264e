import path from 'node:path';
import { migrate, openDatabase, type Db } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

describe('openDatabase', () => {
  let dir: string;
  let db: Db | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    db?.close();
    db = undefined;
    await removeDir(dir);
  });

  it('creates a WAL database with foreign keys and every migration applied', () => {
    db = openDatabase(path.join(dir, 'eureka.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['clips', 'files', 'songs']));
  });

  it('enforces foreign keys and clip rules in SQL as a last line of defence', () => {
    db = openDatabase(path.join(dir, 'eureka.db'));
    const now = new Date().toISOString();
    expect(() =>
      db!.prepare(`INSERT INTO clips (file_id, start_seconds, end_seconds, label, created_at, updated_at) VALUES (999, 0, 5, 'U', ?, ?)`).run(now, now),
    ).toThrow(/FOREIGN KEY/);
    const song = db.prepare('INSERT INTO songs (name, created_at) VALUES (?, ?)').run('s', now).lastInsertRowid;
    const file = db
      .prepare(`INSERT INTO files (song_id, original_name, format, sha256, size_bytes, store_key, playback_key, sample_rate, channels, frames, duration_seconds, peak_dbfs, created_at)
                VALUES (?, 'a.wav', 'wav', ?, 10, 'k', 'p', 44100, 2, 441000, 10, -1, ?)`)
      .run(song, 'a'.repeat(64), now).lastInsertRowid;
    const insertClip = db.prepare(
      `INSERT INTO clips (file_id, start_seconds, end_seconds, label, hole_start, hole_end, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    expect(() => insertClip.run(file, 5, 2, 'U', null, null, now, now)).toThrow(/CHECK/);
    expect(() => insertClip.run(file, 0, 5, 'gap', null, null, now, now)).toThrow(/CHECK/);
    expect(() => insertClip.run(file, 0, 5, 'U', 1, 2, now, now)).toThrow(/CHECK/);
    expect(() => insertClip.run(file, 0, 5, 'gap', 1, 2, now, now)).not.toThrow();
  });

  it('reopens an existing database without re-running migrations', () => {
    const file = path.join(dir, 'eureka.db');
    db = openDatabase(file);
    db.prepare('INSERT INTO songs (name, created_at) VALUES (?, ?)').run('kept', new Date().toISOString());
    db.close();
    db = openDatabase(file);
    expect(db.prepare('SELECT name FROM songs').all()).toEqual([{ name: 'kept' }]);
  });

  it('rolls back a failing migration completely, version included', () => {
    db = openDatabase(path.join(dir, 'eureka.db'));
    const before = db.pragma('user_version', { simple: true });
    const broken = [
      ...MIGRATIONS,
      { version: 99, name: 'broken', sql: 'CREATE TABLE half_done (id INTEGER); SELECT * FROM no_such_table;' },
    ];
    expect(() => migrate(db!, broken)).toThrow(/no_such_table/);
    expect(db.pragma('user_version', { simple: true })).toBe(before);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
  });

  it('refuses a database written by a newer Eureka', () => {
    const file = path.join(dir, 'eureka.db');
    db = openDatabase(file);
    db.pragma('user_version = 500');
    db.close();
    db = undefined;
    expect(() => openDatabase(file)).toThrow(/newer than this Eureka/);
  });
});
