/**
 * Migration 0003 (takes) on a database written before it: the upgrade keeps the models and
 * adds the takes table with its indexes.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

describe('migration 0003 (takes)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('upgrades a version-2 library without touching its models', () => {
    const file = path.join(dir, 'eureka.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 2));
    const now = new Date().toISOString();
    old.prepare(`INSERT INTO models (name, preset, request, status, created_at) VALUES ('m', 'test', '{}', 'done', ?)`).run(now);
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.prepare('SELECT id, name, status FROM models').all()).toEqual([{ id: 1, name: 'm', status: 'done' }]);
      const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'takes' ORDER BY name").all() as { name: string }[]).map(
        (row) => row.name,
      );
      expect(indexes).toEqual(['takes_by_batch', 'takes_by_clip', 'takes_by_model']);
      db.prepare(
        `INSERT INTO takes (model_id, batch_id, name, mode, settings, seed, status, created_at) VALUES (1, 'b', 'Take 1', 'new', '{}', '1', 'failed', ?)`,
      ).run(now);
      db.prepare('DELETE FROM models WHERE id = 1').run();
      expect(db.prepare('SELECT count(*) AS n FROM takes').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
