/**
 * Migration 0009 (musical time) on a database written before it: the songs keep their rows and
 * get the new columns — not analysed yet (tempo_source NULL, so the backfill finds them), 4/4 as
 * the default signature —, the columns refuse values no song has (and half a key or a tempo
 * without its source), and they survive the later migrations that rebuild the songs table.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { MusicalTimeRepository } from '../../../src-main/services/library/musical-time-repository.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

describe('migration 0009 (musical time)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('adds the columns to existing songs, unanalysed and in 4/4, with their checks', () => {
    const file = path.join(dir, 'eureka.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 8));
    const now = new Date().toISOString();
    old.prepare('INSERT INTO songs (name, created_at) VALUES (?, ?)').run('Before', now);
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.prepare('SELECT * FROM songs').get()).toMatchObject({
        id: 1,
        name: 'Before',
        tempo_bpm: null,
        tempo_source: null,
        beats_per_bar: 4,
        beat_unit: 4,
        time_signature_source: 'default',
        downbeat_seconds: null,
        downbeat_source: null,
        key_tonic: null,
        key_mode: null,
        key_source: null,
      });
      const times = new MusicalTimeRepository(db);
      expect(times.get(1)).toBeNull();
      expect(times.unanalysed()).toEqual([1]);

      const set = (sql: string): void => void db.prepare(`UPDATE songs SET ${sql} WHERE id = 1`).run();
      expect(() => set("tempo_bpm = 5, tempo_source = 'user'")).toThrow(/CHECK constraint failed/);
      expect(() => set('tempo_bpm = 96')).toThrow(/CHECK constraint failed/); // a tempo needs its source
      expect(() => set('beat_unit = 3')).toThrow(/CHECK constraint failed/);
      expect(() => set("key_tonic = 12, key_mode = 'minor', key_source = 'user'")).toThrow(/CHECK constraint failed/);
      expect(() => set("key_tonic = 9, key_source = 'user'")).toThrow(/CHECK constraint failed/); // half a key
      expect(() => set("tempo_bpm = 96, tempo_source = 'guessed'")).toThrow(/CHECK constraint failed/);

      expect(times.write(1, { tempo: { bpm: 96, source: 'estimated' }, downbeat: { seconds: 0.5, source: 'estimated' }, key: { name: 'A minor', source: 'estimated' } }, false)).toBe(true);
      expect(times.write(1, { tempo: { bpm: 100, source: 'user' }, timeSignature: { value: { numerator: 3, denominator: 4 }, source: 'user' } }, true)).toBe(true);
      // A later analysis leaves what the user set.
      times.write(1, { tempo: { bpm: 97, source: 'estimated' }, key: { name: 'C major', source: 'estimated' } }, false);
      expect(times.get(1)).toEqual({
        tempo: 100,
        tempoSource: 'user',
        timeSignature: { numerator: 3, denominator: 4 },
        timeSignatureSource: 'user',
        downbeatSeconds: 0.5,
        downbeatSource: 'estimated',
        key: 'C major',
        keySource: 'estimated',
      });
      expect(times.unanalysed()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
