/**
 * `eureka song rm`, `eureka clip rm` and `eureka import` of a file already in the library, as a
 * user runs them: the real CLI in a child process over a real data folder, a real model trained
 * with the test preset. A delete that takes work with it prints what would go and does nothing
 * without --yes; with it, rows and files go. A delete killed after its rows went leaves files
 * that the next start of any command removes.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { deletionSummarySchema } from '../../../src-main/common/deletion.js';
import { audioFileSchema, importDuplicateSchema } from '../../../src-main/common/dto.js';
import { runEureka, runEurekaUntilPaused, type CliResult } from '../../helpers/cli.js';
import { wavBytes } from '../../helpers/signals.js';
import { listFiles, makeTempDir, removeDir } from '../../helpers/temp-dir.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

const importedSchema = z.object({ files: z.array(audioFileSchema), failures: z.array(z.unknown()), duplicates: z.array(importDuplicateSchema) });
const deletedSchema = deletionSummarySchema.extend({ deleted: z.boolean() });

describe('eureka song rm, clip rm and import of what the library holds', () => {
  let work: string;
  let dataDir: string;
  /** The files of the store, models and takes (settings files such as machine-speed.json are not what a delete is about). */
  const dataFiles = async () =>
    (await listFiles(dataDir)).map((line) => line.split(' ')[0]!).filter((file) => /^(files|playback|derived|models|takes)\//.test(file));
  const bounce = async (name: string, seed: number) => {
    const file = path.join(work, name);
    await writeFile(file, wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 196 + seed, amplitude: 0.4, seed }));
    return file;
  };
  const songs = async () => (JSON.parse((await eureka(dataDir, '--json', 'songs')).stdout) as { id: number; name: string }[]).map((song) => `${song.id} ${song.name}`);

  beforeEach(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
  });
  afterEach(() => removeDir(work));

  it('names the song that has a file already, imports nothing, and imports it with --again', async () => {
    const file = await bounce('Night Drive.wav', 1);
    expect((await eureka(dataDir, 'import', file)).code).toBe(0);
    const before = await dataFiles();

    const copy = path.join(work, 'Night Drive (bounce 2).wav');
    await writeFile(copy, wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 197, amplitude: 0.4, seed: 1 }));
    const again = await eureka(dataDir, 'import', copy);
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(again.stdout).toBe(
      'Night Drive (bounce 2).wav: already in your library as song 1 “Night Drive” (file 1); not imported again (--again imports it anyway)\n',
    );
    expect(await songs()).toEqual(['1 Night Drive']);
    expect(await dataFiles()).toEqual(before);

    const json = importedSchema.parse(JSON.parse((await eureka(dataDir, '--json', 'import', copy)).stdout));
    expect(json).toEqual({ files: [], failures: [], duplicates: [{ name: 'Night Drive (bounce 2).wav', songId: 1, songName: 'Night Drive', fileId: 1 }] });

    const forced = await eureka(dataDir, 'import', '--again', copy);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^imported song 2, file 2: Night Drive \(bounce 2\)\.wav: /);
    expect(await songs()).toEqual(['2 Night Drive (bounce 2)', '1 Night Drive']);
    expect(await dataFiles()).toEqual(before); // the same bytes: stored once
  }, 60_000);

  it('prints what a song takes along and deletes it only with --yes; a clip with a model the same', async () => {
    const keep = await bounce('Keep.wav', 2);
    const gone = await bounce('Gone.wav', 3);
    expect((await eureka(dataDir, 'import', keep)).code).toBe(0);
    const kept = await dataFiles();
    expect((await eureka(dataDir, 'import', gone)).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '2', '--start', '0', '--end', '1.5', '--label', 'U')).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '2', '--start', '1.5', '--end', '3', '--label', 'U')).code).toBe(0);
    const trained = await eureka(dataDir, 'train', '1', '--preset', 'test', '--seed', '3');
    expect(trained.code).toBe(0);
    expect(existsSync(path.join(dataDir, 'models', '1'))).toBe(true);

    // The clip with the model: refused without --yes, saying what would go.
    const clipRefused = await eureka(dataDir, 'clip', 'rm', '1');
    expect(clipRefused.code).toBe(1);
    expect(clipRefused.stdout).toBe(['Delete the clip “Gone · 0:00.000–0:01.500”?', 'Goes with it: 1 model.', ''].join('\n'));
    expect(clipRefused.stderr).toBe('eureka: nothing deleted: add --yes to delete clip 1 and what goes with it\n');
    // The clip without one goes at once.
    expect(await eureka(dataDir, 'clip', 'rm', '2')).toEqual({ code: 0, stdout: 'deleted clip 2 “Gone · 0:01.500–0:03.000”\n', stderr: '' });

    const songRefused = await eureka(dataDir, '--json', 'song', 'rm', '2');
    expect(songRefused.code).toBe(1);
    expect(deletedSchema.parse(JSON.parse(songRefused.stdout))).toEqual({
      deleted: false,
      target: { kind: 'song', songId: 2 },
      name: 'Gone',
      files: 1,
      clips: 1,
      models: 1,
      takes: 0,
      parts: 0,
      sessions: [],
      blockers: [],
    });
    expect(songRefused.stderr).toBe('eureka: nothing deleted: add --yes to delete song 2 and what goes with it\n');
    expect(await songs()).toEqual(['2 Gone', '1 Keep']);
    expect(existsSync(path.join(dataDir, 'models', '1'))).toBe(true);

    const deleted = await eureka(dataDir, 'song', 'rm', '2', '--yes');
    expect(deleted).toEqual({ code: 0, stdout: 'deleted song 2 “Gone” with 1 audio file, 1 clip and 1 model\n', stderr: '' });
    expect(await songs()).toEqual(['1 Keep']);
    expect(JSON.parse((await eureka(dataDir, '--json', 'models')).stdout)).toEqual([]);
    // Its original, playback copy, derived training audio and model folder left the disk.
    expect(await dataFiles()).toEqual(kept);

    const unknown = await eureka(dataDir, 'song', 'rm', '9', '--yes');
    expect([unknown.code, unknown.stderr]).toEqual([1, 'eureka: there is no song 9\n']);
    const bad = await eureka(dataDir, 'song', 'rm', 'two');
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, "error: command-argument value 'two' is invalid for argument 'song-id'. expected a positive integer id"]);
  }, 180_000);

  it('a song delete killed after its rows went leaves files that the next start removes', async () => {
    expect((await eureka(dataDir, 'import', await bounce('Stays.wav', 4))).code).toBe(0);
    const kept = await dataFiles();
    expect((await eureka(dataDir, 'import', await bounce('Killed.wav', 5))).code).toBe(0);
    const withSong = await dataFiles();

    const paused = await runEurekaUntilPaused(dataDir, ['song', 'rm', '2', '--yes'], 'delete:committed');
    await paused.kill();
    // The rows are gone, the original and playback copy still on disk.
    expect(await dataFiles()).toEqual(withSong);
    expect(await songs()).toEqual(['1 Stays']); // this command's start swept them
    expect(await dataFiles()).toEqual(kept);
  }, 60_000);
});
