/**
 * Phrase model training jobs on real parts: a real SQLite library of imported MIDI songs, the
 * real training worker process (tsc's build, forked) with its phrase thread, the native sequence
 * ops, real files. The `test` preset at its 10 s budget: a job runs to the end with its
 * evaluation and ONNX export; a cancel stops it at a saved step and a resume finishes it; a job
 * whose owner died is interrupted and resumes; a vary model is cancelled, resumed and ends with
 * its F1, sliders and three graphs; bad requests are refused in one line with nothing left
 * behind; delete takes the row and the folder; and audio and phrase jobs share one slot.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadNativeAddon } from '../../../../src-main/addon/binding.js';
import { createCore, type Core } from '../../../../src-main/core.js';
import type { PhraseModel } from '../../../../src-main/common/phrases.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import {
  phraseModelFile,
  phraseOnnxFile,
  readPhraseCorpus,
  readPhraseOnnxManifest,
} from '../../../../src-main/services/models/phrase-model-files.js';
import { loadLm } from '../../../../src-main/services/phrase-models/lm-checkpoint.js';
import { evaluateContinue } from '../../../../src-main/services/phrase-training/continue-job.js';
import { describeSliders, evaluateVary } from '../../../../src-main/services/phrase-training/vary-job.js';
import { encodeMean } from '../../../../src-main/services/phrase-models/vae.js';
import { phraseTokens } from '../../../../src-main/services/phrases/phrases.js';
import { loadLatentSpace } from '../../../../src-main/services/phrase-models/latent-space.js';
import { loadVae } from '../../../../src-main/services/phrase-models/vae-checkpoint.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { drumsOnlySong, midiSongs } from './midi-library.js';

let dir: string;
let core: Core;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Resolves with the first progress event of a model. */
function firstProgress(of: Core, modelId: number): Promise<void> {
  return new Promise((resolve) => {
    const off = of.subscribe((event, payload) => {
      if (event === 'phrase-models:did-progress' && (payload as { modelId: number }).modelId === modelId) {
        off();
        resolve();
      }
    });
  });
}

beforeAll(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline' });
  for (const song of midiSongs({ songs: 3, partsPerSong: 3, seed: '4' })) await core.library.importFiles([{ name: song.name, data: song.bytes }]);
  // A take a model wrote, added to song 1: not the songwriter's own playing, so never learned from.
  const [first] = core.parts.list(1);
  core.parts.addPart({ songId: 1, name: 'A model take', source: 'model', settings: {}, music: core.parts.musicOf({ partId: first!.id }) });
});

afterAll(async () => {
  await core.dispose();
  await removeDir(dir);
});

describe('a continue model trained to the end', () => {
  let model: PhraseModel;

  beforeAll(async () => {
    model = await core.phraseModels.waitFor((await core.phraseModels.create({ kind: 'continue', preset: 'test', seed: '11' })).id);
  }, 120_000);

  it('learned from the parts of every song but the drums, split by part', async () => {
    expect(model).toMatchObject({ kind: 'continue', status: 'done', error: null, preset: 'test', bars: 4, songIds: [], seed: '11', budgetSeconds: 10 });
    expect(model.name).toBe('continue · the whole library, 4 bars');
    const corpus = await readPhraseCorpus(core.phraseModels.modelDir(model.id));
    expect(corpus.sources.map((source) => source.name)).not.toContain('Song 1 · Drums');
    expect(corpus.sources.map((source) => source.name).filter((name) => name.endsWith('A model take'))).toEqual([]);
    expect(corpus.sources).toHaveLength(9);
    expect(model.corpus).toMatchObject({ songs: 3, parts: 9, trainPhrases: corpus.train.length, heldOutPhrases: corpus.heldOut.length });
    expect(corpus.heldOut.length).toBeGreaterThan(0);
    // Whole parts go to one side: no source has phrases on both.
    const trainSources = new Set(corpus.train.map((phrase) => phrase.source));
    expect(corpus.heldOut.every((phrase) => !trainSources.has(phrase.source))).toBe(true);
    expect(corpus.sources.filter((source) => source.heldOut).map((source) => source.name).sort()).toEqual([...new Set(corpus.heldOut.map((p) => p.source))].sort());
  });

  it('trained every planned step and stored the held-out figures its checkpoint gives', async () => {
    expect(model.stepsTotal).toBeGreaterThan(0);
    expect(model.stepsDone).toBe(model.stepsTotal);
    const folder = core.phraseModels.modelDir(model.id);
    const checkpoint = await loadLm(loadNativeAddon().sequence, phraseModelFile(folder, 'model'));
    expect(checkpoint.training).toBeNull();
    expect(checkpoint.info).toMatchObject({ kind: 'continue', seed: '11', step: model.stepsTotal });
    expect(model.evaluation).toEqual(evaluateContinue(checkpoint.model, await readPhraseCorpus(folder)));
    expect(model.evaluation!.accuracy).toBeGreaterThan(0);
    expect(model.evaluation!.markovAccuracy).toBeGreaterThan(0);
    expect(model.evaluation!.reconstructionF1).toBeNull();
  });

  it('exported lm.onnx with its manifest, removed resume.ckpt, and kept its loss curve', async () => {
    const folder = core.phraseModels.modelDir(model.id);
    expect((await readdir(folder)).sort()).toEqual(['corpus.json', 'losses.ndjson', 'model.ckpt', 'onnx']);
    const manifest = await readPhraseOnnxManifest(folder);
    expect(manifest).toMatchObject({ format: 1, kind: 'continue', bars: 4, vocab: 236, steps: model.stepsTotal, lm: { embed: 32, hidden: 64, layers: 1 }, vae: null });
    expect(manifest!.files).toEqual([{ file: 'lm.onnx', bytes: (await stat(phraseOnnxFile(folder, 'lm'))).size }]);
    const losses = await core.phraseModels.losses(model.id);
    expect(losses.length).toBeGreaterThan(1);
    expect(losses.at(-1)!.step).toBe(model.stepsTotal);
    expect(losses.every((point, i) => i === 0 || point.step > losses[i - 1]!.step)).toBe(true);
    expect(losses.at(-1)!.loss).toBeLessThan(losses[0]!.loss);
  });
});

