/**
 * Takes end to end on real parts: a real SQLite library, a model trained by the real training
 * service ('test' preset, 1.5 s synthetic clip), the real generation worker process (tsc's
 * build, forked) running onnxruntime on the model's ONNX export, real WAV files. Covers the
 * checks of the generation promises that belong here: rows queued at once and results streamed one by one,
 * regeneration from stored provenance is bit for bit identical, cancel, a killed worker,
 * delete-discarded, and a deleted model taking its takes' files along.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createCore, type Core } from '../../../../src-main/core.js';
import type { Take } from '../../../../src-main/common/generation.js';
import type { Model } from '../../../../src-main/common/training.js';
import { whyNotReady } from '../../../../src-main/services/takes/takes-service.js';
import { loadModelSource } from '../../../../src-main/services/models/model-source.js';
import { wavBytes } from '../../../helpers/signals.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

let dir: string;
let core: Core;
let model: Model;

/** The mono 32-bit float WAV encodeWav writes: tag 3, rate, and the sample count after its 58-byte header. */
function readFloatWav(bytes: Buffer): { format: number; sampleRate: number; samples: number } {
  expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
  expect(bytes.subarray(50, 54).toString('ascii')).toBe('data');
  return { format: bytes.readUInt16LE(20), sampleRate: bytes.readUInt32LE(24), samples: bytes.readUInt32LE(54) / 4 };
}

function takeFile(take: Take): Promise<Buffer> {
  return readFile(core.mediaFile({ kind: 'take', takeId: take.id }));
}

/** Resolves on the first event for which `pick` returns a value (and unsubscribes). */
function when<T>(pick: (event: string, payload: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const off = core.subscribe((event, payload) => {
      const value = pick(event, payload);
      if (value === undefined) return;
      off();
      resolve(value);
    });
  });
}

beforeAll(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline', executionProvider: 'cpu' });
  const wav = wavBytes({ seconds: 1.5, sampleRate: 16_000, channels: 1, frequency: 220, seed: 4 });
  const { files } = await core.library.importFiles([{ name: 'riff.wav', data: wav }]);
  const file = files[0]!;
  const clip = core.library.addClip({ songId: file.songId, fileId: file.id, start: 0, end: 1.5, label: 'U' });
  model = await core.training.waitFor((await core.training.create({ clipId: clip.id, preset: 'test', seed: '3' })).id);
  expect(model.status).toBe('done');
}, 120_000);

afterAll(async () => {
  await core.dispose();
  await removeDir(dir);
});

describe('modes', () => {
  it('offers new, variation, reconstruct and extend for a music model, and says why not gap or denoise', async () => {
    const modes = await core.takes.listModes(model.id);
    const byMode = new Map(modes.map((m) => [m.mode, m]));
    expect(modes.filter((m) => m.available).map((m) => m.mode)).toEqual(['new', 'variation', 'extend', 'reconstruct']);
    expect(byMode.get('gap')?.reason).toMatch(/gap clip/);
    expect(byMode.get('denoise')?.reason).toMatch(/denoising mode/);
    expect(byMode.get('new')?.fixedSeconds).toBeNull();
    expect(byMode.get('reconstruct')?.fixedSeconds).toBeCloseTo(1.5, 2);
    await expect(core.takes.generate({ modelId: model.id, mode: 'gap' })).rejects.toThrow(/cannot make gap takes: Only a model trained on a gap clip/);
    await expect(core.takes.generate({ modelId: 999 })).rejects.toThrow(/no model 999/);
  }, 60_000);

  it('refuses models that cannot generate yet, in a sentence', () => {
    const base = { ...model, plan: model.plan };
    expect(whyNotReady({ ...base, status: 'running' })).toMatch(/still training/);
    expect(whyNotReady({ ...base, status: 'interrupted', scalesDone: 0 })).toMatch(/no finished scale yet/);
    expect(whyNotReady({ ...base, status: 'interrupted', scalesDone: 2 })).toBeNull();
  });
});

