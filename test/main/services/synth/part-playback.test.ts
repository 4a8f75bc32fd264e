/**
 * Rendered parts as playback WAVs: rendered once and reused, valid 16-bit WAVs the decoder reads
 * back as the synth's samples, kept by a core's start-up sweep; and the worker thread renders
 * the same samples as the inline synth while the event loop keeps ticking. The worker runs tsc's
 * build (out/node), which `npm test` makes first.
 */
import tonejs from '@tonejs/midi';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { dispatch } from '../../../../src-main/api/dispatch.js';
import { AppError } from '../../../../src-main/common/errors.js';
import type { PartMusic } from '../../../../src-main/common/midi.js';
import { createCore } from '../../../../src-main/core.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { AudioStore } from '../../../../src-main/services/store/audio-store.js';
import { PartPlayback } from '../../../../src-main/services/synth/part-playback.js';
import { renderMusic } from '../../../../src-main/services/synth/render-music.js';
import { createInlineSynth, createWorkerSynth, type SynthRunner } from '../../../../src-main/services/synth/synth-runner.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const { Midi } = tonejs;
const WORKER = path.resolve('out/node/src-main/workers/synth-worker.js');

/** A C major arpeggio over `bars` bars of 4/4 at 120 BPM on the electric piano. */
function arpeggio(bars: number): PartMusic {
  const pitches = [60, 64, 67, 72];
  return {
    program: 4,
    channel: 0,
    notes: Array.from({ length: bars * 8 }, (_, i) => ({ pitch: pitches[i % 4]!, startBeats: i / 2, durationBeats: 0.5, velocity: 60 + (i % 5) * 10 })),
    bends: [],
    tempoMap: [{ beats: 0, bpm: 120 }],
    meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
  };
}

/** The real inline synth, counting the renderings it was asked for. */
function countingSynth(): SynthRunner & { renders: number } {
  const inline = createInlineSynth();
  const counted = {
    renders: 0,
    render: inline.render,
    renderWav: (music: PartMusic, options?: Parameters<SynthRunner['renderWav']>[1]) => {
      counted.renders++;
      return inline.renderWav(music, options);
    },
    dispose: inline.dispose,
  };
  return counted;
}