describe('a vary model, cancelled and resumed to the end', () => {
  let model: PhraseModel;
  let stoppedAt: number;

  beforeAll(async () => {
    const created = await core.phraseModels.create({ kind: 'vary', preset: 'test', seed: '21', songIds: [1, 2, 3] });
    await firstProgress(core, created.id);
    core.phraseModels.cancel(created.id);
    const cancelled = await core.phraseModels.waitFor(created.id);
    expect(cancelled.status).toBe('cancelled');
    stoppedAt = cancelled.stepsDone;
    const saved = await loadVae(loadNativeAddon().sequence, phraseModelFile(core.phraseModels.modelDir(created.id), 'resume'));
    expect(saved.training?.step).toBe(stoppedAt);
    core.phraseModels.resume(created.id);
    model = await core.phraseModels.waitFor(created.id);
  }, 120_000);

  it('went on from its saved step to every planned step', () => {
    // No bars were asked for: vary learns 2-bar phrases (DEFAULT_PHRASE_BARS).
    expect(model).toMatchObject({ kind: 'vary', status: 'done', error: null, name: 'vary · 3 songs, 2 bars', bars: 2, songIds: [1, 2, 3] });
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(model.stepsTotal!);
    expect(model.stepsDone).toBe(model.stepsTotal);
  });

  it('stored the held-out reconstruction F1 its checkpoint gives, and no next-note figures', async () => {
    const folder = core.phraseModels.modelDir(model.id);
    const checkpoint = await loadVae(loadNativeAddon().sequence, phraseModelFile(folder, 'model'));
    expect(checkpoint.training).toBeNull();
    expect(checkpoint.info).toMatchObject({ kind: 'vary', seed: '21', step: model.stepsTotal });
    expect(model.evaluation).toEqual(evaluateVary(checkpoint.vae, await readPhraseCorpus(folder)));
    expect(model.evaluation).toMatchObject({ perplexity: null, accuracy: null, markovPerplexity: null, markovAccuracy: null });
    expect(model.evaluation!.reconstructionF1).toBeGreaterThanOrEqual(0);
  });

  it('wrote its sliders and the three graphs with their manifest, and removed resume.ckpt', async () => {
    const folder = core.phraseModels.modelDir(model.id);
    expect((await readdir(folder)).sort()).toEqual(['corpus.json', 'latent-space.json', 'losses.ndjson', 'model.ckpt', 'onnx']);
    const space = await loadLatentSpace(phraseModelFile(folder, 'latentSpace'));
    expect(space.directions).toHaveLength(20);
    expect(space.mean).toHaveLength(100);
    // What each slider does, measured from the saved model as the job measured it (deterministic).
    expect(space.characters).toHaveLength(20);
    const { vae } = await loadVae(loadNativeAddon().sequence, phraseModelFile(folder, 'model'));
    const corpus = await readPhraseCorpus(folder);
    expect(describeSliders(vae, space, encodeMean(vae, corpus.train.map(phraseTokens)), corpus.train[0]!)).toEqual(space.characters);
    const manifest = await readPhraseOnnxManifest(folder);
    expect(manifest).toMatchObject({ kind: 'vary', bars: 2, steps: model.stepsTotal, lm: null, vae: { embedding: 16, encoderHidden: 32, latent: 100, decoderHidden: 32, decoderLayers: 1 } });
    const sizes = await Promise.all((['vaeEncoder', 'vaeInit', 'vaeDecoder'] as const).map(async (name) => (await stat(phraseOnnxFile(folder, name))).size));
    expect(manifest!.files).toEqual([
      { file: 'vae-encoder.onnx', bytes: sizes[0] },
      { file: 'vae-init.onnx', bytes: sizes[1] },
      { file: 'vae-decoder.onnx', bytes: sizes[2] },
    ]);
  });
});