describe('a batch of new takes', () => {
  let takes: Take[];
  const order: string[] = [];
  const progress: { fraction: number; eta: number | null; phase: string }[] = [];

  beforeAll(async () => {
    const off = core.subscribe((event, payload) => {
      if (event === 'takes:did-progress') {
        const p = payload as { fraction: number; etaSeconds: number | null; phase: string };
        progress.push({ fraction: p.fraction, eta: p.etaSeconds, phase: p.phase });
      }
      if (event !== 'takes:did-change') return;
      for (const id of (payload as { takeIds: number[] }).takeIds) {
        const take = core.takes.get(id);
        order.push(`${take.name}:${take.status}`);
      }
    });
    const { batchId, takes: queued } = await core.takes.generate({ modelId: model.id, mode: 'new', count: 3, seconds: 2, seed: '100' });
    // The rows exist, queued, before any is made.
    expect(queued.map((t) => [t.seed, t.status, t.settings])).toEqual(
      ['100', '101', '102'].map((seed) => [seed, 'queued', { mode: 'new', seconds: 2, extendFromRate: null }]),
    );
    takes = await core.takes.waitForBatch(batchId);
    off();
  }, 60_000);

  it('makes every take, with its provenance', async () => {
    const source = await loadModelSource(core.training.modelDir(model.id));
    expect(takes.map((t) => t.status)).toEqual(['ready', 'ready', 'ready']);
    for (const take of takes) {
      expect(take).toMatchObject({ modelId: model.id, clipId: model.clipId, hasFile: true, sampleRate: 16_000, executionProvider: 'cpu', verdict: 'undecided' });
      expect(take.durationSeconds).toBeCloseTo(2, 6);
      expect(take.checkpoint).toEqual({ scales: model.scalesDone, configHash: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(take.generateSeconds).toBeGreaterThan(0);
      expect(take.loudnessLufs).toEqual(expect.any(Number));
      expect(take.sourceLoudnessLufs).toBe(source.sourceLoudnessLufs);
    }
  });

  it('streams: each take is ready before the next one starts', () => {
    const interesting = order.filter((entry) => !entry.endsWith(':queued'));
    expect(interesting).toEqual(['Take 1:generating', 'Take 1:ready', 'Take 2:generating', 'Take 2:ready', 'Take 3:generating', 'Take 3:ready']);
    const fractions = progress.map((p) => p.fraction);
    expect(progress[0]?.phase).toBe('preparing');
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.some((p) => p.eta !== null)).toBe(true);
  });

  it('writes 32-bit float WAVs in data/takes/<model>/take-<id>.wav', async () => {
    for (const take of takes) {
      const file = core.mediaFile({ kind: 'take', takeId: take.id });
      expect(file).toBe(path.join(dir, 'takes', String(model.id), `take-${take.id}.wav`));
      const wav = readFloatWav(await readFile(file));
      expect(wav).toEqual({ format: 3, sampleRate: 16_000, samples: 32_000 });
    }
    // Different seeds, different audio.
    expect((await takeFile(takes[0]!)).equals(await takeFile(takes[1]!))).toBe(false);
  });

  it('makes the same bytes again from a take’s stored provenance', async () => {
    const original = takes[1]!;
    const { batchId } = await core.takes.generate({
      modelId: original.modelId,
      mode: original.settings.mode,
      seconds: original.settings.seconds,
      seed: original.seed,
    });
    const [again] = await core.takes.waitForBatch(batchId);
    expect(again).toMatchObject({ status: 'ready', seed: original.seed, checkpoint: original.checkpoint, settings: original.settings });
    expect((await takeFile(again!)).equals(await takeFile(original))).toBe(true);
  }, 60_000);

  it('regenerates with the same settings and a new seed', async () => {
    const { batchId, takes: [queued] } = await core.takes.regenerate(takes[0]!.id);
    expect(queued).toMatchObject({ settings: takes[0]!.settings, status: 'queued' });
    expect(queued!.seed).not.toBe(takes[0]!.seed);
    const [made] = await core.takes.waitForBatch(batchId);
    expect(made?.status).toBe('ready');
  }, 60_000);

  it('keeps, stars and discards, then deletes only the discarded files', async () => {
    const [keep, drop] = takes;
    expect(core.takes.update(keep!.id, { verdict: 'kept', starred: true })).toMatchObject({ verdict: 'kept', starred: true });
    core.takes.update(drop!.id, { verdict: 'discarded' });
    const dropFile = core.mediaFile({ kind: 'take', takeId: drop!.id });
    expect(await core.takes.deleteDiscarded({ clipId: model.clipId! })).toEqual({ deleted: 1 });
    await expect(stat(dropFile)).rejects.toThrow(/ENOENT/);
    expect(core.takes.get(drop!.id)).toMatchObject({ hasFile: false, status: 'ready', seed: drop!.seed });
    expect(() => core.mediaFile({ kind: 'take', takeId: drop!.id })).toThrow(/has no audio: its file was deleted/);
    expect((await stat(core.mediaFile({ kind: 'take', takeId: keep!.id }))).size).toBeGreaterThan(0);
    expect(await core.takes.deleteDiscarded({ modelId: model.id })).toEqual({ deleted: 0 });
  });
});

describe('the other modes', () => {
  it('makes a variation, a reconstruction and an extension as long as the training signal', async () => {
    const made: Take[] = [];
    for (const mode of ['variation', 'reconstruct', 'extend'] as const) {
      const { batchId } = await core.takes.generate({ modelId: model.id, mode, seed: '9' });
      made.push(...(await core.takes.waitForBatch(batchId)));
    }
    expect(made.map((t) => [t.settings.mode, t.status, t.error])).toEqual([
      ['variation', 'ready', null],
      ['reconstruct', 'ready', null],
      ['extend', 'ready', null],
    ]);
    expect(made[2]!.settings.extendFromRate).toBe(1000); // half the test preset's 2 kHz top rate
    for (const take of made) expect(take.durationSeconds).toBeCloseTo(1.5, 2);
    // At the song's rate (this bounce is 16 kHz), mono, with the band the 2 kHz model made.
    for (const take of made) expect(take).toMatchObject({ sampleRate: 16_000, render: { modelRate: 2000, channels: 1, fill: null } });
  }, 60_000);

  it('makes the reconstruction once: asking again, for several, or for a new seed says which take has it', async () => {
    const [existing] = core.takes.list({ modelId: model.id }).filter((t) => t.settings.mode === 'reconstruct');
    expect(existing?.status).toBe('ready');
    const before = core.takes.list({ modelId: model.id }).length;
    const refusal = `this model's reconstruction already exists: take ${existing!.id}`;
    await expect(core.takes.generate({ modelId: model.id, mode: 'reconstruct', seed: '10' })).rejects.toThrow(refusal);
    await expect(core.takes.regenerate(existing!.id)).rejects.toThrow(refusal);
    await expect(core.takes.generate({ modelId: model.id, mode: 'reconstruct', count: 3 })).rejects.toThrow(
      'a reconstruction has no randomness: 3 takes would be the same audio; ask for one',
    );
    expect(core.takes.list({ modelId: model.id })).toHaveLength(before);
  });
});

describe('stopping a batch', () => {
  it('cancel: the takes made stay, the rest fail as cancelled, the worker is gone', async () => {
    const { batchId, takes } = await core.takes.generate({ modelId: model.id, count: 4, seconds: 3, seed: '7' });
    const firstReady = when((event) =>
      event === 'takes:did-change' && core.takes.batch(batchId).some((t) => t.status === 'ready') ? true : undefined,
    );
    await firstReady;
    const pid = core.takes.workerPid()!;
    expect(core.takes.cancel(batchId)).toEqual({ cancelled: 3 });
    const ended = await core.takes.waitForBatch(batchId);
    expect(ended.map((t) => [t.status, t.error])).toEqual([
      ['ready', null],
      ['failed', 'cancelled'],
      ['failed', 'cancelled'],
      ['failed', 'cancelled'],
    ]);
    expect(ended[0]!.id).toBe(takes[0]!.id);
    await core.takes.whenIdle();
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    const folder = await readdir(path.join(dir, 'takes', String(model.id)));
    expect(folder.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(core.takes.cancel(batchId)).toEqual({ cancelled: 0 });
    expect(() => core.takes.cancel('nope')).toThrow(/no batch nope/);
  }, 60_000);

  it('a killed worker fails its takes with the reason, and the next batch runs', async () => {
    const { batchId } = await core.takes.generate({ modelId: model.id, count: 2, seconds: 2, seed: '5' });
    await when((event, payload) => (event === 'takes:did-progress' && (payload as { batchId: string }).batchId === batchId ? true : undefined));
    process.kill(core.takes.workerPid()!, 'SIGKILL');
    const ended = await core.takes.waitForBatch(batchId);
    expect(ended.map((t) => t.status)).toEqual(['failed', 'failed']);
    expect(ended[0]!.error).toMatch(/^the generation worker was killed \(SIGKILL\)/);
    const next = await core.takes.generate({ modelId: model.id, seconds: 1, seed: '5' });
    expect((await core.takes.waitForBatch(next.batchId))[0]?.status).toBe('ready');
  }, 60_000);
});

describe('closing the core', () => {
  it('fails the takes in progress as interrupted, and the worker is gone', async () => {
    const closing = await createCore({ dataDir: dir, audio: 'inline', executionProvider: 'cpu' });
    const { batchId } = await closing.takes.generate({ modelId: model.id, count: 3, seconds: 2, seed: '8' });
    await new Promise<void>((resolve) => {
      const off = closing.subscribe((event) => {
        if (event !== 'takes:did-progress') return;
        off();
        resolve();
      });
    });
    const pid = closing.takes.workerPid()!;
    await closing.dispose();
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    const takes = core.takes.batch(batchId);
    expect(takes.map((t) => [t.status, t.error])).toEqual(Array.from({ length: 3 }, () => ['failed', 'interrupted: Eureka was closed while it generated']));
  }, 60_000);
});

describe('a deleted model', () => {
  it('takes its takes and their folder along', async () => {
    const folder = path.join(dir, 'takes', String(model.id));
    expect((await readdir(folder)).length).toBeGreaterThan(0);
    const changed = when((event, payload) =>
      event === 'takes:did-change' && (payload as { modelIds: number[] }).modelIds.includes(model.id) ? true : undefined,
    );
    await core.training.delete(model.id);
    await changed;
    expect(core.takes.list({ modelId: model.id })).toEqual([]);
    await expect(readdir(folder)).rejects.toThrow(/ENOENT/);
  });
});
