/**
 * Deleting songs and clips, and importing bytes the library holds already, on a real core over
 * a real data folder (SQLite with its cascades and triggers, the content-addressed store, model
 * and takes folders). Models and takes are stored through their real repositories and folders
 * (ModelRepository; take rows and WAVs as the generation worker leaves them), not trained and
 * generated: what is under test is what goes with a song, not how it was made.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dispatch } from '../../../../src-main/api/dispatch.js';
import type { Channel, RequestOf } from '../../../../src-main/common/ipc-contract.js';
import { describeDeletion, type DeletionSummary } from '../../../../src-main/common/deletion.js';
import { createCore, type Core } from '../../../../src-main/core.js';
import { openDatabase, type Db } from '../../../../src-main/db/database.js';
import { writeSourceFiles } from '../../../../src-main/services/models/model-source.js';
import { ModelRepository } from '../../../../src-main/services/training/model-repository.js';
import { storeSession } from '../../../helpers/rating-session.js';
import { wavBytes } from '../../../helpers/signals.js';
import { listFiles, makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const NOW = '2025-01-01T00:00:00.000Z';

let dir: string;
let core: Core;
/** A second connection to the same database, for what other features would have written. */
let db: Db;
let songIdsChanged: number[][];

beforeEach(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline' });
  db = openDatabase(path.join(dir, 'eureka.db'));
  songIdsChanged = [];
  core.subscribe((event, payload) => {
    if (event === 'library:did-change') songIdsChanged.push((payload as { songIds: number[] }).songIds);
  });
});

afterEach(async () => {
  db.close();
  await core.dispose();
  await removeDir(dir);
});

async function importSong(name: string, seed: number, options: { again?: boolean } = {}): Promise<{ songId: number; fileId: number }> {
  const data = wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 200 + seed, seed });
  const { files } = await core.library.importFiles([{ name, data }], options);
  return { songId: files[0]!.songId, fileId: files[0]!.id };
}

/** A model of a clip as the training service leaves one: its row (status as given) and its folder. */
async function storeModel(clipId: number, status: 'done' | 'queued' | 'running' = 'done'): Promise<number> {
  const clip = core.library.getClip(clipId);
  const models = new ModelRepository(db);
  const id = models.insert({
    clipId,
    songId: clip.songId,
    name: `model of clip ${clipId}`,
    preset: 'test',
    request: { budgetSeconds: null, device: 'cpu', deviceReason: 'test', seed: '1', mode: null },
  });
  const folder = core.training.modelDir(id);
  await mkdir(folder, { recursive: true });
  await writeSourceFiles(folder, new Float32Array(1600).fill(0.1), { sampleRate: 16_000, samples: 1600, label: 'U', hole: null });
  await writeFile(path.join(folder, 'scale-0.ckpt'), 'checkpoint');
  if (status !== 'queued') models.claim(id, process.pid);
  if (status === 'done') models.finish(id, { status: 'done', error: null, seconds: 1, scalesDone: 1, scalesTotal: 1 });
  return id;
}

/** Ready takes of a model with their WAVs under takes/<model>/ and a measurement each, as generation and metrics leave them. */
async function storeTakes(modelId: number, count: number): Promise<number[]> {
  const model = core.training.get(modelId);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = Number(
      db
        .prepare(
          `INSERT INTO takes (model_id, clip_id, song_id, batch_id, name, mode, settings, seed, status, created_at)
           VALUES (?, ?, ?, 'batch', ?, 'new', '{"mode":"new","seconds":1,"extendFromRate":null}', ?, 'failed', ?)`,
        )
        .run(modelId, model.clipId, model.songId, `Take ${i + 1}`, String(i), NOW).lastInsertRowid,
    );
    const file = `takes/${modelId}/take-${id}.wav`;
    await mkdir(path.join(dir, 'takes', String(modelId)), { recursive: true });
    await writeFile(path.join(dir, file), wavBytes({ seconds: 1, sampleRate: 16_000, channels: 1, seed: id }));
    db.prepare(
      `UPDATE takes SET status = 'ready', error = NULL, file = ?, sample_rate = 16000, duration = 1, execution_provider = 'cpu', finished_at = ? WHERE id = ?`,
    ).run(file, NOW, id);
    db.prepare('INSERT INTO take_metrics (take_id, version, json, computed_at) VALUES (?, 1, ?, ?)').run(id, '{}', NOW);
    ids.push(id);
  }
  return ids;
}

