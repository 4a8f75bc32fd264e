/**
 * The export plan from a request, on real files (no training needed): the library's original of
 * clip 5 (a stereo 44.1 kHz WAV: sines up to 12 kHz on the left, a click track at 90 BPM on the
 * right), fake model folders whose copy of the clip (source.f32 at 16 kHz, as the training
 * service writes it, with clicks at 100 and 140 BPM) is what a model keeps once its clip is
 * deleted, and take WAVs at 16 kHz.
 * Checks that the source clip is the user's audio (channels, full band, the clip's region at the
 * export rate), resampled lengths, sequence and stack placement on exact bar lines, names made
 * unique, provenance, and where the tempo and signature come from (the request, else the song's
 * stored musical time, else 120 BPM in 4/4), never from decoding audio.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clip, Song } from '../../../../src-main/common/dto.js';
import type { MusicalTime } from '../../../../src-main/common/musical-time.js';
import { exportRequestSchema, type ExportRequest } from '../../../../src-main/common/export.js';
import type { Take } from '../../../../src-main/common/generation.js';
import type { Model } from '../../../../src-main/common/training.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { buildExportPlan, placeItems, type ExportSources } from '../../../../src-main/services/export/export-plan-builder.js';
import { secondsPerBar, type ExportItem } from '../../../../src-main/services/export/export-plan.js';
import type { ExportPart, ExportPartSources } from '../../../../src-main/services/export/export-parts.js';
import type { PartMusic } from '../../../../src-main/common/midi.js';
import { secondsAtBeats } from '../../../../src-main/common/tempo-map.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 16_000;
let dir: string;

/** The original's rate and length; clip 5 is 4..12 s of it. */
const ORIGINAL_RATE = 44100;
const ORIGINAL_SECONDS = 14;

function clicks(bpm: number, seconds: number, rate = RATE): Float32Array {
  const out = new Float32Array(seconds * rate);
  const length = Math.round(rate / 100); // 10 ms
  for (let beat = 0; ; beat++) {
    const start = Math.round((0.05 + (beat * 60) / bpm) * rate);
    if (start >= out.length) break;
    for (let i = 0; i < length && start + i < out.length; i++) out[start + i] = 0.6 * Math.exp(-i / (length / 5)) * Math.sin((i * 8000) / rate);
  }
  return out;
}

/** The original's left channel at time t (seconds): band-limited, so it can be compared at any rate. */
function left(t: number): number {
  return 0.3 * Math.sin(2 * Math.PI * 12_000 * t) + 0.2 * Math.sin(2 * Math.PI * 440 * t + 0.5);
}

function take(id: number, modelId: number, name: string, seconds: number): Take {
  return {
    id, modelId, clipId: modelId === 1 ? 5 : null, songId: 7, batchId: 'b', name,
    settings: { mode: 'new', seconds, extendFromRate: null }, seed: String(40 + id),
    checkpoint: { scales: 4, configHash: 'abc' }, status: 'ready', error: null, verdict: 'kept', starred: false,
    sampleRate: RATE, durationSeconds: seconds, loudnessLufs: -20, sourceLoudnessLufs: -20, executionProvider: 'cpu',
    generateSeconds: 1, render: null, hasFile: true, createdAt: '2026-11-01T00:00:00Z', finishedAt: '2026-11-01T00:00:01Z',
  };
}

const takes = [take(1, 1, 'Take 1', 2), take(2, 1, 'Take 2', 3.3), take(3, 2, 'Take 1', 1)];

/** Song 7's stored musical time as the library answers it (null: the song is gone). */
let songTime: MusicalTime | null = null;
const musicalTime = (overrides: Partial<MusicalTime>): MusicalTime => ({
  tempo: 96, tempoSource: 'estimated', timeSignature: { numerator: 4, denominator: 4 }, timeSignatureSource: 'default',
  downbeatSeconds: 0.1, downbeatSource: 'estimated', key: 'A minor', keySource: 'estimated', ...overrides,
});

