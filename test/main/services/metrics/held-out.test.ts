/**
 * Which held-out real audio a model's takes are compared with (services/metrics/held-out.ts),
 * on a real library (SQLite, the store, imported WAVs): the song's val/test clips minus the
 * model's clip, else the song outside the clip, else none; short pieces dropped, the total
 * capped; and the decoded audio is exactly the stretches planned (a ramp shows where it came
 * from).
 */
import { createCore, type Core } from '../../../../src-main/core.js';
import {
  heldOutKey,
  loadHeldOut,
  MAX_TOTAL_SECONDS,
  planHeldOut,
  type HeldOutPlan,
} from '../../../../src-main/services/metrics/held-out.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 16_000;

/** A rising ramp from -0.9 to 0.9 (sample i tells its own position), mono 16-bit. */
function ramp(seconds: number): Float32Array {
  const n = Math.round(seconds * RATE);
  return Float32Array.from({ length: n }, (_, i) => -0.9 + (1.8 * i) / n);
}

let dir: string;
let core: Core;

async function importSong(name: string, samples: Float32Array): Promise<{ songId: number; fileId: number }> {
  const { files } = await core.library.importFiles([{ name, data: encodeWav({ sampleRate: RATE, channels: [samples] }, { bitDepth: 16 }) }]);
  return { songId: files[0]!.songId, fileId: files[0]!.id };
}

function pieces(plan: HeldOutPlan | null): [number, number][] {
  return (plan?.pieces ?? []).map((p) => [p.start, p.end]);
}

beforeAll(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline' });
});

afterAll(async () => {
  await core.dispose();
  await removeDir(dir);
});

describe('planHeldOut and loadHeldOut', () => {
  const signal = ramp(10);
  let song: { songId: number; fileId: number };
  let clipId: number;

  beforeAll(async () => {
    song = await importSong('ramp.wav', signal);
    clipId = core.library.addClip({ songId: song.songId, start: 2, end: 4, label: 'U' }).id;
  });

  it('takes the song outside the clip when no clip is held out', async () => {
    const plan = planHeldOut(core.library, { clipId, songId: song.songId });
    expect(plan?.rule).toBe('the song outside the clip');
    expect(pieces(plan)).toEqual([
      [0, 2],
      [4, 10],
    ]);
    expect(plan?.seconds).toBeCloseTo(8, 9);
    expect(plan?.pieces.every((p) => p.file === core.library.playbackPath(song.fileId))).toBe(true);

    const audio = await loadHeldOut(plan!, RATE);
    expect(audio.length).toBe(8 * RATE);
    // [0, 2 s) then [4 s, 10 s): the ramp's own values, to 16-bit precision.
    expect(audio[0]).toBeCloseTo(signal[0]!, 4);
    expect(audio[2 * RATE - 1]).toBeCloseTo(signal[2 * RATE - 1]!, 4);
    expect(audio[2 * RATE]).toBeCloseTo(signal[4 * RATE]!, 4);
    expect(audio.at(-1)).toBeCloseTo(signal.at(-1)!, 4);
  });

  it('prefers val and test clips, without the part the model learned, and drops short pieces', async () => {
    const before = heldOutKey(planHeldOut(core.library, { clipId, songId: song.songId }));
    core.library.addClip({ songId: song.songId, start: 3, end: 7, label: 'V', split: 'val' });
    core.library.addClip({ songId: song.songId, start: 1.7, end: 3, label: 'U', split: 'test' }); // 0.3 s left outside the model's clip: too short
    core.library.addClip({ songId: song.songId, start: 8.5, end: 10, label: 'U', split: 'train' }); // not held out
    const plan = planHeldOut(core.library, { clipId, songId: song.songId });
    expect(plan?.rule).toBe('held-out clips');
    expect(pieces(plan)).toEqual([[4, 7]]);
    expect(heldOutKey(plan)).not.toBe(before);
    expect(heldOutKey(planHeldOut(core.library, { clipId, songId: song.songId }))).toBe(heldOutKey(plan));

    const audio = await loadHeldOut(plan!, RATE);
    expect(audio.length).toBe(3 * RATE);
    expect(audio[0]).toBeCloseTo(signal[4 * RATE]!, 4);
    expect(audio.at(-1)).toBeCloseTo(signal[7 * RATE - 1]!, 4);
    // At another rate: the same stretch, resampled.
    expect((await loadHeldOut(plan!, 8000)).length).toBe(3 * 8000);
  });

  it('uses every held-out clip of a song whose model lost its clip', () => {
    const plan = planHeldOut(core.library, { clipId: null, songId: song.songId });
    expect(plan?.rule).toBe('held-out clips');
    expect(pieces(plan)).toEqual([
      [1.7, 3],
      [3, 7],
    ]);
  });

  it('has none without a song, or when the clip is the whole song', async () => {
    expect(planHeldOut(core.library, { clipId, songId: null })).toBeNull();
    expect(heldOutKey(null)).toBe('none');
    const whole = await importSong('short.wav', ramp(3));
    const wholeClip = core.library.addClip({ songId: whole.songId, start: 0, end: 3, label: 'U' });
    expect(planHeldOut(core.library, { clipId: wholeClip.id, songId: whole.songId })).toBeNull();
    // 1.2 s outside the clip is below the 2 s minimum.
    const nearly = core.library.addClip({ songId: whole.songId, start: 0.6, end: 2.4, label: 'U' });
    expect(planHeldOut(core.library, { clipId: nearly.id, songId: whole.songId })).toBeNull();
    expect(planHeldOut(core.library, { clipId: 9999, songId: 9999 })).toBeNull();
  });

  it(`caps the held-out audio at ${MAX_TOTAL_SECONDS} s`, async () => {
    const long = await importSong('long.wav', ramp(75));
    const clip = core.library.addClip({ songId: long.songId, start: 5, end: 10, label: 'U' });
    const plan = planHeldOut(core.library, { clipId: clip.id, songId: long.songId });
    expect(pieces(plan)).toEqual([
      [0, 5],
      [10, 65],
    ]);
    expect(plan?.seconds).toBe(MAX_TOTAL_SECONDS);
  });
});
