/**
 * `eureka export` as a user runs it: the compiled CLI in a child process, a real data folder, a
 * model trained with the `test` preset and a take made by `eureka generate`. Checks the folders
 * it prints, --json, the numbered sibling on a second run, the options reaching the files
 * (ffprobe), and one-line refusals with a non-zero exit: bad options, a song name that is blank
 * or too long, a destination that cannot be created (a file or a dangling link in the way), and
 * the validation errors of any command.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { jest } from '@jest/globals';
import { reportError } from '../../../src-main/cli/output.js';
import { exportRequestSchema, exportResultSchema } from '../../../src-main/common/export.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { zipEntries } from '../../helpers/zip-entries.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { wavBytes } from '../../helpers/signals.js';

const run = promisify(execFile);

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

async function probe(file: string): Promise<{ codec_name: string; sample_rate: string; duration_ts: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]);
  return (JSON.parse(stdout) as { streams: { codec_name: string; sample_rate: string; duration_ts: number }[] }).streams[0]!;
}

describe('eureka export', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const wav = path.join(work, 'Verse idea.wav');
    await writeFile(wav, wavBytes({ seconds: 1.5, sampleRate: 16_000, channels: 1, frequency: 220, seed: 4 }));
    expect((await eureka(dataDir, 'import', wav)).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '0', '--end', '1.5', '--label', 'U')).code).toBe(0);
    expect((await eureka(dataDir, 'train', '1', '--preset', 'test', '--seed', '3')).code).toBe(0);
    expect((await eureka(dataDir, 'generate', '1', '--count', '2', '--length', '1', '--seed', '8', '--provider', 'cpu')).code).toBe(0);
  }, 180_000);

  afterAll(() => removeDir(work));

  it('prints the folders it wrote, and a numbered sibling the second time', async () => {
    const to = path.join(work, 'Exports');
    const first = await eureka(dataDir, 'export', '1', '2', '--to', to, '--tempo', '96', '--format', 'both');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout.trim().split('\n')).toEqual([path.join(to, 'Verse idea Project'), path.join(to, 'Verse idea Logic')]);
    expect(first.stderr).toMatch(/file\(s\) at 96 BPM in 4\/4\n$/);
    const als = gunzipSync(await readFile(path.join(to, 'Verse idea Project', 'Verse idea.als'))).toString('utf8');
    expect(als).toContain('<AudioTrack');

    const second = await eureka(dataDir, 'export', '1', '2', '--to', to, '--tempo', '96', '--format', 'ableton');
    expect(second.stdout.trim()).toBe(path.join(to, 'Verse idea Project 2'));
    expect((await readdir(to)).sort()).toEqual(['Verse idea Logic', 'Verse idea Project', 'Verse idea Project 2']);
  }, 60_000);

  it('passes rate, depth, placement and source options through, and answers in JSON', async () => {
    const to = path.join(work, 'Json');
    const result = await eureka(dataDir, '--json', 'export', '2', '--to', to, '--format', 'logic', '--rate', '44100', '--bits', '32', '--stack', '--no-source', '--song', 'Chorus');
    expect(result.code).toBe(0);
    const parsed = exportResultSchema.parse(JSON.parse(result.stdout));
    // A 1.5 s song holds too few beats for the import's analysis to find a tempo: the fallback, said so.
    expect(parsed).toMatchObject({ folders: [path.join(to, 'Chorus Logic')], tempo: 120, tempoSource: 'fallback', tempoEstimated: false });
    expect(await readdir(path.join(to, 'Chorus Logic', 'Regions'))).toEqual(['Take 2.wav']);
    expect(await probe(path.join(to, 'Chorus Logic', 'Regions', 'Take 2.wav'))).toMatchObject({ codec_name: 'pcm_f32le', sample_rate: '44100', duration_ts: 44100 });
  }, 60_000);

  it('--zip also writes each folder as a .zip beside it, with every file of the folder', async () => {
    const to = path.join(work, 'Zipped');
    const result = await eureka(dataDir, 'export', '1', '--to', to, '--format', 'logic', '--tempo', '100', '--zip');
    expect(result.code).toBe(0);
    const folder = path.join(to, 'Verse idea Logic');
    expect(result.stdout.trim().split('\n')).toEqual([folder, `${folder}.zip`]);
    expect((await readdir(to)).sort()).toEqual(['Verse idea Logic', 'Verse idea Logic.zip']);
    const entries = await zipEntries(await readFile(`${folder}.zip`));
    const files = await readdir(path.join(folder, 'Regions'));
    for (const file of files) {
      expect(entries.get(`Verse idea Logic/Regions/${file}`)!.equals(await readFile(path.join(folder, 'Regions', file)))).toBe(true);
    }
    expect(files.length).toBeGreaterThan(0);
  }, 60_000);

  it('refuses bad input in one line with a non-zero exit, writing nothing', async () => {
    const to = path.join(work, 'Refused');
    const missing = await eureka(dataDir, 'export', '99', '--to', to);
    expect(missing).toMatchObject({ code: 1, stderr: 'eureka: there is no take 99\n' });
    const inData = await eureka(dataDir, 'export', '1', '--to', path.join(dataDir, 'mine'));
    expect(inData.code).toBe(1);
    expect(inData.stderr).toMatch(/^eureka: exports cannot go into Eureka's library folder/);
    const tempo = await eureka(dataDir, 'export', '1', '--to', to, '--tempo', '5');
    expect(tempo.code).toBe(2);
    expect(tempo.stderr).toContain('expected a tempo from 20 to 999 BPM');
    const noTo = await eureka(dataDir, 'export', '1');
    expect(noTo.code).toBe(2);
    await expect(readdir(to)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('says why a song name cannot be used: blank, or over 200 characters', async () => {
    const to = path.join(work, 'Names');
    for (const song of ['   ', 'x'.repeat(201)]) {
      const result = await eureka(dataDir, 'export', '1', '--to', to, '--song', song, '--tempo', '120');
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(/'--song <name>'.*expected a name of 1 to 200 characters$/);
    }
    const longest = await eureka(dataDir, 'export', '1', '--to', to, '--song', ` ${'x'.repeat(200)} `, '--tempo', '120', '--format', 'logic');
    expect(longest.code).toBe(0);
    await expect(readdir(to)).resolves.toEqual([`${'x'.repeat(120)} Logic`]); // the name cut to 120 bytes, then its suffix
  }, 60_000);

  it('says in one plain line why the destination cannot be created', async () => {
    const file = path.join(work, 'notes.txt');
    await writeFile(file, 'not a folder');
    const underFile = path.join(file, 'Exports');
    const blocked = await eureka(dataDir, 'export', '1', '--to', underFile, '--tempo', '120');
    expect(blocked).toMatchObject({ code: 1, stderr: `eureka: cannot write into ${underFile}: ${file} is a file, not a folder\n` });
    // A link to a drive that is not mounted (Node's own recursive mkdir reports ENOENT here, as
    // it does for a read-only disk; creating one folder at a time gets the true reason).
    const drive = path.join(work, 'Drive');
    await symlink(path.join(work, 'unplugged'), drive);
    const gone = await eureka(dataDir, 'export', '1', '--to', path.join(drive, 'Exports'), '--tempo', '120');
    expect(gone).toMatchObject({
      code: 1,
      stderr: `eureka: cannot write into ${path.join(drive, 'Exports')}: ${drive} is a link to ${path.join(work, 'unplugged')}, which is not there\n`,
    });
  }, 60_000);
});

describe('reportError', () => {
  it('prints a validation error as one line naming each field, with the bad-input status', () => {
    const parsed = exportRequestSchema.safeParse({ takeIds: [], songName: '   ' });
    expect(parsed.success).toBe(false);
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((text: string | Uint8Array) => {
      written.push(String(text));
      return true;
    });
    let status: number;
    try {
      status = reportError(parsed.error);
    } finally {
      spy.mockRestore();
    }
    expect(status).toBe(1);
    expect(written).toHaveLength(1);
    // The field checks first, then the request's own rule (at least one take, part or part clip).
    expect(written[0]).toMatch(/^eureka: songName: .+; takeIds: name at least one take, part, part clip or MIDI take\n$/);
    expect(written[0]!.split('\n')).toHaveLength(2);
  });
});
