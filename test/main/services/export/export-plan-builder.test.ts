/**
 * The export plan from a request, on real files in a fake model folder (no training needed):
 * a source clip with a click track at 100 BPM (source.f32 at 16 kHz, as the training service
 * writes it) and take WAVs at 16 kHz. Checks resampled lengths, sequence and stack placement on
 * bar lines, names made unique, provenance, and where the tempo comes from.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clip, Song } from '../../../../src-main/common/dto.js';
import { exportRequestSchema, type ExportRequest } from '../../../../src-main/common/export.js';
import type { Take } from '../../../../src-main/common/generation.js';
import type { Model } from '../../../../src-main/common/training.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { buildExportPlan, placeItems, type ExportSources } from '../../../../src-main/services/export/export-plan-builder.js';
import { secondsPerBar, type ExportItem } from '../../../../src-main/services/export/export-plan.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 16_000;
let dir: string;

function clicks(bpm: number, seconds: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  for (let beat = 0; ; beat++) {
    const start = Math.round((0.05 + (beat * 60) / bpm) * RATE);
    if (start >= out.length) break;
    for (let i = 0; i < 160 && start + i < out.length; i++) out[start + i] = 0.6 * Math.exp(-i / 32) * Math.sin(i / 2);
  }
  return out;
}

function take(id: number, modelId: number, name: string, seconds: number): Take {
  return {
    id, modelId, clipId: modelId === 1 ? 5 : null, songId: 7, batchId: 'b', name,
    settings: { mode: 'new', seconds, extendFromRate: null }, seed: String(40 + id),
    checkpoint: { scales: 4, configHash: 'abc' }, status: 'ready', error: null, verdict: 'kept', starred: false,
    sampleRate: RATE, durationSeconds: seconds, loudnessLufs: -20, sourceLoudnessLufs: -20, executionProvider: 'cpu',
    generateSeconds: 1, hasFile: true, createdAt: '2026-11-01T00:00:00Z', finishedAt: '2026-11-01T00:00:01Z',
  };
}

const takes = [take(1, 1, 'Take 1', 2), take(2, 1, 'Take 2', 3.3), take(3, 2, 'Take 1', 1)];

function sources(): ExportSources {
  return {
    take: (id) => takes.find((t) => t.id === id)!,
    takeFile: (id) => path.join(dir, `take-${id}.wav`),
    model: (id) => ({ id, name: `Verse idea · 0:0${id}–0:08`, preset: 'test' }) as Model,
    modelDir: (id) => path.join(dir, `model-${id}`),
    clip: (id) => (id === 5 ? ({ id: 5, start: 4, end: 12, label: 'U' } as Clip) : null),
    song: (id) => ({ id, name: 'Verse idea' }) as Song,
  };
}

beforeAll(async () => {
  dir = await makeTempDir();
  for (const [modelId, bpm] of [[1, 100], [2, 140]] as const) {
    const source = clicks(bpm, 8);
    await mkdir(path.join(dir, `model-${modelId}`));
    await writeFile(path.join(dir, `model-${modelId}`, 'source.f32'), new Uint8Array(source.buffer));
    await writeFile(path.join(dir, `model-${modelId}`, 'source.json'), JSON.stringify({ sampleRate: RATE, samples: source.length, label: 'U', hole: null }));
  }
  for (const t of takes) {
    const samples = Float32Array.from({ length: Math.round(t.durationSeconds! * RATE) }, (_, i) => 0.3 * Math.sin(i / 5));
    await writeFile(path.join(dir, `take-${t.id}.wav`), encodeWav({ sampleRate: RATE, channels: [samples] }, { bitDepth: 32, float: true }));
  }
});

afterAll(() => removeDir(dir));

const build = (request: ExportRequest) => buildExportPlan(exportRequestSchema.parse(request), sources(), undefined, new Date(0));

describe('buildExportPlan', () => {
  it('puts one source per clip first, resamples everything, and places items on bar lines', async () => {
    const { plan, tempoSource } = await build({ takeIds: [1, 2, 3], tempo: 120, sampleRate: 48000 });
    expect(tempoSource).toBe('user');
    expect(plan.songName).toBe('Verse idea');
    expect(plan.items.map((item) => [item.name, item.kind, item.samples.length])).toEqual([
      ['Source clip · model 1', 'source', 8 * 48000],
      ['Source clip · model 2', 'source', 8 * 48000],
      ['Take 1 · model 1', 'take', 2 * 48000],
      ['Take 2', 'take', 3.3 * 48000],
      ['Take 1 · model 2', 'take', 1 * 48000],
    ]);
    // 120 BPM 4/4: 2 s bars. 8 s ends on bar 4 → next at bar 5 (8 s ends exactly: one bar gap).
    expect(plan.items.map((item) => item.startSeconds)).toEqual([0, 10, 20, 24, 28]);
    expect(plan.items[0]!.comment).toBe('source clip 0:04–0:12');
    expect(plan.items[3]!.comment).toBe('model 1 · new · seed 42');
    expect(plan.items[3]!.provenance).toMatchObject({
      kind: 'take', takeId: 2, mode: 'new', seed: '42', preset: 'test', ratings: [],
      song: { id: 7, name: 'Verse idea' }, clip: { id: 5, start: 4, end: 12 }, model: { id: 1 },
    });
    expect(plan.items[1]!.provenance).toMatchObject({ kind: 'source', clip: null, model: { id: 2 } });
  });

  it('estimates the tempo from the first source clip, also when it is left out', async () => {
    const included = await build({ takeIds: [2], placement: 'stack' });
    expect(included.tempoSource).toBe('estimate');
    expect(included.plan.tempo).toBeCloseTo(100, 0);
    expect(included.plan.items.map((item) => [item.name, item.startSeconds])).toEqual([['Source clip', 0], ['Take 2', 0]]);
    const left = await build({ takeIds: [3], includeSource: false, sampleRate: 44100 });
    expect(left.plan.tempo).toBeCloseTo(140, 0);
    expect(left.plan.items.map((item) => [item.name, item.samples.length])).toEqual([['Take 1', 44100]]);
  });

  it('refuses takes that have no audio', async () => {
    const failed = { ...takes[0]!, id: 9, status: 'failed' as const };
    takes.push(failed);
    try {
      await expect(build({ takeIds: [9] })).rejects.toThrow('take 9 cannot be exported: it is failed');
    } finally {
      takes.pop();
    }
  });
});

describe('placeItems', () => {
  const item = (seconds: number): ExportItem => ({
    name: 'x', kind: 'take', samples: new Float32Array(Math.round(seconds * 48000)), startSeconds: -1, comment: '', provenance: {}, midi: null,
  });

  it('starts each item at the first bar line after the previous one ends', () => {
    const plan = { tempo: 90, timeSignature: { numerator: 3, denominator: 4 }, sampleRate: 48000 as const, placement: 'sequence' as const };
    const bar = secondsPerBar(plan);
    expect(bar).toBeCloseTo(2, 12);
    const placed = placeItems([item(0.5), item(2), item(4.1)], plan);
    expect(placed.map((p) => p.startSeconds / bar)).toEqual([0, 1, 3]);
  });

  it('counts a bar in the time signature’s own beats (6/8 at 120 = three quarter notes)', () => {
    expect(secondsPerBar({ tempo: 120, timeSignature: { numerator: 6, denominator: 8 } })).toBeCloseTo(1.5, 12);
  });

  it('stacks every item at bar 1', () => {
    const plan = { tempo: 90, timeSignature: { numerator: 4, denominator: 4 }, sampleRate: 48000 as const, placement: 'stack' as const };
    expect(placeItems([item(1), item(2)], plan).map((p) => p.startSeconds)).toEqual([0, 0]);
  });
});
