/**
 * The `eureka` command as a user runs it: a real child process on the compiled CLI
 * (`npm test` builds it first), a real data folder, real files in every import format.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { audioFileSchema, clipSchema, songSchema } from '../../../src-main/common/dto.js';
import {
  emptyFile,
  encodeAiffFixture,
  encodeFlacFixture,
  encodeWavFixture,
  pinkNoise,
  sine,
  textFile,
  writeFixtureFile,
  type Channels,
} from '../../fixtures/audio-fixtures.js';
import { loadReferenceMeter, type ReferenceMeter } from '../../fixtures/ebur128-reference.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { listFiles, makeTempDir, removeDir } from '../../helpers/temp-dir.js';

async function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

async function eurekaWithEnv(env: Record<string, string>, dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args, env);
}

/** Music-like test content: a chord over pink noise, different per channel. */
function material(seconds: number, rate: number, channels: number, seed: number): Channels {
  const noise = pinkNoise(seconds, rate, 0.2, channels, seed);
  const chord = [220, 277.18, 329.63].map((f) => sine(f, seconds, rate, 0.15, channels));
  return noise.map((n, c) => n.map((v, t) => v + chord.reduce((sum, tone) => sum + tone[c]![t]!, 0)));
}

const importedSchema = z.object({ files: z.array(audioFileSchema), failures: z.array(z.unknown()) });