function sources(): ExportSources {
  return {
    take: (id) => takes.find((t) => t.id === id)!,
    takeFile: (id) => path.join(dir, `take-${id}.wav`),
    model: (id) => ({ id, name: `Verse idea · 0:0${id}–0:08`, preset: 'test' }) as Model,
    modelDir: (id) => path.join(dir, `model-${id}`),
    clip: (id) => (id === 5 ? ({ id: 5, fileId: 9, start: 4, end: 12, label: 'U' } as Clip) : null),
    song: (id) => ({ id, name: 'Verse idea' }) as Song,
    musicalTime: (id) => Promise.resolve(id === 7 ? songTime : null),
    originalFile: (fileId) => ({ path: path.join(dir, `original-${fileId}.wav`), name: 'Verse idea.wav' }),
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
  const original = [
    Float32Array.from({ length: ORIGINAL_SECONDS * ORIGINAL_RATE }, (_, i) => left(i / ORIGINAL_RATE)),
    clicks(90, ORIGINAL_SECONDS, ORIGINAL_RATE),
  ];
  await writeFile(path.join(dir, 'original-9.wav'), encodeWav({ sampleRate: ORIGINAL_RATE, channels: original }, { bitDepth: 32, float: true }));
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
    expect(plan.items.map((item) => [item.name, item.kind, item.channels.length, item.channels[0]!.length])).toEqual([
      ['Source clip · model 1', 'source', 2, 8 * 48000], // the original's region, both channels
      ['Source clip · model 2', 'source', 1, 8 * 48000], // its clip is gone: the model's copy
      ['Take 1 · model 1', 'take', 1, 2 * 48000],
      ['Take 2', 'take', 1, 3.3 * 48000],
      ['Take 1 · model 2', 'take', 1, 1 * 48000],
    ]);
    // 120 BPM 4/4: 2 s bars. 8 s ends on bar 4 → next at bar 5 (8 s ends exactly: one bar gap).
    expect(plan.items.map((item) => item.startSeconds)).toEqual([0, 10, 20, 24, 28]);
    expect(plan.items[0]!.comment).toBe('source clip 0:04–0:12');
    expect(plan.items[3]!.comment).toBe('model 1 · new · seed 42');
    expect(plan.items[3]!.provenance).toMatchObject({
      kind: 'take', takeId: 2, mode: 'new', seed: '42', preset: 'test', ratings: [],
      song: { id: 7, name: 'Verse idea' }, clip: { id: 5, start: 4, end: 12 }, model: { id: 1 },
    });
    expect(plan.items[1]!.provenance).toMatchObject({ kind: 'source', clip: null, model: { id: 2 }, sourceAudio: 'model copy' });
    expect(plan.items[1]!.comment).toBe("source clip 0:02–0:08 (the model's 16 kHz copy: the clip was deleted)");
  }, 60_000);

  it("exports the source clip from the library's original: its channels, its full band, its region at the export rate", async () => {
    const { plan } = await build({ takeIds: [1], tempo: 120, sampleRate: 48000 });
    const source = plan.items[0]!;
    expect(source.kind).toBe('source');
    expect(source.provenance).toMatchObject({ sourceAudio: 'original', sourceSampleRate: ORIGINAL_RATE, clip: { id: 5, start: 4, end: 12 } });
    expect(source.channels).toHaveLength(2);
    const [l, r] = source.channels as [Float32Array, Float32Array];
    expect(l.length).toBe(8 * 48000);
    // Left: the original's 4..12 s resampled, against the same sines computed at 48 kHz
    // (away from the ends, where the cut region starts and stops abruptly).
    let worst = 0;
    for (let i = 0.05 * 48000; i < l.length - 0.05 * 48000; i++) worst = Math.max(worst, Math.abs(l[i]! - left(4 + i / 48000)));
    expect(worst).toBeLessThan(1e-6);
    // The 12 kHz line is there at full level (a 16 kHz model copy holds nothing above 8 kHz).
    expect(toneAmplitude(l, 12_000, 48000)).toBeCloseTo(0.3, 2);
    // Right: the clicks, at 0.05 + 2/3·k s of the original; the first inside the region is at
    // 4.05 s, 0.05 s into the clip.
    const firstClick = r.findIndex((v) => Math.abs(v) > 0.05);
    expect(firstClick / 48000).toBeCloseTo(0.05, 2);
    expect(toneAmplitude(r, 12_000, 48000)).toBeLessThan(0.01);
  }, 60_000);

  it("takes the song's stored tempo and signature, and says where the tempo came from", async () => {
    try {
      songTime = musicalTime({ tempo: 96 });
      const estimated = await build({ takeIds: [1], includeSource: false });
      expect([estimated.tempoSource, estimated.plan.tempo, estimated.plan.timeSignature]).toEqual(['estimate', 96, { numerator: 4, denominator: 4 }]);

      songTime = musicalTime({ tempo: 84, tempoSource: 'user', timeSignature: { numerator: 3, denominator: 4 }, timeSignatureSource: 'user' });
      const set = await build({ takeIds: [1, 2], includeSource: false });
      expect([set.tempoSource, set.plan.tempo, set.plan.timeSignature]).toEqual(['song', 84, { numerator: 3, denominator: 4 }]);
      // On the song's grid: 84 BPM in 3/4 is 15/7 s a bar; Take 1 (2 s) fills bar 1, Take 2 starts at bar 2.
      expect(set.plan.items.map((item) => item.startBeats)).toEqual([0, 3]);
      expect(set.plan.items[1]!.startSeconds).toBeCloseTo(180 / 84, 12);

      songTime = musicalTime({ tempo: 120, tempoSource: 'default' });
      expect((await build({ takeIds: [1], includeSource: false })).tempoSource).toBe('fallback');

      // The request's tempo and signature win over the song's.
      songTime = musicalTime({ tempo: 84, tempoSource: 'user' });
      const asked = await build({ takeIds: [1], includeSource: false, tempo: 100, timeSignature: { numerator: 6, denominator: 8 } });
      expect([asked.tempoSource, asked.plan.tempo, asked.plan.timeSignature]).toEqual(['user', 100, { numerator: 6, denominator: 8 }]);
    } finally {
      songTime = null;
    }
  }, 60_000);

  it('falls back to 120 BPM in 4/4 when the song is gone, without reading any source clip', async () => {
    const steps: string[] = [];
    const { plan, tempoSource } = await buildExportPlan(
      exportRequestSchema.parse({ takeIds: [3], includeSource: false, sampleRate: 44100 }),
      sources(),
      (label) => steps.push(label),
    );
    expect([tempoSource, plan.tempo, plan.timeSignature]).toEqual(['fallback', 120, { numerator: 4, denominator: 4 }]);
    expect(steps).toEqual(['Take 1']);
    expect(plan.items.map((item) => [item.name, item.channels[0]!.length])).toEqual([['Take 1', 44100]]);
  }, 60_000);

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

