/**
 * Rating storage (migrations 0005 to 0007 through RatingRepository) on a real SQLite file: a
 * session with its items (an ABX X naming the stimulus it renders), raters and tokens is stored
 * in one go and its files moved into place; tokens resolve to files; answers are append-only;
 * and the database itself — whoever writes to it — refuses to change items, orders, tokens or
 * answers, to add items once raters exist, to take answers after submit, an X naming no
 * stimulus before it, and to delete anything outside deleteSession.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase, type Db } from '../../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../../src-main/db/migrations/index.js';
import { RatingRepository, type NewRater, type SessionSettings, type StoredItem } from '../../../../src-main/services/rating/rating-repository.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { openTestLibrary } from '../../../helpers/library.js';

let dir: string;
let db: Db;
let repo: RatingRepository;

const hex = (): string => randomBytes(16).toString('hex');
const SETTINGS: SessionSettings = {
  name: 'Band night',
  format: 'single',
  itemSeconds: 5,
  sampleRate: 8000,
  fileRate: 16_000,
  targetLufs: -23,
  catchTrials: false,
  seed: '42',
  draft: { name: 'Band night', generatedCount: 1, realCount: 1, raters: ['Ann', 'Bo'] },
};
const ANSWER = { kind: 'single', judgedReal: true, ease: null, musicality: 7, inspiring: 'yes', comment: '' } as const;

/** Two item files in a fresh staging folder, and the items naming them. */
async function stagedItems(): Promise<StoredItem[]> {
  const staging = path.join(dir, 'rating', `.building-${hex().slice(0, 8)}`);
  await mkdir(staging, { recursive: true });
  const base = { catchKind: null, repeatOf: null, xOf: null, phraseTakeId: null, phraseModelId: null, phrase: null, clipId: 3, songId: 1, sourceStart: 1.5, loudnessLufs: -23.01, truePeakDbtp: -4.2 } as const;
  const generated: StoredItem = {
    ...base,
    index: 0,
    origin: 'generated',
    expected: 'fake',
    takeId: 7,
    modelId: 2,
    preset: 'quick',
    epochs: 200,
    mode: 'new',
    lengthSeconds: 30,
    sourceFileId: null,
    file: path.join(staging, `${hex()}.wav`),
  };
  const real: StoredItem = { ...base, index: 1, origin: 'real', expected: 'real', takeId: null, modelId: null, preset: null, epochs: null, mode: null, lengthSeconds: null, sourceFileId: 4, file: path.join(staging, `${hex()}.wav`) };
  await writeFile(generated.file, 'generated audio');
  await writeFile(real.file, 'real audio');
  return [generated, real];
}

function raters(): NewRater[] {
  return [
    { name: 'Ann', order: [[1], [0]], tokens: [[hex()], [hex()]] },
    { name: 'Bo', order: [[0], [1]], tokens: [[hex()], [hex()]] },
  ];
}

async function createSession(): Promise<{ id: number; raters: NewRater[] }> {
  const people = raters();
  return { id: repo.createSession(SETTINGS, await stagedItems(), people), raters: people };
}

beforeEach(async () => {
  dir = await makeTempDir();
  db = openDatabase(path.join(dir, 'eureka.db'));
  repo = new RatingRepository(db, dir);
});

afterEach(async () => {
  db.close();
  await removeDir(dir);
});

