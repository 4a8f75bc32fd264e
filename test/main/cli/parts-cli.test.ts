/**
 * MIDI parts on the command line, as a user runs them (the compiled CLI, a real data folder):
 * `eureka import` of a MIDI file prints its parts, `parts` and `part <id>` show them,
 * `clip add --part --bars` cuts part clips on the part's own bars (across its 6/8 section),
 * `part-clips` and `part-clip set|rm` list and change them, `song rm` says the parts go too;
 * bad input is refused in one line. `--json` everywhere, read back through the contract's schemas.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { partClipDtoSchema, partDtoSchema } from '../../../src-main/common/midi.js';
import { runEureka, runEurekaUntilPaused, type CliResult } from '../../helpers/cli.js';
import { listFiles, makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { runningStatusAbuse, songType1 } from '../services/parts/midi-fixtures.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka import of MIDI, parts, part, clip add --part, part-clips', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    await writeFile(path.join(work, 'Night Drive.mid'), songType1());
    await writeFile(path.join(work, 'broken.mid'), runningStatusAbuse());
  });
  afterAll(() => removeDir(work));

  it('imports a MIDI file and prints the parts it made; a broken one in one line', async () => {
    const imported = await eureka(dataDir, 'import', path.join(work, 'Night Drive.mid'));
    expect(imported).toEqual({
      code: 0,
      stdout:
        'imported song 1, part 1: Keys (Electric Piano 1), 42 notes, 14 bars, 96 BPM 4/4\n' +
        'imported song 1, part 2: Bass (Electric Bass (Finger)), 52 notes, 14 bars, 96 BPM 4/4\n' +
        'imported song 1, part 3: Drums (Drums), 52 notes, 14 bars, 96 BPM 4/4\n',
      stderr: expect.any(String) as string,
    });
    const broken = await eureka(dataDir, 'import', path.join(work, 'broken.mid'));
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n').at(-1)).toBe('eureka: broken.mid: track 1: a data byte with no status before it (running status abuse, byte 23)');

    const songs = JSON.parse((await eureka(dataDir, '--json', 'songs')).stdout) as { name: string; files: unknown[]; musicalTime: { tempo: number; key: string } }[];
    expect(songs.map((song) => [song.name, song.files.length, song.musicalTime.tempo, song.musicalTime.key])).toEqual([['Night Drive', 0, 96, 'A minor']]);
  }, 60_000);

  it('lists parts in a table and as JSON', async () => {
    const table = await eureka(dataDir, 'parts');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+SONG\s+NAME\s+PROGRAM\s+NOTES\s+BARS\s+SOURCE$/);
    expect(table.stdout).toMatch(/^2\s+1\s+Bass\s+33 Electric Bass \(Finger\)\s+52\s+14\s+MIDI file$/m);
    expect(table.stdout).toMatch(/^3\s+1\s+Drums\s+- Drums\s+52\s+14\s+MIDI file$/m);
    const json = z.array(partDtoSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'parts', '1')).stdout));
    expect(json.map((part) => part.name)).toEqual(['Keys', 'Bass', 'Drums']);
    expect((await eureka(dataDir, 'parts', '9')).stderr).toBe('eureka: there is no song 9\n');
  }, 60_000);

  it('cuts part clips by bars across the 6/8 section, and refuses what does not fit in one line', async () => {
    const added = await eureka(dataDir, '--json', 'clip', 'add', '1', '--part', '1', '--bars', '5:4', '--label', 'the 6/8 bit');
    expect(added.code).toBe(0);
    expect(partClipDtoSchema.parse(JSON.parse(added.stdout))).toMatchObject({ id: 1, partId: 1, startBar: 5, lengthBars: 4, startBeats: 16, endBeats: 28, noteCount: 12, label: 'the 6/8 bit' });
    const words = await eureka(dataDir, 'clip', 'add', '1', '--part', '1', '--bars', '7:4', '--label', 'chorus hook', '--split', 'val');
    expect(words.code).toBe(0);
    expect(words.stdout).toMatch(/^2\s+1\s+1\s+bar 7 · 4 bars\s+12\s+chorus hook\s+val \(check\)$/m);

    const refused = async (args: string[], message: string) => {
      const result = await eureka(dataDir, 'clip', 'add', ...args);
      expect([result.code, result.stdout, result.stderr]).toEqual([1, '', `eureka: ${message}\n`]);
    };
    await refused(['1', '--part', '1', '--bars', '13:4'], 'part 1 “Keys” has 14 bars: bars 13–16 go past its end');
    await refused(['1', '--part', '1', '--bars', '5:1.5'], 'a part clip is whole bars: --bars 5:2');
    await refused(['1', '--part', '1', '--start', '0', '--end', '2'], 'a MIDI part clip takes --bars START:LENGTH (no --start, --end, --file or --hole)');
    await refused(['2', '--part', '1', '--bars', '1:4'], "part 1 is song 1's, not song 2's");
    await refused(['1', '--start', '0', '--end', '2', '--label', 'chorus'], '--label chorus: expected U, V or gap (any words only for a MIDI part clip, with --part)');
  }, 60_000);

  it('shows a part with its maps and clips; lists, changes and removes part clips', async () => {
    const shown = await eureka(dataDir, 'part', '1');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^instrument\s+Electric Piano 1 \(program 4, channel 1\)$/m);
    expect(shown.stdout).toMatch(/^time signature\s+4\/4 at beat 0, 6\/8 at beat 16, 4\/4 at beat 28$/m);
    expect(shown.stdout).toMatch(/^tempo\s+96 BPM at beat 0, 132 BPM at beat 28$/m);
    expect(shown.stdout).toMatch(/^1\s+1\s+1\s+bar 5 · 4 bars\s+12\s+the 6\/8 bit/m);
    const json = partDtoSchema.extend({ clips: z.array(partClipDtoSchema) }).parse(JSON.parse((await eureka(dataDir, '--json', 'part', '1')).stdout));
    expect(json.clips.map((clip) => clip.id)).toEqual([1, 2]);

    const changed = await eureka(dataDir, '--json', 'part-clip', 'set', '2', '--bars', '9:2', '--label', 'out');
    expect(partClipDtoSchema.parse(JSON.parse(changed.stdout))).toMatchObject({ startBar: 9, lengthBars: 2, startBeats: 28, endBeats: 36, label: 'out', split: 'val' });
    expect(await eureka(dataDir, 'part-clip', 'rm', '2')).toEqual({ code: 0, stdout: 'deleted part clip 2\n', stderr: '' });
    const listed = z.array(partClipDtoSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'part-clips', '--song', '1')).stdout));
    expect(listed.map((clip) => clip.id)).toEqual([1]);
    expect((await eureka(dataDir, 'part-clips')).stderr).toBe('eureka: give --part or --song\n');
  }, 60_000);

  it('says a song takes its MIDI parts along, and deletes them with --yes', async () => {
    const asked = await eureka(dataDir, 'song', 'rm', '1');
    expect(asked.code).toBe(1);
    expect(asked.stdout).toBe('Delete the song “Night Drive”?\nGoes with it: 3 MIDI parts.\n');
    expect(await eureka(dataDir, 'song', 'rm', '1', '--yes')).toEqual({ code: 0, stdout: 'deleted song 1 “Night Drive” with 3 MIDI parts\n', stderr: '' });
    expect((await eureka(dataDir, 'parts')).stdout).toBe('no MIDI parts yet: eureka import <file.mid>\n');
  }, 60_000);
});

describe('a MIDI import killed midway', () => {
  it('leaves a placed original that the next start removes, and no song or part', async () => {
    const work = await makeTempDir();
    try {
      const dataDir = path.join(work, 'data');
      const file = path.join(work, 'Killed.mid');
      await writeFile(file, songType1());
      const midiFiles = async () => (await listFiles(dataDir)).filter((line) => line.startsWith('midi/'));
      const paused = await runEurekaUntilPaused(dataDir, ['import', file], 'midi-import:placed');
      await paused.kill();
      expect(await midiFiles()).toHaveLength(1);
      expect(await eureka(dataDir, '--json', 'parts')).toMatchObject({ code: 0, stdout: '[]\n' });
      expect(await midiFiles()).toEqual([]);
      expect(JSON.parse((await eureka(dataDir, '--json', 'songs')).stdout)).toEqual([]);
    } finally {
      await removeDir(work);
    }
  }, 60_000);
});