function rowCount(table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Files of the data folder, without the database's own. */
async function dataFiles(): Promise<string[]> {
  return (await listFiles(dir)).filter((line) => !line.startsWith('eureka.db')).map((line) => line.split(' ')[0]!);
}

async function call<C extends Channel>(channel: C, request: RequestOf<C>) {
  return dispatch(core.handlers, channel, request);
}

describe('deleting a song', () => {
  it('says what goes with it and what stays, then removes it all, files only when no other song uses them', async () => {
    const night = await importSong('Night Drive.wav', 1);
    // The same bytes once more, as a second song: the store's files are shared by content.
    const copy = await importSong('Night Drive copy.wav', 1, { again: true });
    const other = await importSong('Other.wav', 2);
    const verse = core.library.addClip({ songId: night.songId, start: 0, end: 1.5, label: 'U' });
    const chorus = core.library.addClip({ songId: night.songId, start: 1.5, end: 3, label: 'V', split: 'val' });
    const otherClip = core.library.addClip({ songId: other.songId, start: 0, end: 2, label: 'U' });
    await core.library.trainingAudio(verse.id, 8000);
    await core.library.trainingAudio(otherClip.id, 8000);
    const verseModel = await storeModel(verse.id);
    const chorusModel = await storeModel(chorus.id);
    const otherModel = await storeModel(otherClip.id);
    const nightTakes = [...(await storeTakes(verseModel, 3)), ...(await storeTakes(chorusModel, 2))];
    const otherTakes = await storeTakes(otherModel, 1);
    const session = await storeSession(core, 'single', ['Ana'], 4, 'Band night'); // its items name song 1
    expect(night.songId).toBe(1);

    const summary = core.library.describeDeletion({ kind: 'song', songId: night.songId });
    expect(summary).toEqual({
      target: { kind: 'song', songId: night.songId },
      name: 'Night Drive',
      files: 1,
      clips: 2,
      models: 2,
      takes: 5,
      parts: 0,
      sessions: [{ id: session.id, name: 'Band night', items: 4 }],
      blockers: [],
    } satisfies DeletionSummary);
    expect(describeDeletion(summary)).toEqual({
      question: 'Delete the song “Night Drive”?',
      goes: 'Goes with it: 1 audio file, 2 clips, 2 models and 5 takes.',
      stays: 'Stays: the listening session “Band night” keeps its own copies of 4 items from it, with the answers and results.',
      blocked: null,
    });
    // Asking changes nothing.
    expect(core.training.list().map((model) => model.id)).toEqual([otherModel, chorusModel, verseModel].sort((a, b) => b - a));

    const shared = await dataFiles();
    expect(await core.library.deleteSong(night.songId)).toEqual(summary);

    expect(core.library.listSongs().map((song) => song.name).sort()).toEqual(['Night Drive copy', 'Other']);
    expect(core.library.listClips().map((clip) => clip.id)).toEqual([otherClip.id]);
    expect(core.training.list().map((model) => model.id)).toEqual([otherModel]);
    expect(core.takes.list().map((take) => take.id)).toEqual(otherTakes);
    expect(rowCount('take_metrics')).toBe(1);
    expect(existsSync(core.training.modelDir(verseModel))).toBe(false);
    expect(existsSync(core.training.modelDir(chorusModel))).toBe(false);
    expect(existsSync(path.join(dir, 'takes', String(verseModel)))).toBe(false);
    expect(existsSync(core.training.modelDir(otherModel))).toBe(true);
    // Only the models' and takes' folders left the disk: the copy's song has the same bytes, so
    // the original, the playback copy and the derived audio stay.
    const ofDeletedModels = new RegExp(`^(models|takes)/(${verseModel}|${chorusModel})/`);
    expect(shared.filter((file) => ofDeletedModels.test(file)).length).toBeGreaterThan(nightTakes.length);
    expect(await dataFiles()).toEqual(shared.filter((file) => !ofDeletedModels.test(file)));
    expect(songIdsChanged.at(-1)).toEqual([night.songId]);

    // The listening session stays whole: its items, their files, its results.
    expect(core.rating.get(session.id).name).toBe('Band night');
    for (const file of session.files) expect(existsSync(file)).toBe(true);
    expect(() => core.rating.results(session.id, { excludeUnreliable: false })).not.toThrow();

    // The last song with those bytes goes: now its original, playback copy and derived audio leave the disk.
    const original = path.relative(dir, core.library.originalPath(copy.fileId));
    const before = await dataFiles();
    await core.library.deleteSong(copy.songId);
    const after = await dataFiles();
    const removed = before.filter((file) => !after.includes(file));
    const sha = path.basename(original).slice(0, 64);
    expect(removed).toEqual([`derived/${sha.slice(0, 2)}/${sha}-`, original, `playback/${sha.slice(0, 2)}/${sha}.wav`].map((expected) => removed.find((file) => file.startsWith(expected)) ?? expected));
    expect(removed).toHaveLength(3);
    expect(after.filter((file) => !before.includes(file))).toEqual([]);
    expect(core.library.listSongs().map((song) => song.name)).toEqual(['Other']);
    // The other song's store files and derived audio stay.
    expect(existsSync(core.library.originalPath(other.fileId))).toBe(true);
    expect(after.filter((file) => file.startsWith('derived/'))).toHaveLength(1);
  });

  it('never gives a deleted song, file, clip, model or take number to a new one', async () => {
    const song = await importSong('First.wav', 1);
    const clip = core.library.addClip({ songId: song.songId, start: 0, end: 1.5, label: 'U' });
    const model = await storeModel(clip.id);
    const [take] = await storeTakes(model, 1);
    await core.library.deleteSong(song.songId);

    const again = await importSong('First.wav', 1);
    const newClip = core.library.addClip({ songId: again.songId, start: 0, end: 1.5, label: 'U' });
    const newModel = await storeModel(newClip.id);
    const [newTake] = await storeTakes(newModel, 1);
    expect([again.songId, again.fileId, newClip.id, newModel, newTake]).toEqual([song.songId + 1, song.fileId + 1, clip.id + 1, model + 1, take! + 1]);
  });

  it('refuses while a model of it trains, is queued or makes takes, and deletes nothing', async () => {
    const song = await importSong('Busy.wav', 3);
    const clip = core.library.addClip({ songId: song.songId, start: 0, end: 1.5, label: 'U' });
    const training = await storeModel(clip.id, 'running');
    const queued = await storeModel(clip.id, 'queued');
    const generating = await storeModel(clip.id);
    // A take this process queued and has not made yet, as takes:generate leaves it.
    db.prepare(
      `INSERT INTO takes (model_id, clip_id, song_id, batch_id, name, mode, settings, seed, status, owner_pid, created_at)
       VALUES (?, ?, ?, 'batch', 'Take 1', 'new', '{"mode":"new","seconds":1,"extendFromRate":null}', '1', 'queued', ?, ?)`,
    ).run(generating, clip.id, song.songId, process.pid, NOW);
    const before = await dataFiles();
    const summary = core.library.describeDeletion({ kind: 'song', songId: song.songId });
    const reasons = [
      `model ${generating} is making takes; cancel them first`,
      `model ${queued} is queued to train; cancel it first`,
      `model ${training} is training; cancel it first`,
    ];
    expect(summary.blockers).toEqual(reasons);
    await expect(core.library.deleteSong(song.songId)).rejects.toThrow(`song ${song.songId} cannot be deleted now: ${reasons.join('; ')}`);
    await expect(core.library.deleteClip(clip.id, { withModels: true })).rejects.toThrow(`clip ${clip.id} cannot be deleted now: ${reasons.join('; ')}`);
    expect(core.library.listSongs()).toHaveLength(1);
    expect(core.library.listClips()).toHaveLength(1);
    expect(core.training.list()).toHaveLength(3);
    expect(await dataFiles()).toEqual(before);
  });

  it('answers bad and unknown ids over the contract in one line', async () => {
    const refused = async <C extends Channel>(channel: C, request: unknown) => {
      const envelope = await call(channel, request as RequestOf<C>);
      if (envelope.ok) throw new Error(`${channel} was accepted`);
      return `${envelope.error.code}: ${envelope.error.message}`;
    };
    expect(await refused('library:delete-song', { songId: 0 })).toBe('INVALID_INPUT: library:delete-song: songId: Too small: expected number to be >0');
    expect(await refused('library:delete-song', { songId: '1' })).toBe('INVALID_INPUT: library:delete-song: songId: Invalid input: expected number, received string');
    expect(await refused('library:delete-song', { songId: 99 })).toBe('NOT_FOUND: there is no song 99');
    expect(await refused('library:delete-song', { songId: 1, cascade: false })).toBe('INVALID_INPUT: library:delete-song: request: Unrecognized key: "cascade"');
    expect(await refused('library:describe-deletion', { kind: 'album', songId: 1 })).toBe(
      "INVALID_INPUT: library:describe-deletion: kind: Invalid discriminator value. Expected 'song' | 'clip'",
    );
    expect(await refused('library:describe-deletion', { kind: 'clip', clipId: 2.5 })).toBe(
      'INVALID_INPUT: library:describe-deletion: clipId: Invalid input: expected int, received number',
    );
    expect(await refused('library:describe-deletion', { kind: 'clip', clipId: 7 })).toBe('NOT_FOUND: there is no clip 7');
    expect(await refused('library:delete-clip', { clipId: 7, withModels: 'yes' })).toBe(
      'INVALID_INPUT: library:delete-clip: withModels: Invalid input: expected boolean, received string',
    );
  });
});

describe('deleting a clip', () => {
  it('deletes a clip without models at once, and refuses one with models until the caller confirms they go too', async () => {
    const song = await importSong('Clips.wav', 4);
    const bare = core.library.addClip({ songId: song.songId, start: 0, end: 1, label: 'U' });
    const trained = core.library.addClip({ songId: song.songId, start: 1, end: 3, label: 'U' });
    const model = await storeModel(trained.id);
    await storeTakes(model, 2);

    expect(describeDeletion(core.library.describeDeletion({ kind: 'clip', clipId: bare.id })).goes).toBe('Nothing else goes with it.');
    expect((await call('library:delete-clip', { clipId: bare.id })).ok).toBe(true);

    const summary = core.library.describeDeletion({ kind: 'clip', clipId: trained.id });
    expect(summary).toMatchObject({ name: 'Clips · 0:01.000–0:03.000', files: 0, clips: 1, models: 1, takes: 2, sessions: [] });
    expect(describeDeletion(summary).goes).toBe('Goes with it: 1 model and 2 takes.');
    const refused = await call('library:delete-clip', { clipId: trained.id });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: `clip ${trained.id} takes 1 model and 2 takes with it: confirm that they go too` },
    });
    expect(core.library.listClips().map((clip) => clip.id)).toEqual([trained.id]);
    expect(core.training.list()).toHaveLength(1);

    expect((await call('library:delete-clip', { clipId: trained.id, withModels: true })).ok).toBe(true);
    expect(core.library.listClips()).toEqual([]);
    expect(core.training.list()).toEqual([]);
    expect(core.takes.list()).toEqual([]);
    expect(existsSync(core.training.modelDir(model))).toBe(false);
    expect(existsSync(path.join(dir, 'takes', String(model)))).toBe(false);
    // The song and its audio stay.
    expect(existsSync(core.library.originalPath(song.fileId))).toBe(true);
    expect(songIdsChanged.slice(-2)).toEqual([[song.songId], [song.songId]]);
  });
});