/** How many times a 1 ms interval fired while `work` ran: a blocked event loop fires it once at most. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ ticks: number; value: T }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const value = await work();
    return { ticks, value };
  } finally {
    clearInterval(timer);
  }
}

describe('part playback', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('renders a part once and plays the cached WAV after', async () => {
    const synth = countingSynth();
    const playback = new PartPlayback(new AudioStore(dir), synth);
    const music = arpeggio(2);
    const first = await playback.playbackOf(music);
    expect(first).toMatchObject({ rendered: true, sampleRate: 44_100 });
    // Two bars at 120 BPM (4 s) and the 2 s tail.
    expect(first.durationSeconds).toBeCloseTo(6, 6);
    const written = await stat(first.path);

    const second = await playback.playbackOf(structuredClone(music));
    expect(second).toEqual({ ...first, rendered: false });
    expect(synth.renders).toBe(1);
    expect((await stat(second.path)).mtimeMs).toBe(written.mtimeMs);
    // Another rate, or one note changed, is another rendering.
    expect(playback.renderIdOf(music, { sampleRate: 48_000 })).not.toBe(first.renderId);
    expect(playback.renderIdOf({ ...music, notes: music.notes.map((n, i) => (i === 3 ? { ...n, velocity: n.velocity + 1 } : n)) })).not.toBe(first.renderId);
    // The name and meter do not change the sound, so not the rendering either.
    expect(playback.renderIdOf({ ...music, meterMap: [{ beats: 0, timeSignature: { numerator: 3, denominator: 4 } }] })).toBe(first.renderId);
  }, 30_000);

  it('writes a valid 16-bit stereo WAV holding the synth samples', async () => {
    const playback = new PartPlayback(new AudioStore(dir), createInlineSynth());
    const music = arpeggio(1);
    const { path: file, durationSeconds } = await playback.playbackOf(music);
    const bytes = new Uint8Array(await readFile(file));
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
    expect(new TextDecoder().decode(bytes.subarray(8, 12))).toBe('WAVE');
    const decoded = await decodeAudio(bytes, 'part.wav');
    expect(decoded).toMatchObject({ format: 'wav', sampleRate: 44_100 });
    expect(decoded.channels).toHaveLength(2);
    expect(decoded.channels[0]!.length / 44_100).toBeCloseTo(durationSeconds, 9);
    const synthesised = renderMusic(music);
    let worst = 0;
    for (const c of [0, 1] as const) {
      for (let i = 0; i < synthesised.channels[c].length; i++) worst = Math.max(worst, Math.abs(decoded.channels[c]![i]! - synthesised.channels[c][i]!));
    }
    // 16-bit quantisation, no more.
    expect(worst).toBeLessThanOrEqual(1 / 32_767);
    const out = path.join(dir, 'out', 'part.wav');
    await expect(playback.writeWav(music, out)).rejects.toThrow(AppError);
    await playback.writeWav(music, path.join(dir, 'part.wav'));
    expect(Buffer.compare(await readFile(path.join(dir, 'part.wav')), await readFile(file))).toBe(0);
  }, 30_000);

  it('shares one rendering between callers who ask at once', async () => {
    const synth = countingSynth();
    const playback = new PartPlayback(new AudioStore(dir), synth);
    const answers = await Promise.all([playback.playbackOf(arpeggio(1)), playback.playbackOf(arpeggio(1))]);
    expect(synth.renders).toBe(1);
    expect(answers.map((answer) => answer.rendered).sort()).toEqual([false, true]);
  }, 30_000);

  it('reads no part at all to prune a cache that holds no rendering', () => {
    const playback = new PartPlayback(new AudioStore(dir), createInlineSynth());
    expect(
      playback.prune(() => {
        throw new Error('the parts were read for an empty cache');
      }),
    ).toBe(0);
  });

  it('names no file for an id that is not a rendering', () => {
    const playback = new PartPlayback(new AudioStore(dir), createInlineSynth());
    expect(() => playback.pathOf('../../eureka.db')).toThrow(new AppError('NOT_FOUND', 'there is no such rendering'));
  }, 30_000);

  it('answers parts:get-audio through the contract for a part and a part clip', async () => {
    const core = await createCore({ dataDir: dir });
    try {
      const midi = new Midi();
      midi.header.setTempo(120);
      const track = midi.addTrack();
      track.name = 'Keys';
      // Bar 1 and bar 3 hold four quarter notes each; bar 2 is silent.
      for (const beat of [0, 1, 2, 3, 8, 9, 10, 11]) track.addNote({ midi: 60 + beat, time: beat / 2, duration: 0.5, velocity: 0.7 });
      const imported = await core.library.importFiles([{ name: 'keys.mid', data: midi.toArray() }]);
      const part = imported.parts[0]!;
      const whole = await dispatch(core.handlers, 'parts:get-audio', { partId: part.id });
      expect(whole).toMatchObject({ ok: true, value: { media: { kind: 'rendered' }, sampleRate: 44_100 } });
      const value = (whole as { value: { media: { kind: 'rendered'; renderId: string }; durationSeconds: number } }).value;
      // The last note ends at beat 12 (6 s at 120 BPM), then the tail.
      expect(value.durationSeconds).toBeCloseTo(8, 6);
      expect(existsSync(core.mediaFile(value.media))).toBe(true);

      // Bars 1–2: its notes end at beat 4, but a clip plays to its last bar line (beat 8, 4 s), then the tail.
      const clip = core.parts.addClip({ partId: part.id, startBar: 1, lengthBars: 2 });
      const clipAudio = await dispatch(core.handlers, 'parts:get-audio', { partClipId: clip.id });
      expect((clipAudio as { value: { durationSeconds: number } }).value.durationSeconds).toBeCloseTo(6, 6);


      expect(await dispatch(core.handlers, 'parts:get-audio', { partId: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await dispatch(core.handlers, 'parts:get-audio', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    } finally {
      await core.dispose();
    }
  }, 30_000);

  it("drops at the app's start the renderings no part or clip sounds like any more, and keeps the others", async () => {
    const core = await createCore({ dataDir: dir });
    const midi = new Midi();
    midi.addTrack().addNote({ midi: 64, time: 0, duration: 1, velocity: 0.8 });
    const part = (await core.library.importFiles([{ name: 'one.mid', data: midi.toArray() }])).parts[0]!;
    const current = await core.partAudio.playbackOf(core.parts.musicOf({ partId: part.id }));
    const clip = core.partSound({ partClipId: core.parts.addClip({ partId: part.id, startBar: 1, lengthBars: 1 }).id });
    const currentClip = await core.partAudio.playbackOf(clip.music, clip.options);
    const orphan = await core.partAudio.playbackOf(arpeggio(1));
    await core.dispose();
    // A CLI command leaves the cache alone; the app (and web mode) prune it.
    await (await createCore({ dataDir: dir })).dispose();
    expect(existsSync(orphan.path)).toBe(true);
    const app = await createCore({ dataDir: dir, runQueue: 'all' });
    try {
      expect(existsSync(current.path)).toBe(true);
      expect(existsSync(currentClip.path)).toBe(true);
      expect(existsSync(orphan.path)).toBe(false);
    } finally {
      await app.dispose();
    }
  }, 30_000);

  it("survives a core's start-up sweep of store files no file row names", async () => {
    const core = await createCore({ dataDir: dir });
    const { path: file, renderId } = await core.partAudio.playbackOf(arpeggio(1));
    expect(core.mediaFile({ kind: 'rendered', renderId })).toBe(file);
    await core.dispose();
    const again = await createCore({ dataDir: dir });
    try {
      expect(existsSync(file)).toBe(true);
    } finally {
      await again.dispose();
    }
  }, 30_000);
});

describe('the synth worker thread', () => {
  let worker: SynthRunner;
  beforeAll(() => {
    if (!existsSync(WORKER)) throw new Error('the core is not built: run npm run build:node');
    worker = createWorkerSynth(WORKER);
  });
  afterAll(async () => {
    await worker.dispose();
  });

  it('renders the same samples as the inline synth while the event loop keeps ticking', async () => {
    const music = arpeggio(4);
    // Warm the worker (its first job parses the SoundFont), so the measurement is a rendering.
    await worker.render(arpeggio(1));
    const threaded = await ticksDuring(() => worker.render(music));
    const inline = await ticksDuring(() => createInlineSynth().render(music));
    for (const c of [0, 1] as const) {
      expect(Buffer.from(threaded.value.channels[c].buffer).equals(Buffer.from(inline.value.channels[c].buffer))).toBe(true);
    }
    // Rendering inline holds the loop for the whole rendering; on the worker, the timer fires all along.
    expect(inline.ticks).toBeLessThanOrEqual(1);
    expect(threaded.ticks).toBeGreaterThan(20);
  }, 30_000);

  it('keeps error codes across the thread boundary', async () => {
    await expect(worker.render(arpeggio(1), { sampleRate: 100 })).rejects.toThrow(new AppError('INVALID_INPUT', 'the synth renders at 8000 to 192000 Hz, not 100'));
  }, 30_000);

  it('encodes the playback WAV on the worker byte for byte as inline', async () => {
    const [threaded, inline] = await Promise.all([worker.renderWav(arpeggio(1)), createInlineSynth().renderWav(arpeggio(1))]);
    expect(threaded.frames).toBe(inline.frames);
    expect(Buffer.from(threaded.wav).equals(Buffer.from(inline.wav))).toBe(true);
  }, 30_000);
});