/** The amplitude of the sine at `hz` in `samples` (a whole number of its periods long). */
function toneAmplitude(samples: Float32Array, hz: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < samples.length; i++) {
    re += samples[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += samples[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / samples.length;
}

describe('MIDI parts beside takes', () => {
  /** A part in 6/8 at 70 BPM with a tempo change: none of it may reach the takes' grid. */
  const part: ExportPart = {
    name: 'hook',
    songId: 7,
    lengthBeats: 6,
    provenance: { part: { id: 4 } },
    music: {
      program: 0, channel: 0, bends: [],
      notes: [{ pitch: 60, startBeats: 0, durationBeats: 1, velocity: 90 }, { pitch: 64, startBeats: 4.5, durationBeats: 1.5, velocity: 60 }],
      tempoMap: [{ beats: 0, bpm: 70 }, { beats: 3, bpm: 80 }],
      meterMap: [{ beats: 0, timeSignature: { numerator: 6, denominator: 8 } }],
    },
  };
  const rendered: PartMusic[] = [];
  const parts: ExportPartSources = {
    part: () => part,
    render: (music, options) => {
      rendered.push(music);
      // Two channels of a steady level, as long as asked (the real synth is exercised in midi-parts-export.test.ts).
      const frames = Math.round(secondsAtBeats(music.tempoMap, options.toBeats) * options.sampleRate);
      return Promise.resolve({ channels: [new Float32Array(frames).fill(0.1), new Float32Array(frames).fill(0.1)], sampleRate: options.sampleRate });
    },
  };

  it("places a part after the takes on the takes' grid, its notes at their beats, rendered at the song's tempo", async () => {
    songTime = musicalTime({ tempo: 120, tempoSource: 'user', timeSignature: { numerator: 4, denominator: 4 } });
    const { plan, tempoSource } = await buildExportPlan(
      exportRequestSchema.parse({ takeIds: [2], partIds: [4], includeSource: false, sampleRate: 48000 }),
      { ...sources(), parts },
      undefined,
      new Date(0),
    );
    songTime = null;
    expect(tempoSource).toBe('song');
    expect([plan.tempo, plan.timeSignature, plan.tempoMap, plan.meterMap]).toEqual([120, { numerator: 4, denominator: 4 }, undefined, undefined]);
    // Take 2 is 3.3 s = 6.6 beats: it ends in bar 2, so the part starts at bar 3 (beat 8, 4 s).
    const [, hook] = plan.items;
    expect(hook).toMatchObject({ name: 'hook (Piano (Acoustic Grand))', kind: 'part', startBeats: 8, startSeconds: 4 });
    // Two 6/8 bars of the part's own meter; the notes as the part has them.
    expect(hook!.midi).toEqual({ program: 0, channel: 0, notes: part.music.notes, bends: [], lengthBeats: 6 });
    expect(rendered.map((music) => music.tempoMap)).toEqual([[{ beats: 0, bpm: 120 }]]);
    expect(hook!.channels.map((channel) => channel.length)).toEqual([3 * 48000, 3 * 48000]); // 6 beats at 120
    expect(hook!.provenance).toMatchObject({ kind: 'part', part: { id: 4 }, song: { id: 7 } });
  });
});

describe('placeItems', () => {
  const item = (seconds: number): ExportItem => ({
    name: 'x', kind: 'take', channels: [new Float32Array(Math.round(seconds * 48000))], startSeconds: -1, startBeats: -1,
    comment: '', provenance: {}, midi: null,
  });

  it('places items on exact bar lines: bar 11 of 3/4 at 84 BPM is beat 30, not 29.999999999999996', () => {
    const plan = { tempo: 84, timeSignature: { numerator: 3, denominator: 4 }, sampleRate: 48000 as const, placement: 'sequence' as const };
    // A bar is 15/7 s: each 20 s item ends inside its 10th bar, so the next starts 10 bars later.
    const placed = placeItems([item(20), item(20), item(20)], plan);
    expect(placed.map((p) => p.startBeats)).toEqual([0, 30, 60]);
    // Seconds in one division from the beat (the nearest double to 30 · 60 / 84).
    expect(placed.map((p) => p.startSeconds)).toEqual([0, 1800 / 84, 3600 / 84]);
  });

  it('keeps beats exact at tempi that are not whole numbers', () => {
    const plan = { tempo: 97.3, timeSignature: { numerator: 7, denominator: 8 }, sampleRate: 44100 as const, placement: 'sequence' as const };
    const placed = placeItems([item(1), item(1), item(1)], plan);
    // 7/8 is 3.5 quarter notes a bar: every start is a whole number of bars of it.
    for (const p of placed) expect(Number.isInteger(p.startBeats / 3.5)).toBe(true);
    for (const p of placed) expect(p.startSeconds).toBe((p.startBeats * 60) / 97.3);
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