describe('importing bytes the library holds already', () => {
  it('names the song that has them instead of making a second one, unless asked to import again', async () => {
    const first = await importSong('Riff.wav', 5);
    const bytes = wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 205, seed: 5 });
    const other = wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 206, seed: 6 });
    const before = await dataFiles();

    const result = await core.library.importFiles([
      { name: 'Riff (bounce 2).wav', data: bytes },
      { name: 'New.wav', data: other },
      { name: 'New again.wav', data: other },
    ]);
    expect(result.failures).toEqual([]);
    expect(result.files.map((file) => file.originalName)).toEqual(['New.wav']);
    expect(result.duplicates).toEqual([
      { name: 'Riff (bounce 2).wav', songId: first.songId, songName: 'Riff', fileId: first.fileId },
      { name: 'New again.wav', songId: result.files[0]!.songId, songName: 'New', fileId: result.files[0]!.id },
    ]);
    expect(core.library.listSongs().map((song) => song.name).sort()).toEqual(['New', 'Riff']);
    expect((await dataFiles()).length).toBe(before.length + 2);

    // Into an existing song, the same: nothing added to it.
    const into = await core.library.importFiles([{ name: 'Riff.wav', data: bytes }], { songId: result.files[0]!.songId });
    expect([into.files, into.duplicates.map((d) => d.songName)]).toEqual([[], ['Riff']]);

    const again = await core.library.importFiles([{ name: 'Riff.wav', data: bytes }], { again: true });
    expect(again.duplicates).toEqual([]);
    expect(again.files).toHaveLength(1);
    expect(core.library.listSongs()).toHaveLength(3);
    expect((await dataFiles()).length).toBe(before.length + 2); // the same content: no new store file
  });

  it('answers duplicates over the contract', async () => {
    const first = await importSong('Hook.wav', 7);
    const data = new Uint8Array(wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 207, seed: 7 }));
    const envelope = await call('library:import-files', { files: [{ name: 'Hook copy.wav', data }] });
    expect(envelope).toEqual({
      ok: true,
      value: { files: [], failures: [], duplicates: [{ name: 'Hook copy.wav', songId: first.songId, songName: 'Hook', fileId: first.fileId }], parts: [] },
    });
  });
});

