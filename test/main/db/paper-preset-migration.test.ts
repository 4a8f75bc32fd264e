/**
 * Migration 0008 (the paper preset) on a database written before it: models made with the old
 * `studio` (the paper's recipe) become `paper`, row and stored plan, without losing their takes
 * to the table rebuild; the new name is accepted, foreign keys still cascade and are on again.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

describe('migration 0008 (paper preset)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('renames the old studio models to paper and keeps their takes', () => {
    const file = path.join(dir, 'eureka.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 7));
    const now = new Date().toISOString();
    const insertModel = old.prepare(`INSERT INTO models (name, preset, request, status, plan, created_at) VALUES (?, ?, '{}', 'done', ?, ?)`);
    insertModel.run('old studio', 'studio', JSON.stringify({ preset: 'studio', epochsPerScale: 3000, learningRate: 0.0015 }), now);
    insertModel.run('quick', 'quick', JSON.stringify({ preset: 'quick', epochsPerScale: 200 }), now);
    insertModel.run('queued studio', 'studio', null, now);
    old.prepare(
      `INSERT INTO takes (model_id, batch_id, name, mode, settings, seed, status, created_at) VALUES (1, 'b', 'Take 1', 'new', '{}', '1', 'failed', ?)`,
    ).run(now);
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      const rows = db.prepare('SELECT id, preset, plan FROM models ORDER BY id').all() as { id: number; preset: string; plan: string | null }[];
      expect(rows.map((row) => [row.id, row.preset, row.plan === null ? null : (JSON.parse(row.plan) as { preset: string }).preset])).toEqual([
        [1, 'paper', 'paper'],
        [2, 'quick', 'quick'],
        [3, 'paper', null],
      ]);
      expect(JSON.parse(rows[0]!.plan!)).toEqual({ preset: 'paper', epochsPerScale: 3000, learningRate: 0.0015 });
      expect(db.prepare('SELECT model_id FROM takes').all()).toEqual([{ model_id: 1 }]);
      const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'models' ORDER BY name").all() as { name: string }[]).map(
        (row) => row.name,
      );
      expect(indexes).toEqual(['models_by_clip', 'models_by_status']);

      // The new names are accepted, nonsense is not, and deleting a model still takes its takes.
      insertModelIn(db, 'paper', now);
      insertModelIn(db, 'studio', now);
      expect(() => insertModelIn(db, 'fancy', now)).toThrow(/CHECK constraint failed/);
      db.prepare('DELETE FROM models WHERE id = 1').run();
      expect(db.prepare('SELECT count(*) AS n FROM takes').get()).toEqual({ n: 0 });
      expect(() =>
        db.prepare(`INSERT INTO takes (model_id, batch_id, name, mode, settings, seed, status, created_at) VALUES (99, 'b', 'T', 'new', '{}', '1', 'failed', ?)`).run(now),
      ).toThrow(/FOREIGN KEY constraint failed/);
    } finally {
      db.close();
    }
  });
});

function insertModelIn(db: Database.Database, preset: string, now: string): void {
  db.prepare(`INSERT INTO models (name, preset, request, status, created_at) VALUES ('m', ?, '{}', 'queued', ?)`).run(preset, now);
}
