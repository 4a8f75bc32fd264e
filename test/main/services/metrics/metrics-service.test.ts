/**
 * The metrics service end to end on real parts: a real SQLite library with a song whose val
 * clip is held out, a model trained by the real training service ('test' preset), real takes
 * from the generation worker, measured on the real metrics worker threads (tsc's build). One
 * take is doctored the way a memorising model would make it: 1.5 s of the model's own source
 * spliced between noise. Covers storing and reusing measurements, progress, re-scoring on new
 * weights without measuring, ranking with diversity, the picture data, takes without audio,
 * and re-measuring when the song's held-out audio changes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dispatch } from '../../../../src-main/api/dispatch.js';
import type { Take } from '../../../../src-main/common/generation.js';
import { rankingSchema, takeMetricsSchema, type MetricsProgressEvent, type TakeMetrics } from '../../../../src-main/common/metrics.js';
import { createCore, type Core } from '../../../../src-main/core.js';
import { resample } from '../../../../src-main/services/audio/resample.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { loadModelSource } from '../../../../src-main/services/models/model-source.js';
import { createWorkerRunner, resolveMetricsWorkerScript } from '../../../../src-main/services/metrics/metrics-runner.js';
import { mulberry32 } from '../../../fixtures/audio-fixtures.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 16_000;

let dir: string;
let core: Core;
let modelId: number;
let valClipId: number;
let takes: Take[];
const progress: MetricsProgressEvent[] = [];

/** A 6 s song: a tone stepping up every half second, over a little noise. */
function song(): Float32Array {
  const random = mulberry32(5);
  return Float32Array.from({ length: 6 * RATE }, (_, i) => {
    const t = i / RATE;
    return 0.4 * Math.sin(2 * Math.PI * (220 + 40 * Math.floor(t * 2)) * t) + 0.05 * (random() * 2 - 1);
  });
}

/** Overwrites a take's WAV with noise, 1.5 s of the model's source from 1 s on, and noise again (4 s). */
async function spliceSourceInto(take: Take): Promise<void> {
  const source = await loadModelSource(core.training.modelDir(modelId));
  const clip = await resample(source.signal, source.topRate, RATE);
  const random = mulberry32(11);
  const samples = Float32Array.from({ length: 4 * RATE }, () => 0.3 * (random() * 2 - 1));
  samples.set(clip.subarray(0, Math.round(1.5 * RATE)), RATE);
  await writeFile(core.takes.filePath(take.id), encodeWav({ sampleRate: RATE, channels: [samples] }, { bitDepth: 32, float: true }));
}

beforeAll(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline', executionProvider: 'cpu' });
  core.subscribe((event, payload) => {
    if (event === 'metrics:did-progress') progress.push(payload as MetricsProgressEvent);
  });
  const { files } = await core.library.importFiles([{ name: 'steps.wav', data: encodeWav({ sampleRate: RATE, channels: [song()] }, { bitDepth: 16 }) }]);
  const file = files[0]!;
  const clip = core.library.addClip({ songId: file.songId, start: 0, end: 1.5, label: 'U' });
  valClipId = core.library.addClip({ songId: file.songId, start: 3, end: 5, label: 'U', split: 'val' }).id;
  const model = await core.training.waitFor((await core.training.create({ clipId: clip.id, preset: 'test', seed: '3' })).id);
  expect(model.status).toBe('done');
  modelId = model.id;
  const { batchId } = await core.takes.generate({ modelId, mode: 'new', count: 3, seconds: 4, seed: '9' });
  takes = await core.takes.waitForBatch(batchId);
  expect(takes.map((t) => t.status)).toEqual(['ready', 'ready', 'ready']);
  await spliceSourceInto(takes[2]!);
}, 180_000);

afterAll(async () => {
  await core.dispose();
  await removeDir(dir);
});

describe('measuring', () => {
  let first: TakeMetrics[];

  beforeAll(async () => {
    expect(await core.metrics.get(takes[0]!.id)).toBeNull();
    first = await core.metrics.compute({ modelId, jobId: 'job-1' });
  }, 60_000);

  it('measures every take of the model against its source and the held-out clip, with progress', () => {
    expect(first.map((m) => m.takeId)).toEqual(takes.map((t) => t.id));
    for (const metrics of first) {
      expect(takeMetricsSchema.parse(metrics)).toEqual(metrics);
      expect(metrics).toMatchObject({ modelId, durationSeconds: 4 });
      expect(metrics.vsHeldOut).not.toBeNull();
    }
    expect(progress.map((p) => [p.jobId, p.done, p.total])).toEqual([
      ['job-1', 0, 3],
      ['job-1', 1, 3],
      ['job-1', 2, 3],
      ['job-1', 3, 3],
    ]);
    expect(progress.at(-1)!.etaSeconds).toBe(0);
  });

  it('flags where the spliced take copies its source, and not the generated takes', () => {
    const spliced = first[2]!.copy;
    expect(spliced.longestSeconds).toBeGreaterThan(1.3);
    expect(spliced.longestSeconds).toBeLessThan(1.7);
    expect(spliced.regions[0]!.takeStart).toBeCloseTo(1, 0);
    expect(spliced.regions[0]!.sourceStart).toBeLessThan(0.2);
    expect(spliced.nearCopy).toBe(false); // under the default 4 s limit
    for (const generated of first.slice(0, 2)) expect(generated.copy.longestSeconds).toBeLessThan(1);
    expect(first[2]!.score.novelty).toBeLessThan(Math.min(first[0]!.score.novelty, first[1]!.score.novelty));
  });

  it('stores measurements and reuses them without measuring again', async () => {
    progress.length = 0;
    const again = await core.metrics.compute({ takeIds: [takes[1]!.id, takes[0]!.id] });
    expect(again).toEqual([first[1], first[0]]);
    expect(await core.metrics.get(takes[2]!.id)).toEqual(first[2]);
    expect(progress).toEqual([]);
  });

  it('re-scores stored metrics when the weights or the copy limit change, without measuring', async () => {
    progress.length = 0;
    const saved = await core.metrics.setWeights({ fidelity: 1, novelty: 1, copyLimitSeconds: 1 });
    expect(saved).toEqual({ fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 1 });
    expect(JSON.parse(await readFile(path.join(dir, 'metrics-settings.json'), 'utf8'))).toEqual({ weights: saved });
    const strict = (await core.metrics.get(takes[2]!.id))!;
    expect(strict.computedAt).toBe(first[2]!.computedAt);
    expect(strict.copy).toMatchObject({ longestSeconds: first[2]!.copy.longestSeconds, limitSeconds: 1, nearCopy: true });
    expect(strict.score.novelty).toBeLessThan(first[2]!.score.novelty);

    await core.metrics.setWeights({ fidelity: 0, novelty: 1, copyLimitSeconds: 4 });
    const noveltyOnly = (await core.metrics.get(takes[0]!.id))!;
    expect(noveltyOnly.score.total).toBeCloseTo(noveltyOnly.score.novelty, 9);
    await expect(core.metrics.setWeights({ fidelity: 0, novelty: 0, copyLimitSeconds: 4 })).rejects.toThrow(/cannot both be 0/);
    expect(await core.metrics.weights()).toEqual({ fidelity: 0, novelty: 1, copyLimitSeconds: 4 });
    await core.metrics.setWeights({ fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 });
    expect(progress).toEqual([]);
  });
});