describe('what a killed delete leaves', () => {
  it('removes at the next start a model folder whose row is gone, and store files no row names', async () => {
    const song = await importSong('Kept.wav', 8);
    const clip = core.library.addClip({ songId: song.songId, start: 0, end: 1.5, label: 'U' });
    await core.library.trainingAudio(clip.id, 8000);
    const model = await storeModel(clip.id);
    const kept = await dataFiles();
    // As a process killed between deleting rows and removing files would leave them.
    await mkdir(path.join(dir, 'models', '4711', 'onnx'), { recursive: true });
    await writeFile(path.join(dir, 'models', '4711', 'scale-0.ckpt'), 'left');
    const sha = 'cd'.repeat(32);
    for (const key of [`files/cd/${sha}.wav`, `playback/cd/${sha}.wav`, `derived/cd/${sha}-${'0'.repeat(32)}.f32`]) {
      await mkdir(path.dirname(path.join(dir, key)), { recursive: true });
      await writeFile(path.join(dir, key), 'left');
    }
    db.close();
    await core.dispose();
    core = await createCore({ dataDir: dir, audio: 'inline' });
    db = openDatabase(path.join(dir, 'eureka.db'));
    expect(await dataFiles()).toEqual(kept);
    expect(core.training.get(model).id).toBe(model);
  });
});
