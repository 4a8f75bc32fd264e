/**
 * The takes table (migration 0003) through TakeRepository, on a real SQLite file: batches and
 * their names, guarded status changes, verdicts, file bookkeeping, orphans of dead processes,
 * what the foreign keys do when a model or clip goes, what a take's file is (its render facts,
 * migration 0010), and a reconstruction made once per model and checkpoint.
 */
import path from 'node:path';
import type { TakeRender } from '../../../../src-main/common/take-render.js';
import { openDatabase, type Db } from '../../../../src-main/db/database.js';
import { ModelRepository } from '../../../../src-main/services/training/model-repository.js';
import { TakeRepository } from '../../../../src-main/services/takes/take-repository.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

let dir: string;
let db: Db;
let takes: TakeRepository;
let models: ModelRepository;
let clipId: number;
let songId: number;

const NEW_30 = { mode: 'new', seconds: 30, extendFromRate: null } as const;
const CHECKPOINT = { scales: 4, configHash: '0123456789abcdef' };
const READY = { sampleRate: 16_000, durationSeconds: 30, loudnessLufs: -14.2, sourceLoudnessLufs: -14.1, executionProvider: 'cpu', generateSeconds: 1.5 } as const;

function addModel(): number {
  return models.insert({
    clipId,
    songId,
    name: 'm',
    preset: 'test',
    request: { budgetSeconds: null, device: 'cpu', deviceReason: 'test', seed: '1', mode: null },
  });
}

beforeEach(async () => {
  dir = await makeTempDir();
  db = openDatabase(path.join(dir, 'eureka.db'));
  takes = new TakeRepository(db);
  models = new ModelRepository(db);
  const now = new Date().toISOString();
  songId = Number(db.prepare('INSERT INTO songs (name, created_at) VALUES (?, ?)').run('s', now).lastInsertRowid);
  const fileId = db
    .prepare(`INSERT INTO files (song_id, original_name, format, sha256, size_bytes, store_key, playback_key, sample_rate, channels, frames, duration_seconds, peak_dbfs, created_at)
              VALUES (?, 'a.wav', 'wav', ?, 10, 'k', 'p', 44100, 2, 441000, 10, -1, ?)`)
    .run(songId, 'a'.repeat(64), now).lastInsertRowid;
  clipId = Number(
    db.prepare(`INSERT INTO clips (file_id, start_seconds, end_seconds, label, created_at, updated_at) VALUES (?, 0, 5, 'U', ?, ?)`).run(fileId, now, now)
      .lastInsertRowid,
  );
});

afterEach(async () => {
  db.close();
  await removeDir(dir);
});

