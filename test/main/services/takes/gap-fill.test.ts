/**
 * Takes that drop into the song, on real parts: a stereo 44.1 kHz 24-bit bounce imported into a
 * real SQLite library, a gap clip of it trained by the real training service ('test' preset,
 * 2 kHz), and takes made by the real generation worker process (tsc's build, forked) with
 * onnxruntime. A gap fill is the original clip — its rate, its channels — with the fill spliced
 * in, every sample outside the hole and its crossfades equal to the decoded original; a
 * variation is at the song's rate and says its band; a clip moved after training gets the fill
 * in the model's own copy, and the take says so.
 */
import { readFile } from 'node:fs/promises';
import { createCore, type Core } from '../../../../src-main/core.js';
import type { Clip } from '../../../../src-main/common/dto.js';
import type { Take } from '../../../../src-main/common/generation.js';
import { bandText, gapFillText } from '../../../../src-main/common/take-render.js';
import type { Model } from '../../../../src-main/common/training.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { wavBytes } from '../../../helpers/signals.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 44_100;
const CLIP = { start: 0.25, end: 2.75, holeStart: 1.25, holeEnd: 1.75 };

let dir: string;
let core: Core;
let clip: Clip;
let model: Model;
let original: Float32Array[];

async function makeOne(request: Parameters<Core['takes']['generate']>[0]): Promise<Take> {
  const { batchId } = await core.takes.generate(request);
  const [take] = await core.takes.waitForBatch(batchId);
  expect(take).toMatchObject({ status: 'ready', error: null });
  return take!;
}

async function decodeTake(take: Take): Promise<{ channels: Float32Array[]; sampleRate: number }> {
  return decodeAudio(await readFile(core.mediaFile({ kind: 'take', takeId: take.id })), take.name);
}

beforeAll(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline', executionProvider: 'cpu' });
  const wav = wavBytes({ seconds: 3, sampleRate: RATE, channels: 2, frequency: 220, seed: 6, bitDepth: 24 });
  const { files } = await core.library.importFiles([{ name: 'bridge.wav', data: wav }]);
  const file = files[0]!;
  clip = core.library.addClip({ songId: file.songId, fileId: file.id, label: 'gap', ...CLIP });
  model = await core.training.waitFor((await core.training.create({ clipId: clip.id, preset: 'test', seed: '5' })).id);
  expect(model.status).toBe('done');
  // The clip as the user recorded it: the original decoded, cut where the library cuts clips.
  const decoded = await decodeAudio(await readFile(core.library.originalPath(file.id)), 'bridge.wav');
  const [first, last] = [Math.round(CLIP.start * RATE), Math.round(CLIP.end * RATE)];
  original = decoded.channels.map((channel) => channel.slice(first, last));
}, 180_000);

afterAll(async () => {
  await core?.dispose();
  await removeDir(dir);
});

describe('a gap fill', () => {
  let take: Take;
  let audio: { channels: Float32Array[]; sampleRate: number };

  beforeAll(async () => {
    take = await makeOne({ modelId: model.id, mode: 'gap', seed: '11' });
    audio = await decodeTake(take);
  }, 120_000);

  it('is the original clip at its own rate and channels', () => {
    expect(take).toMatchObject({ sampleRate: RATE, durationSeconds: CLIP.end - CLIP.start });
    // Heard against the clip it is (A/B): its loudness and the clip's measured alike, nearly equal.
    expect(Math.abs(take.loudnessLufs! - take.sourceLoudnessLufs!)).toBeLessThan(1);
    expect(audio.sampleRate).toBe(RATE);
    expect(audio.channels).toHaveLength(2);
    for (const channel of audio.channels) expect(channel).toHaveLength(original[0]!.length);
  });

  it('keeps every sample outside the hole and its crossfades, bit for bit, and fills the hole', () => {
    const hole = take.render!.fill!.holes[0]!;
    const from = Math.round((hole.start - hole.fadeIn) * RATE);
    const to = Math.round((hole.end + hole.fadeOut) * RATE);
    // The hole is where the clip has it (seconds from the clip's start), the crossfades 30 ms.
    expect(hole.start).toBeCloseTo(CLIP.holeStart - CLIP.start, 3);
    expect(hole.end).toBeCloseTo(CLIP.holeEnd - CLIP.start, 3);
    expect([hole.fadeIn, hole.fadeOut]).toEqual([0.03, 0.03]);
    for (let c = 0; c < 2; c++) {
      const take = audio.channels[c]!;
      const clip = original[c]!;
      let changedOutside = 0;
      let changedInside = 0;
      for (let t = 0; t < clip.length; t++) {
        const same = Object.is(take[t], clip[t]);
        if (t < from || t >= to) changedOutside += same ? 0 : 1;
        else changedInside += same ? 0 : 1;
      }
      expect({ channel: c, changedOutside }).toEqual({ channel: c, changedOutside: 0 });
      expect(changedInside).toBeGreaterThan(0.9 * (to - from));
    }
  });

  it('records where the fill sits, what it went into and the band the model made', () => {
    expect(take.render).toMatchObject({ modelRate: 2000, channels: 2, fill: { into: 'original', gainsDb: [expect.any(Number), expect.any(Number)] } });
    expect(gapFillText(take.render!.fill!)).toBe('gap filled 1.0–1.5 s');
    expect(bandText(take.render!)).toBe('up to 1 kHz');
  });

  it('goes into the model’s copy once the clip was moved after training, and says so', async () => {
    const moved = core.library.updateClip(clip.id, { start: CLIP.start + 0.05, end: CLIP.end + 0.05 });
    try {
      const copy = await makeOne({ modelId: model.id, mode: 'gap', seed: '11' });
      expect(copy.render).toMatchObject({ channels: 1, fill: { into: 'model copy' } });
      // The model's copy is mono at 2 kHz: the take is written at 16 kHz.
      expect(copy.sampleRate).toBe(16_000);
    } finally {
      core.library.updateClip(moved.id, { start: CLIP.start, end: CLIP.end });
    }
  }, 120_000);
});

describe('a variation', () => {
  it('is at the song’s rate, mono, and says it has nothing above the model’s Nyquist frequency', async () => {
    const take = await makeOne({ modelId: model.id, mode: 'variation', seed: '3' });
    expect(take).toMatchObject({ sampleRate: RATE, render: { modelRate: 2000, channels: 1, fill: null } });
    const audio = await decodeTake(take);
    expect([audio.sampleRate, audio.channels.length, audio.channels[0]!.length]).toEqual([RATE, 1, original[0]!.length]);
  }, 120_000);
});