describe('cancel, interrupt and resume', () => {
  it('cancels after the current step with its state saved, and a resume trains the rest', async () => {
    const created = await core.phraseModels.create({ kind: 'continue', preset: 'test', seed: '12', songIds: [2, 3], bars: 2 });
    await firstProgress(core, created.id);
    core.phraseModels.cancel(created.id);
    const cancelled = await core.phraseModels.waitFor(created.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: null, evaluation: null, songIds: [2, 3], bars: 2 });
    expect(cancelled.stepsDone).toBeGreaterThan(0);
    expect(cancelled.stepsDone).toBeLessThan(cancelled.stepsTotal!);
    const folder = core.phraseModels.modelDir(created.id);
    const saved = await loadLm(loadNativeAddon().sequence, phraseModelFile(folder, 'resume'));
    expect(saved.training?.step).toBe(cancelled.stepsDone);
    expect(await exists(phraseModelFile(folder, 'model'))).toBe(false);

    core.phraseModels.resume(created.id);
    const done = await core.phraseModels.waitFor(created.id);
    expect(done).toMatchObject({ status: 'done', stepsTotal: cancelled.stepsTotal, stepsDone: cancelled.stepsTotal });
    expect(done.evaluation?.heldOutPhrases).toBeGreaterThan(0);
    expect(await exists(phraseModelFile(folder, 'resume'))).toBe(false);
    const losses = await core.phraseModels.losses(created.id);
    expect(losses.at(-1)!.step).toBe(done.stepsTotal);
    expect(losses.every((point, i) => i === 0 || point.step > losses[i - 1]!.step)).toBe(true);
  }, 120_000);

  it('marks a job whose owner process is gone as interrupted, and resumes it', async () => {
    const other = await createCore({ dataDir: dir, audio: 'inline' });
    const created = await other.phraseModels.create({ kind: 'continue', preset: 'test', seed: '13', songIds: [1] });
    await firstProgress(other, created.id);
    other.phraseModels.cancel(created.id);
    await other.phraseModels.waitFor(created.id);
    await other.dispose();
    // As a crashed process leaves it: running, under a pid that no longer exists.
    const db = new Database(path.join(dir, 'eureka.db'));
    db.prepare("UPDATE phrase_models SET status = 'running', owner_pid = ? WHERE id = ?").run(2 ** 30, created.id);
    db.close();

    const restarted = await createCore({ dataDir: dir, audio: 'inline' });
    try {
      expect(restarted.phraseModels.get(created.id)).toMatchObject({ status: 'interrupted', error: 'the process that was training it stopped' });
      restarted.phraseModels.resume(created.id);
      expect((await restarted.phraseModels.waitFor(created.id)).status).toBe('done');
    } finally {
      await restarted.dispose();
    }
  }, 120_000);

  it('records the running job as interrupted when its core closes', async () => {
    const closing = await createCore({ dataDir: dir, audio: 'inline' });
    const created = await closing.phraseModels.create({ kind: 'continue', preset: 'test', seed: '14', songIds: [3] });
    await firstProgress(closing, created.id);
    const pid = closing.phraseModels.workerPid()!;
    await closing.dispose();
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(core.phraseModels.get(created.id)).toMatchObject({ status: 'interrupted', error: 'Eureka was closed while it trained' });
    await core.phraseModels.delete(created.id);
  }, 60_000);
});