describe('RatingRepository', () => {
  it('stores a session with its key, raters and tokens, and moves its files to data/rating/<id>', async () => {
    const { id, raters: people } = await createSession();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(repo.session(id)).toMatchObject({ ...SETTINGS, id, status: 'open', itemCount: 2 });
    expect(repo.sessions().map((s) => s.id)).toEqual([id]);
    const items = repo.items(id);
    expect(items.map((item) => [item.index, item.origin, item.takeId, item.sourceFileId])).toEqual([
      [0, 'generated', 7, null],
      [1, 'real', null, 4],
    ]);
    for (const item of items) expect(path.dirname(item.file)).toBe(path.join(dir, 'rating', String(id)));
    expect((await readdir(path.join(dir, 'rating'))).sort()).toEqual([String(id)]); // the staging folder is gone
    const stored = repo.raters(id);
    expect(stored.map((r) => [r.name, r.order, r.tokens, r.final, r.submittedAt])).toEqual(people.map((r) => [r.name, r.order, r.tokens, null, null]));
    expect(repo.rater(stored[0]!.id)?.name).toBe('Ann');
    // Ann's first token is item 1 (real), Bo's first is item 0.
    expect(repo.audioFile(people[0]!.tokens[0]![0]!)).toBe(items[1]!.file);
    expect(repo.audioFile(people[1]!.tokens[0]![0]!)).toBe(items[0]!.file);
    expect(repo.audioFile(hex())).toBeNull();
    expect(repo.audioFile('../../eureka.db')).toBeNull();
    // Each rater's link key is their own; each audio token names the rater it was dealt to.
    expect(stored.map((r) => r.accessKey)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(stored[0]!.accessKey).not.toBe(stored[1]!.accessKey);
    expect(people.map((r) => r.tokens.flat().map((token) => repo.audioOwner(token)))).toEqual(stored.map((r) => [r.id, r.id]));
    expect(repo.audioOwner(hex())).toBeNull();
  });

  it('gives the raters of sessions stored before link keys existed a key each (migration 0006)', () => {
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 5));
    old.prepare(
      `INSERT INTO rating_sessions (name, format, item_seconds, sample_rate, file_rate, target_lufs, catch_trials, seed, draft, created_at)
       VALUES ('old', 'single', 5, 8000, 8000, -23, 0, '1', '{}', 't')`,
    ).run();
    for (const name of ['Ann', 'Bo']) old.prepare(`INSERT INTO raters (session_id, name, trial_order, tokens) VALUES (1, ?, '[[0]]', ?)`).run(name, JSON.stringify([[hex()]]));
    old.close();
    const upgraded = openDatabase(file);
    try {
      const keys = (upgraded.prepare('SELECT access_key FROM raters ORDER BY id').all() as { access_key: string }[]).map((row) => row.access_key);
      expect(keys).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
      expect(keys[0]).not.toBe(keys[1]);
    } finally {
      upgraded.close();
    }
  });

  it('keeps the first answer to a position, in order of positions, and nothing after submit', async () => {
    const { id } = await createSession();
    const ann = repo.raters(id)[0]!;
    repo.appendAnswer(ann.id, 2, ANSWER, '2025-01-01T00:00:00.000Z');
    expect(() => repo.appendAnswer(ann.id, 2, { ...ANSWER, musicality: 1 }, '2025-01-01T00:00:01.000Z')).toThrow(/item 2 is answered already/);
    expect(() => repo.appendAnswer(ann.id, 3, ANSWER, 'x')).toThrow(/there is no item 3/);
    expect(() => repo.appendAnswer(ann.id, 0, ANSWER, 'x')).toThrow(/there is no item 0/);
    repo.appendAnswer(ann.id, 1, { kind: 'single', judgedReal: false, ease: 'easy', musicality: 2, inspiring: 'no', comment: 'thin' }, 't1');
    expect(repo.answers(ann.id).map((a) => [a.position, a.answer.kind === 'single' && a.answer.musicality, a.answeredAt])).toEqual([
      [1, 2, 't1'],
      [2, 7, '2025-01-01T00:00:00.000Z'],
    ]);
    repo.saveFinal(ann.id, { helpsFinishSongs: 'maybe', reachedNewPlaces: 'yes', whatWouldYouNeed: 'stems' });
    repo.saveFinal(ann.id, { helpsFinishSongs: 'yes', reachedNewPlaces: 'yes', whatWouldYouNeed: 'stems' });
    repo.submit(ann.id, '2025-01-02T00:00:00.000Z');
    expect(repo.rater(ann.id)).toMatchObject({ submittedAt: '2025-01-02T00:00:00.000Z', final: { helpsFinishSongs: 'yes' } });
    expect(() => repo.submit(ann.id)).toThrow(/submitted; answers are final/);
    expect(() => repo.saveFinal(ann.id, { helpsFinishSongs: 'no', reachedNewPlaces: 'no', whatWouldYouNeed: '' })).toThrow(/submitted/);
    const bo = repo.raters(id)[1]!;
    repo.appendAnswer(bo.id, 1, ANSWER, 't'); // the other rater is unaffected
    expect(repo.answers(bo.id)).toHaveLength(1);
    repo.setStatus(id, 'closed');
    expect(repo.session(id)?.status).toBe('closed');
  });

  it('stores which stimulus an ABX X renders, and refuses an X naming no stimulus stored before it (migration 0007)', async () => {
    const withX = async (xOf: number): Promise<StoredItem[]> => {
      const items = await stagedItems();
      const file = path.join(path.dirname(items[0]!.file), `${hex()}.wav`);
      await writeFile(file, 'X audio');
      return [...items, { ...items[0]!, index: 2, xOf, file }];
    };
    const abx = { ...SETTINGS, format: 'abx' as const };
    const order = (): NewRater[] => [{ name: 'Ann', order: [[0, 1, 2]], tokens: [[hex(), hex(), hex()]] }];
    const id = repo.createSession(abx, await withX(0), order());
    expect(repo.items(id).map((item) => item.xOf)).toEqual([null, null, 0]);
    expect(repo.items(id)[2]).toMatchObject({ origin: 'generated', takeId: 7 });
    for (const xOf of [2, 9]) {
      await expect(withX(xOf).then((items) => repo.createSession(abx, items, order()))).rejects.toThrow(/an X rendering must name a stimulus/);
    }
    expect(repo.sessions().map((session) => session.id)).toEqual([id]);
  });

  it('refuses two raters of the same name, in any case', async () => {
    const people = raters();
    people[1]!.name = 'ANN';
    await expect(stagedItems().then((items) => repo.createSession(SETTINGS, items, people))).rejects.toThrow(/same name/);
    expect(repo.sessions()).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM session_items').get()).toEqual({ n: 0 });
  });

  it('enforces immutability in the database itself, whoever writes', async () => {
    const { id } = await createSession();
    const [ann, bo] = repo.raters(id);
    repo.appendAnswer(ann!.id, 1, ANSWER, 't');
    // A constraint or trigger refusal, not a mistyped statement.
    const refused = (sql: string, ...params: unknown[]): void => {
      let code = 'ran';
      try {
        db.prepare(sql).run(...params);
      } catch (error) {
        code = (error as { code?: string }).code ?? String(error);
      }
      expect([sql, code]).toEqual([sql, expect.stringMatching(/^SQLITE_CONSTRAINT/)]);
    };
    refused(`UPDATE session_items SET origin = 'real' WHERE session_id = ?`, id);
    refused(`UPDATE session_items SET take_id = 8 WHERE session_id = ?`, id);
    refused('DELETE FROM session_items WHERE session_id = ?', id);
    refused(
      `INSERT INTO session_items (session_id, idx, origin, expected, take_id, source_start, file, loudness, true_peak)
       VALUES (?, 5, 'generated', 'fake', 9, 0, ?, -23, -3)`,
      id,
      `${hex()}.wav`,
    );
    refused('UPDATE raters SET trial_order = ? WHERE id = ?', '[[0],[1]]', ann!.id);
    refused('UPDATE raters SET tokens = ? WHERE id = ?', JSON.stringify([[hex()], [hex()]]), ann!.id);
    refused('DELETE FROM raters WHERE id = ?', bo!.id);
    refused('UPDATE raters SET access_key = ? WHERE id = ?', randomBytes(32).toString('hex'), ann!.id);
    refused('UPDATE raters SET access_key = ? WHERE id = ?', bo!.accessKey, ann!.id);
    refused(`INSERT INTO raters (session_id, name, trial_order, tokens) VALUES (?, 'Cy', '[[0]]', ?)`, id, JSON.stringify([[hex()]]));
    refused('UPDATE item_tokens SET item_idx = 0 WHERE rater_id = ?', ann!.id);
    refused('DELETE FROM item_tokens WHERE rater_id = ?', ann!.id);
    refused('UPDATE ratings SET answer = ? WHERE rater_id = ?', '{}', ann!.id);
    refused('DELETE FROM ratings WHERE rater_id = ?', ann!.id);
    refused('INSERT INTO ratings (rater_id, position, answer, answered_at) VALUES (?, 1, ?, ?)', ann!.id, '{}', 't'); // answered already
    refused('INSERT INTO ratings (rater_id, position, answer, answered_at) VALUES (?, 3, ?, ?)', ann!.id, '{}', 't'); // beyond the order
    refused(`UPDATE rating_sessions SET seed = '1' WHERE id = ?`, id);
    refused(`UPDATE rating_sessions SET format = '2afc' WHERE id = ?`, id);
    refused('DELETE FROM rating_sessions WHERE id = ?', id);
    db.prepare('UPDATE raters SET submitted_at = ? WHERE id = ?').run('t', ann!.id);
    refused('INSERT INTO ratings (rater_id, position, answer, answered_at) VALUES (?, 2, ?, ?)', ann!.id, '{}', 't');
    refused('UPDATE raters SET submitted_at = NULL WHERE id = ?', ann!.id);
    refused('UPDATE raters SET final = ? WHERE id = ?', '{}', ann!.id);
    // Nothing moved.
    expect(repo.items(id).map((item) => item.origin)).toEqual(['generated', 'real']);
    expect(repo.answers(ann!.id)).toHaveLength(1);
    expect(repo.raters(id)).toHaveLength(2);
  });

  it('deletes a whole session, rows and files, only through deleteSession', async () => {
    const { id, raters: people } = await createSession();
    const other = await createSession();
    repo.appendAnswer(repo.raters(id)[0]!.id, 1, ANSWER, 't');
    const folder = repo.sessionDir(id);
    expect(existsSync(folder)).toBe(true);
    await repo.deleteSession(id);
    expect(repo.session(id)).toBeNull();
    expect(repo.items(id)).toEqual([]);
    expect(repo.raters(id)).toEqual([]);
    expect(repo.audioFile(people[0]!.tokens[0]![0]!)).toBeNull();
    expect(existsSync(folder)).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM ratings').get()).toEqual({ n: 0 });
    expect(repo.items(other.id)).toHaveLength(2);
    expect(repo.audioFile(other.raters[0]!.tokens[1]![0]!)).toBe(repo.items(other.id)[0]!.file);
  });

  it("is the core's: its media route serves a rating token as the item file and nothing else", async () => {
    const test = await openTestLibrary();
    try {
      const core = test.core;
      const staging = path.join(core.dataDir, 'rating', '.building-test');
      await mkdir(staging, { recursive: true });
      const items = (await stagedItems()).map((item) => ({ ...item, file: path.join(staging, path.basename(item.file)) }));
      for (const item of items) await writeFile(item.file, `audio of ${item.origin}`);
      const people = raters();
      const id = core.ratingRepository.createSession(SETTINGS, items, people);
      const file = core.mediaFile({ kind: 'rating', token: people[0]!.tokens[0]![0]! });
      expect(file).toBe(path.join(core.dataDir, 'rating', String(id), path.basename(items[1]!.file)));
      expect(() => core.mediaFile({ kind: 'rating', token: hex() })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    } finally {
      await test.close();
    }
  });
});