describe('TakeRepository', () => {
  it('queues a batch in seed order, named on from the model’s count, newest first in lists', () => {
    const modelId = addModel();
    const first = takes.insertBatch({ modelId, clipId, songId, batchId: 'b1', settings: NEW_30, seeds: ['7', '8'], ownerPid: 4242 });
    const second = takes.insertBatch({ modelId, clipId, songId, batchId: 'b2', settings: NEW_30, seeds: ['18446744073709551615'], ownerPid: 4242 });
    expect(takes.batch('b1').map((t) => [t.id, t.name, t.seed, t.status])).toEqual([
      [first[0], 'Take 1', '7', 'queued'],
      [first[1], 'Take 2', '8', 'queued'],
    ]);
    const take = takes.get(second[0]!);
    expect(take).toMatchObject({ name: 'Take 3', seed: '18446744073709551615', settings: NEW_30, modelId, clipId, songId, batchId: 'b2' });
    expect(take).toMatchObject({ verdict: 'undecided', starred: false, hasFile: false, checkpoint: null, finishedAt: null });
    expect(takes.list({ modelId }).map((t) => t.id)).toEqual([second[0], first[1], first[0]]);
    expect(takes.list({ clipId }).length).toBe(3);
    expect(takes.list({ clipId: clipId + 1 })).toEqual([]);
    expect(takes.unfinished('b1')).toEqual(first.map((id) => ({ id, ownerPid: 4242 })));
    expect(() => takes.get(999)).toThrow(/there is no take 999/);
  });

  it('moves a take queued → generating → ready only from the status it expects', () => {
    const [id] = takes.insertBatch({ modelId: addModel(), clipId, songId, batchId: 'b', settings: NEW_30, seeds: ['1'], ownerPid: 1 });
    expect(takes.finishReady(id!, { file: 'takes/1/take-1.wav', ...READY })).toBe(false); // not generating yet
    expect(takes.start(id!, CHECKPOINT)).toBe(true);
    expect(takes.start(id!, CHECKPOINT)).toBe(false);
    expect(takes.get(id!)).toMatchObject({ status: 'generating', checkpoint: CHECKPOINT });
    expect(takes.finishReady(id!, { file: 'takes/1/take-1.wav', ...READY })).toBe(true);
    expect(takes.get(id!)).toMatchObject({ status: 'ready', hasFile: true, sampleRate: 16_000, durationSeconds: 30, loudnessLufs: -14.2, executionProvider: 'cpu' });
    expect(takes.get(id!).finishedAt).not.toBeNull();
    expect(takes.file(id!)).toBe('takes/1/take-1.wav');
    expect(takes.fail([id!], 'too late')).toEqual([]); // a ready take stays ready
    expect(takes.unfinished('b')).toEqual([]);
  });

  it('fails queued and generating takes with the reason', () => {
    const ids = takes.insertBatch({ modelId: addModel(), clipId, songId, batchId: 'b', settings: NEW_30, seeds: ['1', '2', '3'], ownerPid: 1 });
    takes.start(ids[0]!, CHECKPOINT);
    expect(takes.fail(ids, 'cancelled')).toEqual(ids);
    expect(takes.batch('b').map((t) => [t.status, t.error])).toEqual([
      ['failed', 'cancelled'],
      ['failed', 'cancelled'],
      ['failed', 'cancelled'],
    ]);
  });

  it('records verdicts and stars, and forgets the files of discarded takes', () => {
    const modelId = addModel();
    const ids = takes.insertBatch({ modelId, clipId, songId, batchId: 'b', settings: NEW_30, seeds: ['1', '2'], ownerPid: 1 });
    for (const id of ids) {
      takes.start(id, CHECKPOINT);
      takes.finishReady(id, { file: `takes/${modelId}/take-${id}.wav`, ...READY });
    }
    expect(takes.update(ids[0]!, { verdict: 'kept', starred: true })).toMatchObject({ verdict: 'kept', starred: true });
    expect(takes.update(ids[1]!, { verdict: 'discarded' })).toMatchObject({ verdict: 'discarded', starred: false });
    expect(takes.discardedFiles({ clipId })).toEqual([{ id: ids[1], modelId, file: `takes/${modelId}/take-${ids[1]}.wav` }]);
    expect(takes.discardedFiles({ modelId: modelId + 1 })).toEqual([]);
    takes.clearFile(ids[1]!);
    expect(takes.get(ids[1]!)).toMatchObject({ hasFile: false, status: 'ready', seed: '2' });
    expect(takes.discardedFiles({})).toEqual([]);
    expect(() => takes.update(999, { starred: true })).toThrow(/no take 999/);
  });

  it('fails the takes of a process that is gone as interrupted, and leaves a live one’s', () => {
    const modelId = addModel();
    const dead = takes.insertBatch({ modelId, clipId, songId, batchId: 'dead', settings: NEW_30, seeds: ['1', '2'], ownerPid: 111 });
    takes.start(dead[0]!, CHECKPOINT);
    const alive = takes.insertBatch({ modelId, clipId, songId, batchId: 'alive', settings: NEW_30, seeds: ['3'], ownerPid: 222 });
    expect(takes.markOrphansFailed((pid) => pid === 222)).toEqual(dead);
    expect(takes.get(dead[0]!)).toMatchObject({ status: 'failed', error: 'interrupted: the process that was generating it stopped' });
    expect(takes.get(alive[0]!).status).toBe('queued');
    expect(takes.modelIdsOf([...dead, ...alive])).toEqual([modelId]);
  });

  it('goes with its model, and outlives its clip', () => {
    const keep = addModel();
    const gone = addModel();
    const [kept] = takes.insertBatch({ modelId: keep, clipId, songId, batchId: 'a', settings: NEW_30, seeds: ['1'], ownerPid: 1 });
    takes.insertBatch({ modelId: gone, clipId, songId, batchId: 'b', settings: NEW_30, seeds: ['1'], ownerPid: 1 });
    models.delete(gone);
    expect(takes.list().map((t) => t.id)).toEqual([kept]);
    db.prepare('DELETE FROM clips WHERE id = ?').run(clipId);
    expect(takes.get(kept!)).toMatchObject({ clipId: null, modelId: keep });
  });

  it('records what the file is once ready, and nothing before', () => {
    const modelId = addModel();
    const [gap, plain] = takes.insertBatch({ modelId, clipId, songId, batchId: 'b', settings: { mode: 'gap', seconds: 5, extendFromRate: null }, seeds: ['1', '2'], ownerPid: 1 });
    const render: TakeRender = {
      modelRate: 16_000,
      channels: 2,
      fill: { holes: [{ start: 3.2, end: 4, fadeIn: 0.03, fadeOut: 0.03 }], into: 'original', gainsDb: [0.4, -1.2] },
    };
    takes.start(gap!, CHECKPOINT);
    expect(takes.get(gap!).render).toBeNull();
    takes.finishReady(gap!, { file: 'takes/1/take-1.wav', ...READY, render });
    expect(takes.get(gap!).render).toEqual(render);
    // A worker that reports none (or a take made before it was recorded) reads as unknown.
    takes.start(plain!, CHECKPOINT);
    takes.finishReady(plain!, { file: 'takes/1/take-2.wav', ...READY });
    expect(takes.get(plain!).render).toBeNull();
    expect(() => db.prepare("UPDATE takes SET render = 'not json' WHERE id = ?").run(gap)).toThrow(/CHECK/);
  });

  it('makes a seedless mode once per model and checkpoint, and names the take that has it', () => {
    const modelId = addModel();
    const reconstruct = { mode: 'reconstruct', seconds: 5, extendFromRate: null } as const;
    const insert = (scales: number) => takes.insertBatch({ modelId, clipId, songId, batchId: `b${scales}`, settings: reconstruct, seeds: ['1'], ownerPid: 1, scales });
    const [first] = insert(4);
    // Queued already counts: two requests in a row make one take.
    expect(() => insert(4)).toThrow(`this model's reconstruction already exists: take ${first}`);
    takes.start(first!, CHECKPOINT);
    takes.finishReady(first!, { file: 'takes/1/take-1.wav', ...READY });
    expect(() => insert(4)).toThrow(`this model's reconstruction already exists: take ${first}`);
    expect(takes.seedlessTake(modelId, 'reconstruct', 4)?.id).toBe(first);
    // More scales trained since: a different reconstruction.
    expect(takes.seedlessTake(modelId, 'reconstruct', 5)).toBeNull();
    // Its file purged: it can be made again.
    takes.clearFile(first!);
    const [again] = insert(4);
    expect(() => insert(4)).toThrow(`take ${again}`);
    // A failed one does not count; other modes are never refused; a denoised clip is named so.
    takes.fail([again!], 'cancelled');
    expect(insert(4)).toHaveLength(1);
    expect(takes.insertBatch({ modelId, clipId, songId, batchId: 'n', settings: NEW_30, seeds: ['1'], ownerPid: 1 })).toHaveLength(1);
    const denoise = { mode: 'denoise', seconds: 5, extendFromRate: null } as const;
    const [denoised] = takes.insertBatch({ modelId, clipId, songId, batchId: 'd', settings: denoise, seeds: ['1'], ownerPid: 1, scales: 4 });
    expect(() => takes.insertBatch({ modelId, clipId, songId, batchId: 'd2', settings: denoise, seeds: ['1'], ownerPid: 1, scales: 4 })).toThrow(
      `this model's denoised clip already exists: take ${denoised}`,
    );
  });

  it('refuses inconsistent rows in SQL as a last line of defence', () => {
    const modelId = addModel();
    const now = new Date().toISOString();
    const insert = db.prepare(
      `INSERT INTO takes (model_id, batch_id, name, mode, settings, seed, status, owner_pid, file, created_at) VALUES (?, 'b', 'n', ?, '{}', '1', ?, ?, ?, ?)`,
    );
    expect(() => insert.run(modelId, 'new', 'queued', null, null, now)).toThrow(/CHECK/); // queued without an owner
    expect(() => insert.run(modelId, 'new', 'ready', 5, null, now)).toThrow(/CHECK/); // ready with an owner
    expect(() => insert.run(modelId, 'new', 'failed', null, 'x.wav', now)).toThrow(/CHECK/); // a file on a failed take
    expect(() => insert.run(modelId, 'remix', 'failed', null, null, now)).toThrow(/CHECK/);
    expect(() => insert.run(modelId + 100, 'new', 'failed', null, null, now)).toThrow(/FOREIGN KEY/);
    expect(() => insert.run(modelId, 'new', 'failed', null, null, now)).not.toThrow();
  });
});