describe('ranking and pictures', () => {
  it("ranks the model's takes best first, with their diversity", async () => {
    const envelope = await dispatch(core.handlers, 'metrics:rank', { modelId });
    expect(envelope.ok).toBe(true);
    const ranking = rankingSchema.parse((envelope as { value: unknown }).value);
    expect(ranking.entries.map((e) => e.rank)).toEqual([1, 2, 3]);
    const totals = ranking.entries.map((e) => e.metrics.score.total);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    expect(ranking.diversity).toMatchObject({ modelId, takes: 3 });
    expect(ranking.diversity.meanDistance).toBeGreaterThan(0);
    expect(ranking.diversity.referenceDistance).toBeGreaterThan(0);

    // Novelty alone (this once): the take that copies comes last.
    const byNovelty = await core.metrics.rank(modelId, { weights: { fidelity: 0, novelty: 1, copyLimitSeconds: 4 } });
    expect(byNovelty.entries.at(-1)!.takeId).toBe(takes[2]!.id);
    expect((await core.metrics.weights()).fidelity).toBe(0.5);
  }, 60_000);

  it('gives the picture data of a take beside its source, with the copied stretch', async () => {
    const envelope = await dispatch(core.handlers, 'metrics:get-pictures', { takeId: takes[2]!.id });
    expect(envelope.ok).toBe(true);
    const pictures = (envelope as { value: import('../../../../src-main/common/metrics.js').PictureData }).value;
    const stored = (await core.metrics.get(takes[2]!.id))!;
    expect(pictures).toMatchObject({ takeId: takes[2]!.id, sampleRate: RATE, copies: stored.copy.regions });
    const { take, source, secondsPerColumn } = pictures.waveform;
    expect(take.length * secondsPerColumn).toBeCloseTo(4, 1);
    expect(source.length * secondsPerColumn).toBeCloseTo(1.5, 1);
    expect(pictures.mel.take.length).toBeGreaterThan(pictures.mel.source.length);
  }, 60_000);
});

describe('what cannot be measured, and what goes stale', () => {
  it('refuses takes without audio in a sentence, and ranks without them', async () => {
    core.takes.update(takes[1]!.id, { verdict: 'discarded' });
    await core.takes.deleteDiscarded({ modelId });
    await expect(core.metrics.compute({ takeIds: [takes[1]!.id] })).rejects.toThrow(`take ${takes[1]!.id} has no audio: its file was deleted`);
    expect((await core.metrics.rank(modelId)).entries.map((e) => e.takeId).sort()).toEqual([takes[0]!.id, takes[2]!.id].sort());
    expect(await dispatch(core.handlers, 'metrics:get', { takeId: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch(core.handlers, 'metrics:compute', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(core.handlers, 'metrics:rank', { modelId: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 60_000);

  it("brings a worker's error back with its code", async () => {
    const runner = createWorkerRunner(resolveMetricsWorkerScript(new URL('file:///nowhere/metrics-worker.js')), 1);
    try {
      const job = runner.run({
        kind: 'measure',
        takeId: 41,
        modelId,
        takeFile: path.join(dir, 'takes', 'gone.wav'),
        reference: { modelDir: core.training.modelDir(modelId), heldOut: null },
        weights: { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 },
      });
      await expect(job).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'take 41 has no audio: its file is missing' });
    } finally {
      await runner.dispose();
    }
  });

  it("measures again once the song's held-out audio changed", async () => {
    const before = (await core.metrics.get(takes[0]!.id))!;
    core.library.updateClip(valClipId, { split: 'train' }); // now: the song outside the model's clip
    expect(await core.metrics.get(takes[0]!.id)).toBeNull();
    progress.length = 0;
    const [after] = await core.metrics.compute({ takeIds: [takes[0]!.id] });
    expect(progress.map((p) => [p.done, p.total])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(after!.vsSource).toEqual(before.vsSource);
    expect(after!.vsHeldOut).not.toEqual(before.vsHeldOut);
  }, 60_000);
});