describe('refusals and deletion', () => {
  it('refuses what it cannot learn from in one line, and leaves nothing behind', async () => {
    const before = core.phraseModels.list().length;
    const folders = await readdir(path.join(dir, 'phrase-models'));
    await expect(core.phraseModels.create({ kind: 'continue', preset: 'test', songIds: [99] })).rejects.toThrow(/^there is no song 99$/);
    await expect(core.phraseModels.create({ kind: 'continue', preset: 'test', songIds: [1], bars: 16 })).rejects.toThrow(
      /^song 1 has \d MIDI phrases? of 16 bars; a phrase model needs at least 8 \(add MIDI parts or choose shorter phrases\)$/,
    );
    const beat = drumsOnlySong();
    const empty = (await core.library.importFiles([{ name: beat.name, data: beat.bytes }])).parts[0]!.songId;
    await expect(core.phraseModels.create({ kind: 'continue', preset: 'test', songIds: [empty] })).rejects.toThrow(
      new RegExp(`^song ${empty} has no MIDI phrases of 4 bars to learn from \\(drum parts are left out\\): import a \\.mid file first$`),
    );
    expect(core.phraseModels.forecast({ kind: 'continue', preset: 'test', songIds: [empty] })).toMatchObject({ outcome: 'refused', corpus: null, seconds: null });
    expect(core.phraseModels.list()).toHaveLength(before);
    expect(await readdir(path.join(dir, 'phrase-models'))).toEqual(folders);
  });

  it('forecasts what a request learns from, in words', () => {
    const forecast = core.phraseModels.forecast({ kind: 'continue', preset: 'quick', seed: '11' });
    expect(forecast).toMatchObject({ outcome: 'fits', seconds: 300, corpus: { songs: 3, parts: 9 } });
    expect(forecast.headline).toMatch(/^Learns from \d+ phrases of 4 bars \(9 parts in 3 songs; \d+ more kept aside to test it\) in about 5 min; then it carries a phrase on\.$/);
  });

  it('deletes a model that is not training, with its folder; refuses one that is', async () => {
    const created = await core.phraseModels.create({ kind: 'continue', preset: 'test', seed: '15', songIds: [2] });
    await expect(core.phraseModels.delete(created.id)).rejects.toThrow(/^phrase model \d+ is running: cancel it before deleting it$/);
    core.phraseModels.cancel(created.id);
    await core.phraseModels.waitFor(created.id);
    const folder = core.phraseModels.modelDir(created.id);
    expect(await exists(folder)).toBe(true);
    await core.phraseModels.delete(created.id);
    expect(() => core.phraseModels.get(created.id)).toThrow(/^there is no phrase model \d+$/);
    expect(await exists(folder)).toBe(false);
    await expect(core.phraseModels.delete(created.id)).rejects.toThrow(/no phrase model/);
  }, 60_000);
});

describe('one job at a time across audio and phrase models', () => {
  it('queues a phrase job behind an audio job, and an audio job behind a phrase job', async () => {
    const rate = 16_000;
    const tone = Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 220 * i) / rate));
    const { files } = await core.library.importFiles([{ name: 'tone.wav', data: encodeWav({ sampleRate: rate, channels: [tone] }, { bitDepth: 16 }) }]);
    const clip = core.library.addClip({ songId: files[0]!.songId, fileId: files[0]!.id, start: 0, end: 1, label: 'U' });

    const audio = await core.training.create({ clipId: clip.id, preset: 'test', seed: '1' });
    const phrase = await core.phraseModels.create({ kind: 'continue', preset: 'test', seed: '16', songIds: [1] });
    expect(core.training.get(audio.id).status).toBe('running');
    expect(core.phraseModels.get(phrase.id).status).toBe('queued');
    const audioDone = await core.training.waitFor(audio.id);
    const phraseDone = await core.phraseModels.waitFor(phrase.id);
    expect([audioDone.status, phraseDone.status]).toEqual(['done', 'done']);
    expect(phraseDone.startedAt! >= audioDone.finishedAt!).toBe(true);

    const phrase2 = await core.phraseModels.create({ kind: 'continue', preset: 'test', seed: '17', songIds: [1] });
    const audio2 = await core.training.create({ clipId: clip.id, preset: 'test', seed: '2' });
    expect(core.phraseModels.get(phrase2.id).status).toBe('running');
    expect(core.training.get(audio2.id).status).toBe('queued');
    const phrase2Done = await core.phraseModels.waitFor(phrase2.id);
    const audio2Done = await core.training.waitFor(audio2.id);
    expect([phrase2Done.status, audio2Done.status]).toEqual(['done', 'done']);
    expect(audio2Done.startedAt! >= phrase2Done.finishedAt!).toBe(true);
    const text = await readFile(path.join(core.phraseModels.modelDir(phrase2.id), 'corpus.json'), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 1, bars: 4 });
  }, 240_000);
});
