/**
 * Migration 0010 (take render) on a database written before it: the takes keep their rows and
 * read with no render facts (null), and the new column takes JSON on ready takes only.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { TakeRepository } from '../../../src-main/services/takes/take-repository.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

describe('migration 0010 (take render)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('adds takes.render to a version-8 library, its takes reading as unknown', () => {
    const file = path.join(dir, 'eureka.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 8));
    const now = new Date().toISOString();
    old.prepare(`INSERT INTO models (name, preset, request, status, created_at) VALUES ('m', 'test', '{}', 'done', ?)`).run(now);
    const settings = JSON.stringify({ mode: 'gap', seconds: 5, extendFromRate: null });
    old.prepare(
      `INSERT INTO takes (model_id, batch_id, name, mode, settings, seed, status, sample_rate, duration, file, created_at)
       VALUES (1, 'b', 'Take 1', 'gap', ?, '1', 'ready', 16000, 5, 'takes/1/take-1.wav', ?)`,
    ).run(settings, now);
    old.prepare(`INSERT INTO takes (model_id, batch_id, name, mode, settings, seed, status, created_at) VALUES (1, 'b', 'Take 2', 'gap', ?, '2', 'failed', ?)`).run(
      settings,
      now,
    );
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      const takes = new TakeRepository(db);
      expect(takes.list().map((take) => [take.name, take.status, take.render, take.hasFile])).toEqual([
        ['Take 2', 'failed', null, false],
        ['Take 1', 'ready', null, true],
      ]);
      const render = JSON.stringify({ modelRate: 16000, channels: 1, fill: null });
      db.prepare('UPDATE takes SET render = ? WHERE id = 1').run(render);
      expect(takes.get(1).render).toEqual({ modelRate: 16000, channels: 1, fill: null });
      expect(() => db.prepare('UPDATE takes SET render = ? WHERE id = 2').run(render)).toThrow(/CHECK/); // not on a failed take
      expect(() => db.prepare("UPDATE takes SET render = '{' WHERE id = 1").run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
