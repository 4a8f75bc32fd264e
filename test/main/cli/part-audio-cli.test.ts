/**
 * `eureka part <id> --wav` through the real CLI: a MIDI file written with @tonejs/midi is
 * imported, its part and one of its clips render into WAVs the decoder reads back at the right
 * length, the second run plays the cached rendering, and wrong combinations get one-line errors.
 */
import tonejs from '@tonejs/midi';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeAudio } from '../../../src-main/services/audio/decode.js';
import { runEureka } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

const { Midi } = tonejs;

/** Two tracks at 120 BPM in 4/4: a piano playing a quarter note per beat for 4 bars, a bass on bar 3. */
function midiFile(): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(120);
  const piano = midi.addTrack();
  piano.name = 'Piano';
  piano.instrument.number = 0;
  for (let beat = 0; beat < 16; beat++) piano.addNote({ midi: 60 + (beat % 8), time: beat / 2, duration: 0.5, velocity: 0.8 });
  const bass = midi.addTrack();
  bass.name = 'Bass';
  bass.channel = 1;
  bass.instrument.number = 33;
  bass.addNote({ midi: 36, time: 4, duration: 2, velocity: 0.9 });
  return midi.toArray();
}

describe('eureka part --wav', () => {
  let dir: string;
  let dataDir: string;
  let pianoId: number;
  let bassId: number;

  beforeAll(async () => {
    dir = await makeTempDir();
    dataDir = path.join(dir, 'data');
    await writeFile(path.join(dir, 'song.mid'), midiFile());
    const imported = await runEureka(dataDir, ['import', path.join(dir, 'song.mid'), '--json']);
    expect(imported.code).toBe(0);
    const parts = JSON.parse((await runEureka(dataDir, ['parts', '--json'])).stdout) as { id: number; name: string }[];
    pianoId = parts.find((part) => part.name.includes('Piano'))!.id;
    bassId = parts.find((part) => part.name.includes('Bass'))!.id;
  }, 60_000);
  afterAll(async () => {
    await removeDir(dir);
  });

  it('renders a part into a WAV, and plays the cached rendering the second time', async () => {
    const out = path.join(dir, 'piano.wav');
    const first = await runEureka(dataDir, ['part', String(pianoId), '--wav', out, '--json']);
    expect(first.code).toBe(0);
    const answer = JSON.parse(first.stdout) as { file: string; durationSeconds: number; sampleRate: number; rendered: boolean };
    // 16 quarter notes at 120 BPM end at 8 s; the release tail adds 2 s.
    expect(answer).toMatchObject({ file: out, sampleRate: 44_100, rendered: true });
    expect(answer.durationSeconds).toBeCloseTo(10, 6);
    const decoded = await decodeAudio(new Uint8Array(await readFile(out)), 'piano.wav');
    expect(decoded.channels).toHaveLength(2);
    expect(decoded.channels[0]!.length).toBe(10 * 44_100);

    const again = await runEureka(dataDir, ['part', String(pianoId), '--wav', path.join(dir, 'again.wav'), '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ rendered: false });
    expect(Buffer.compare(await readFile(out), await readFile(path.join(dir, 'again.wav')))).toBe(0);

    const words = await runEureka(dataDir, ['part', String(pianoId), '--wav', out]);
    expect(words.stdout).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*Piano.*, 0:10\\.000 \\(44100 Hz, 16-bit stereo\\)\\n$`));
  }, 60_000);

  it('renders one clip of a part with --clip, from the clip start', async () => {
    const clip = await runEureka(dataDir, ['clip', 'add', '1', '--part', String(pianoId), '--bars', '3:2', '--json']);
    expect(clip.code).toBe(0);
    const clipId = (JSON.parse(clip.stdout) as { id: number }).id;
    const out = path.join(dir, 'clip.wav');
    const rendered = await runEureka(dataDir, ['part', String(pianoId), '--clip', String(clipId), '--wav', out, '--json']);
    expect(rendered.code).toBe(0);
    // Bars 3–4 hold beats 8–16: 8 quarter notes (4 s) and the tail.
    expect((JSON.parse(rendered.stdout) as { durationSeconds: number }).durationSeconds).toBeCloseTo(6, 6);
    const decoded = await decodeAudio(new Uint8Array(await readFile(out)), 'clip.wav');
    // The clip's first note sounds at once.
    expect(decoded.channels[0]!.subarray(0, 441).some((sample) => Math.abs(sample) > 1e-3)).toBe(true);

    const wrongPart = await runEureka(dataDir, ['part', String(bassId), '--clip', String(clipId), '--wav', out]);
    expect(wrongPart.code).not.toBe(0);
    expect(wrongPart.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrongPart.stderr).toContain(`part clip ${clipId} is part ${pianoId}'s, not part ${bassId}'s`);
  }, 60_000);

  it('refuses --clip without --wav, and a folder that does not exist, in one line', async () => {
    const noWav = await runEureka(dataDir, ['part', String(pianoId), '--clip', '1']);
    expect(noWav.code).not.toBe(0);
    expect(noWav.stderr).toContain('--clip goes with --wav');
    const nowhere = await runEureka(dataDir, ['part', String(pianoId), '--wav', path.join(dir, 'missing', 'x.wav')]);
    expect(nowhere.code).not.toBe(0);
    expect(nowhere.stderr.trim().split('\n')).toHaveLength(1);
    expect(nowhere.stderr).toContain('cannot write x.wav');
  }, 60_000);
});
