/**
 * `eureka transcribe` as a user runs it (the compiled CLI, a real data folder, basic-pitch on
 * its worker thread): a clip of a rendered piano phrase becomes a part whose notes sit on the
 * song's beats, `--redo` replaces them with new settings, and bad input is refused in one line.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { transcriptionOutcomeSchema } from '../../../src-main/common/transcription.js';
import { encodeWav } from '../../../src-main/services/audio/wav.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { PHRASE_TEMPO, renderPhrase } from '../../bench/transcription/known-phrase.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka transcribe', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    // One bar of the phrase (2.4 s at 100 BPM) after a second of silence: bar 1 at 1 s.
    const phrase = renderPhrase(1, 0, 0, 44100);
    const audio = new Float32Array(phrase.audio.length + 44100);
    audio.set(phrase.audio, 44100);
    const wav = path.join(work, 'Riff.wav');
    await writeFile(wav, encodeWav({ sampleRate: 44100, channels: [audio] }, { bitDepth: 16 }));
    expect((await eureka(dataDir, 'import', wav)).code).toBe(0);
    expect((await eureka(dataDir, 'song', 'set', '1', '--tempo', String(PHRASE_TEMPO), '--downbeat', '1')).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '1', '--end', '3.4', '--label', 'U')).code).toBe(0);
  }, 120_000);

  afterAll(() => removeDir(work));

  it('makes a part of a clip, then redoes it with new settings', async () => {
    const made = await eureka(dataDir, '--json', 'transcribe', '1', '--min-note-ms', '80');
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const outcome = transcriptionOutcomeSchema.parse(JSON.parse(made.stdout));
    expect(outcome).toMatchObject({ status: 'done', partName: 'Clip 1 (transcribed)', replaced: false });
    if (outcome.status !== 'done') return;
    expect(outcome.notes).toBeGreaterThanOrEqual(5);
    expect(outcome.settings).toMatchObject({ minNoteMs: 80, onsetThreshold: 0.6, model: 'basic-pitch' });

    const words = await eureka(dataDir, 'transcribe', '--redo', String(outcome.partId), '--onset-threshold', '0.7', '--no-bends');
    expect(words.code).toBe(0);
    expect(words.stdout).toMatch(new RegExp(`^\\d+ notes? replace the notes of 'Clip 1 \\(transcribed\\)' \\(part ${outcome.partId}\\)\\n`));
  }, 180_000);

  it('refuses bad input in one line', async () => {
    const none = await eureka(dataDir, 'transcribe');
    expect(none.code).not.toBe(0);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/name one thing to transcribe/);

    const threshold = await eureka(dataDir, 'transcribe', '1', '--onset-threshold', '2');
    expect(threshold.code).not.toBe(0);
    expect(threshold.stderr).toMatch(/0\.05 to 0\.95/);

    const missing = await eureka(dataDir, 'transcribe', '99');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/99/);
  }, 60_000);
});
