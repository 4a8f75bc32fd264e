/**
 * Migration 0014 (MIDI items in listening sessions) on a database written before it: a stored
 * session's answer key comes through unchanged, with its ABX X, and its rules hold as before
 * (items fixed, an X naming a stimulus stored before it); a generated item may now name a MIDI
 * take instead of a take, never both and never neither, and a real item names neither.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

const FILE = (n: number): string => `${String(n).padStart(32, '0')}.wav`;
const ITEM_COLUMNS = `session_id, idx, origin, expected, take_id, clip_id, model_id, song_id, source_file_id, source_start, file, loudness, true_peak, x_of`;

describe('migration 0014 (MIDI rating items)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('keeps a version-13 session and its rules, and takes MIDI items', () => {
    const file = path.join(dir, 'eureka.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 13));
    const now = new Date().toISOString();
    old.prepare(
      `INSERT INTO rating_sessions (name, format, item_seconds, sample_rate, file_rate, target_lufs, catch_trials, seed, draft, created_at)
       VALUES ('old', 'abx', 10, 16000, 16000, -23, 0, '1', '{}', ?)`,
    ).run(now);
    const insertOld = old.prepare(`INSERT INTO session_items (${ITEM_COLUMNS}) VALUES (1, ?, ?, ?, ?, 7, ?, 1, ?, 0, ?, -23, -3, ?)`);
    insertOld.run(0, 'generated', 'fake', 100, 3, null, FILE(0), null);
    insertOld.run(1, 'real', 'real', null, null, 5, FILE(1), null);
    insertOld.run(2, 'generated', 'fake', 100, 3, null, FILE(2), 0);
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT idx, origin, take_id, source_file_id, x_of, phrase_take_id, phrase FROM session_items ORDER BY idx').all()).toEqual([
      { idx: 0, origin: 'generated', take_id: 100, source_file_id: null, x_of: null, phrase_take_id: null, phrase: null },
      { idx: 1, origin: 'real', take_id: null, source_file_id: 5, x_of: null, phrase_take_id: null, phrase: null },
      { idx: 2, origin: 'generated', take_id: 100, source_file_id: null, x_of: 0, phrase_take_id: null, phrase: null },
    ]);
    // The rules of 0005 and 0007 came along.
    expect(() => db.prepare('UPDATE session_items SET loudness = -20 WHERE idx = 0').run()).toThrow('cannot change');
    expect(() => db.prepare('DELETE FROM session_items WHERE idx = 0').run()).toThrow('cannot be deleted');
    const insert = db.prepare(
      `INSERT INTO session_items (session_id, idx, origin, expected, take_id, phrase_take_id, phrase_model_id, phrase, source_start, file, loudness, true_peak, x_of)
       VALUES (1, @idx, @origin, @expected, @takeId, @phraseTakeId, @phraseModelId, @phrase, 0, @file, -23, -3, @xOf)`,
    );
    const item = { origin: 'generated', expected: 'fake', takeId: null, phraseTakeId: 12, phraseModelId: 2, phrase: null, xOf: null };
    expect(() => insert.run({ ...item, idx: 3, file: FILE(3), xOf: 9 })).toThrow('an X rendering must name a stimulus');
    insert.run({ ...item, idx: 3, file: FILE(3) });
    insert.run({ ...item, idx: 4, origin: 'real', expected: 'real', phraseTakeId: null, phraseModelId: null, phrase: '{"kind":"held-out","modelId":2,"source":"p","startBar":5,"bars":4}', file: FILE(4) });
    // A generated item names a take or a MIDI take: not neither, not both; a real one names neither.
    expect(() => insert.run({ ...item, idx: 5, phraseTakeId: null, file: FILE(5) })).toThrow(/CHECK/);
    expect(() => insert.run({ ...item, idx: 5, takeId: 100, file: FILE(5) })).toThrow(/CHECK/);
    expect(() => insert.run({ ...item, idx: 5, origin: 'real', expected: 'real', file: FILE(5) })).toThrow(/CHECK/);
    expect(() => insert.run({ ...item, idx: 5, phrase: 'not json', file: FILE(5) })).toThrow(/CHECK/);
    // Once it has raters, its items are fixed.
    db.prepare(`INSERT INTO raters (session_id, name, trial_order, tokens, access_key) VALUES (1, 'Ana', '[[0]]', '[["${'a'.repeat(32)}"]]', ?)`).run('b'.repeat(64));
    expect(() => insert.run({ ...item, idx: 5, file: FILE(5) })).toThrow('fixed once it has raters');
    db.close();
  });
});