describe('eureka CLI', () => {
  let work: string;
  let dataDir: string;
  let meter: ReferenceMeter;

  beforeAll(async () => {
    if (!existsSync('out/node/src-main/cli/main.js')) throw new Error('the CLI is not built: run npm run build:node');
    meter = await loadReferenceMeter();
  });
  beforeEach(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
  });
  afterEach(async () => {
    await removeDir(work);
  });

  it('imports FLAC, 24-bit AIFF and 48 kHz WAV songs with correct facts and loudness, then cuts and lists clips', async () => {
    const flac = material(6, 44_100, 2, 11);
    const aiff = material(5, 44_100, 1, 12);
    const wav = material(7, 48_000, 2, 13);
    const files = [
      writeFixtureFile(work, 'Chorus idea.flac', encodeFlacFixture(flac, 44_100, { bits: 16 })),
      writeFixtureFile(work, 'Verse.aif', encodeAiffFixture(aiff, 44_100, { bits: 24 })),
      writeFixtureFile(work, 'Bridge 48k.wav', encodeWavFixture(wav, 48_000, { bits: 24 })),
    ];
    const imported = await eureka(dataDir, '--json', 'import', ...files);
    expect(imported.stderr).not.toMatch(/eureka:/);
    expect(imported.code).toBe(0);
    const result = importedSchema.parse(JSON.parse(imported.stdout));
    expect(result.failures).toEqual([]);
    const facts = result.files.map((f) => [f.originalName, f.format, f.sampleRate, f.channels, f.frames]);
    expect(facts).toEqual([
      ['Chorus idea.flac', 'flac', 44_100, 2, 6 * 44_100],
      ['Verse.aif', 'aiff', 44_100, 1, 5 * 44_100],
      ['Bridge 48k.wav', 'wav', 48_000, 2, 7 * 48_000],
    ]);
    expect(result.files.map((f) => f.durationSeconds)).toEqual([6, 5, 7]);
    const reference = [
      meter.integratedStereo(44_100, flac[0]!, flac[1]!),
      meter.integratedMono(44_100, aiff[0]!),
      meter.integratedStereo(48_000, wav[0]!, wav[1]!),
    ];
    result.files.forEach((file, i) => {
      expect(file.loudnessLufs).not.toBeNull();
      expect(Math.abs(file.loudnessLufs! - reference[i]!)).toBeLessThan(0.5);
    });

    const songs = z.array(songSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'songs')).stdout));
    expect(songs.map((s) => s.name).sort()).toEqual(['Bridge 48k', 'Chorus idea', 'Verse']);
    const verse = songs.find((s) => s.name === 'Verse')!;

    const added = await eureka(dataDir, '--json', 'clip', 'add', String(verse.id), '--start', '0:01.5', '--end', '4', '--label', 'U');
    expect(added.code).toBe(0);
    const gap = await eureka(dataDir, '--json', 'clip', 'add', String(verse.id), '--start', '0', '--end', '5', '--label', 'gap', '--split', 'val');
    expect(gap.code).toBe(0);
    const clips = z.array(clipSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'clips', '--song', String(verse.id))).stdout));
    expect(clips.map((c) => [c.start, c.end, c.label, c.split])).toEqual([
      [0, 5, 'gap', 'val'],
      [1.5, 4, 'U', 'train'],
    ]);
    expect(clips[0]!.holeStart).toBeCloseTo(5 / 3);

    const table = await eureka(dataDir, 'clips');
    expect(table.stdout).toMatch(/0:01\.500\s+0:04\.000\s+0:02\.500\s+.*U \(new idea\)\s+train \(practice\)/);
    expect(table.stdout).toMatch(/gap \(fill a gap\)\s+val \(check\)/);
  }, 60_000);

  it('refuses a corrupt file, text named .wav, an empty file and a clip outside its song, changing nothing', async () => {
    const good = writeFixtureFile(work, 'good.wav', encodeWavFixture(material(3, 22_050, 1, 1), 22_050, { bits: 16 }));
    expect((await eureka(dataDir, 'import', good)).code).toBe(0);
    const snapshot = async () => ({
      songs: (await eureka(dataDir, '--json', 'songs')).stdout,
      clips: (await eureka(dataDir, '--json', 'clips')).stdout,
      files: (await listFiles(dataDir)).filter((f) => !f.startsWith('eureka.db')),
    });
    const before = await snapshot();

    const flac = encodeFlacFixture(material(3, 44_100, 2, 2), 44_100, { bits: 16 });
    const corrupt = flac.slice();
    for (let i = 200; i < corrupt.length; i += 7) corrupt[i] = (corrupt[i]! * 31 + 17) & 0xff;
    const cases: [string, Uint8Array, RegExp][] = [
      ['corrupt.flac', corrupt, /^eureka: corrupt\.flac: .*(corrupt|damaged|truncated|decode)/i],
      ['lyrics.wav', textFile(), /^eureka: lyrics\.wav: not a recognised audio file/],
      ['empty.wav', emptyFile(), /^eureka: empty\.wav: the file is empty/],
    ];
    for (const [name, bytes, message] of cases) {
      const result = await eureka(dataDir, 'import', writeFixtureFile(work, name, bytes));
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
    }
    const missing = await eureka(dataDir, 'import', path.join(work, 'nope.wav'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope\.wav: no such file/);

    const songId = z.array(songSchema).parse(JSON.parse(before.songs))[0]!.id;
    const outside = await eureka(dataDir, 'clip', 'add', String(songId), '--start', '2', '--end', '10', '--label', 'U');
    expect(outside.code).not.toBe(0);
    expect(outside.stderr.trim()).toMatch(/^eureka: clip 0:02\.000–0:10\.000 is outside "good", which is 0:03\.000 long$/);
    const usage = await eureka(dataDir, 'clip', 'add', String(songId), '--start', 'soon', '--end', '2', '--label', 'U');
    expect(usage.code).toBe(2);

    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('honours the length limit from EUREKA_MAX_IMPORT_SECONDS, and --max-duration over it', async () => {
    const file = writeFixtureFile(work, 'three seconds.wav', encodeWavFixture(material(3, 8_000, 1, 3), 8_000, { bits: 16 }));
    const refused = await eurekaWithEnv({ EUREKA_MAX_IMPORT_SECONDS: '2' }, dataDir, 'import', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^eureka: three seconds\.wav: .*the limit is 0:02/);
    const allowed = await eurekaWithEnv({ EUREKA_MAX_IMPORT_SECONDS: '2' }, dataDir, 'import', '--max-duration', '5', file);
    expect(allowed.code).toBe(0);
  }, 60_000);

  it('prints the escape sequences, newlines and bidi controls of a file name as escapes, and JSON exactly', async () => {
    const name = 'Verse\u001b[2J\u001b[31m idea\nimported song 9\u202Evaw.exe.wav';
    const shown = 'Verse\\x1b[2J\\x1b[31m idea\\nimported song 9\\u202evaw.exe.wav';
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    const file = writeFixtureFile(work, name, encodeWavFixture(material(2, 8_000, 1, 4), 8_000, { bits: 16 }));
    const imported = await eureka(dataDir, 'import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`^imported song 1, file 1: ${shown.replace(/[\\[\].]/g, '\\$&')}: 0:02`));
    expect(imported.stdout.split('\n')).toHaveLength(2);
    const songs = await eureka(dataDir, 'songs');
    expect(songs.stdout).not.toMatch(raw);
    expect(songs.stdout.split('\n')).toHaveLength(3); // header, the song, the final newline
    expect(songs.stdout).toContain(shown.replace(/\.wav$/, ''));
    const json = z.array(songSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'songs')).stdout));
    expect(json[0]!.files[0]!.originalName).toBe(name);

    const refused = await eureka(dataDir, 'import', writeFixtureFile(work, `${name}.txt`, textFile()));
    expect(refused.stderr).not.toMatch(raw);
    expect(refused.stderr).toBe(`eureka: ${shown}.txt: not a recognised audio file (WAV, AIFF, FLAC, MP3 or CAF)\n`);
  }, 60_000);
});
