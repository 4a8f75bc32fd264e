/**
 * Musical time on the command line, as a user runs it (the compiled CLI, a real data folder):
 * `songs` and `song show` give the tempo and key the import found in a song at 96 BPM in A
 * minor, `song set` changes them (JSON and words), `clip add --bars 2:4` cuts four bars from bar
 * 2 on the song's grid and `clips` says so, `generate --bars` makes a take of that many bars
 * of the song; bad values are refused in one line.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { clipSchema, songSchema } from '../../../src-main/common/dto.js';
import { takeSchema } from '../../../src-main/common/generation.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { SONG_BAR_SECONDS, aMinorAt96Wav } from '../../helpers/musical-signals.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka song, clip add --bars, generate --bars', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const wav = path.join(work, 'Night Drive.wav');
    await writeFile(wav, aMinorAt96Wav({ seconds: 20, sampleRate: 16_000, downbeat: 0.5 }));
    expect((await eureka(dataDir, 'import', wav)).code).toBe(0);
  }, 120_000);

  afterAll(() => removeDir(work));

  it('lists the tempo and key the import found, and shows where each came from', async () => {
    const listed = await eureka(dataDir, 'songs');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/TEMPO\s+METER\s+KEY/);
    expect(listed.stdout).toMatch(/9[56](\.\d+)? BPM\s+4\/4\s+A minor/);

    const json = await eureka(dataDir, '--json', 'songs');
    const [song] = z.array(songSchema).parse(JSON.parse(json.stdout));
    expect(song!.musicalTime).toMatchObject({ tempoSource: 'estimated', key: 'A minor', keySource: 'estimated' });
    expect(Math.abs(song!.musicalTime!.tempo - 96)).toBeLessThanOrEqual(0.1);

    const shown = await eureka(dataDir, 'song', 'show', '1');
    expect(shown.stdout).toMatch(/key\s+A minor \(estimated at import\)/);
    expect(shown.stdout).toMatch(/time signature\s+4\/4 \(the default\)/);
  }, 60_000);

  it('sets tempo, key, signature and bar 1, and refuses nonsense in one line', async () => {
    const set = await eureka(dataDir, 'song', 'set', '1', '--tempo', '96', '--key', 'Am', '--downbeat', '0.5');
    expect(set).toMatchObject({ code: 0, stdout: 'song 1: 96 BPM · 4/4 · A minor\n' });
    const json = await eureka(dataDir, '--json', 'song', 'set', '1', '--time-signature', '4/4');
    expect(songSchema.parse(JSON.parse(json.stdout)).musicalTime).toMatchObject({
      tempo: 96,
      tempoSource: 'user',
      downbeatSeconds: 0.5,
      downbeatSource: 'user',
      key: 'A minor',
      keySource: 'user',
      timeSignatureSource: 'user',
    });
    expect((await eureka(dataDir, 'song', 'show', '1')).stdout).toMatch(/tempo\s+96 BPM \(set by you\)/);

    for (const [args, reason] of [
      [['--tempo', '5'], 'expected a tempo from 20 to 999 BPM'],
      [['--key', 'H major'], 'expected a key such as "A minor"'],
      [['--time-signature', '4/5'], 'expected a time signature such as 4/4'],
      [[], 'nothing to change'],
    ] as const) {
      const refused = await eureka(dataDir, 'song', 'set', '1', ...args);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(reason);
      expect(refused.stderr.trim().split('\n').filter((line) => line.startsWith('eureka:') || line.startsWith('error:'))).toHaveLength(1);
    }
  }, 60_000);

  it('cuts a clip in bars on the song grid, and lists it in bars', async () => {
    const added = await eureka(dataDir, '--json', 'clip', 'add', '1', '--bars', '2:4', '--label', 'U');
    expect(added.code).toBe(0);
    const clip = clipSchema.parse(JSON.parse(added.stdout));
    // Bar 1 at 0.5 s, 2.5 s bars: bar 2 starts at 3 s, four bars end at 13 s.
    expect(clip.start).toBeCloseTo(0.5 + SONG_BAR_SECONDS, 9);
    expect(clip.end).toBeCloseTo(0.5 + 5 * SONG_BAR_SECONDS, 9);
    expect((await eureka(dataDir, 'clips')).stdout).toMatch(/bar 2 · 4 bars/);

    const both = await eureka(dataDir, 'clip', 'add', '1', '--bars', '2:4', '--start', '1', '--label', 'U');
    expect([both.code, both.stderr]).toEqual([1, 'eureka: give --start and --end, or --bars START:LENGTH\n']);
    const zero = await eureka(dataDir, 'clip', 'add', '1', '--bars', '0:4', '--label', 'U');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('expected START:LENGTH in bars, e.g. 9:8');
  }, 60_000);

  it('generates a take of a number of bars of the song', async () => {
    // A short clip trains quickly; bars are the song's, whatever clip the model learned.
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '0.5', '--end', '2', '--label', 'U')).code).toBe(0);
    expect((await eureka(dataDir, 'train', '2', '--preset', 'test', '--seed', '3')).code).toBe(0);
    const made = await eureka(dataDir, '--json', 'generate', '1', '--bars', '2', '--seed', '5', '--provider', 'cpu');
    expect(made.code).toBe(0);
    expect(made.stderr).toContain('take(s) of 2 bars, 0:05.000');
    const take = takeSchema.passthrough().parse(JSON.parse(made.stdout.trim().split('\n')[0]!));
    expect(take.settings.seconds).toBeCloseTo(2 * SONG_BAR_SECONDS, 3);

    const tooLong = await eureka(dataDir, 'generate', '1', '--bars', '400');
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toBe('eureka: 400 bars at 96 BPM in 4/4 is 16:40.000; a take is 1 s to 10 min\n');
    const notNew = await eureka(dataDir, 'generate', '1', '--mode', 'reconstruct', '--bars', '2');
    expect(notNew.stderr).toContain('--length and --bars go with --mode new');
  }, 240_000);
});
