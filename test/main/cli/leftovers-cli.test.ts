/**
 * What a killed process leaves is removed, and what a live one is writing is not: the real CLI
 * in a child process, stopped at each step of a multi-step write (EUREKA_PAUSE_AT, see
 * src-main/node/pause-point.ts) and SIGKILLed there. An import's staged files (temporary names)
 * and its placed originals with no row, a rating session's staging folder: gone after the next
 * start of any command. An export's temp folder: gone after the next export into the same
 * folder. A process paused (alive) at the same step keeps its files through another start.
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runEureka, runEurekaUntilPaused, type CliResult } from '../../helpers/cli.js';
import { wavBytes } from '../../helpers/signals.js';
import { listFiles, makeTempDir, removeDir } from '../../helpers/temp-dir.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('what killed processes leave behind', () => {
  let work: string;
  let dataDir: string;
  /** The data folder's files, except the database's own (its rows are checked through the CLI). */
  const dataFiles = async () => (await listFiles(dataDir)).filter((line) => !line.startsWith('eureka.db'));
  const songNames = async () => (JSON.parse((await eureka(dataDir, '--json', 'songs')).stdout) as { name: string }[]).map((song) => song.name);
  const bounce = async (name: string, seed: number) => {
    const file = path.join(work, name);
    await writeFile(file, wavBytes({ seconds: 2, sampleRate: 16_000, channels: 1, frequency: 330, seed }));
    return file;
  };

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const song = path.join(work, 'song.wav');
    await writeFile(song, wavBytes({ seconds: 30, sampleRate: 16_000, channels: 1, frequency: 196, amplitude: 0.4, seed: 5 }));
    expect((await eureka(dataDir, 'import', song)).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '0', '--end', '1.5', '--label', 'U', '--split', 'train')).code).toBe(0);
    expect((await eureka(dataDir, 'train', '1', '--preset', 'test', '--seed', '3')).code).toBe(0);
    expect((await eureka(dataDir, 'generate', '1', '--count', '3', '--length', '5', '--seed', '5', '--provider', 'cpu')).code).toBe(0);
  }, 300_000);

  afterAll(() => removeDir(work));

  it.each([
    ['import:staged', /^(files|playback)\/[0-9a-f]{2}\/\.[0-9a-f]{64}\.wav\.\d+-[0-9a-f]{12}\.tmp \d+$/],
    ['import:placed', /^(files|playback)\/[0-9a-f]{2}\/[0-9a-f]{64}\.wav \d+$/],
  ])('an import killed at %s leaves files the next start removes', async (point, leftover) => {
    const before = await dataFiles();
    const paused = await runEurekaUntilPaused(dataDir, ['import', await bounce(`${point}.wav`, point.length)], point);
    await paused.kill();
    const left = (await dataFiles()).filter((line) => !before.includes(line));
    expect(left).toHaveLength(2); // the original and its playback copy
    for (const line of left) expect(line).toMatch(leftover);

    expect(await songNames()).not.toContain(point); // any command's start sweeps
    expect(await dataFiles()).toEqual(before);
  }, 60_000);

  it.each(['import:staged', 'import:placed'])('keeps the files of an import paused alive at %s through another start', async (point) => {
    const before = await dataFiles();
    const paused = await runEurekaUntilPaused(dataDir, ['import', await bounce(`alive ${point}.wav`, 40 + point.length)], point);
    try {
      const writing = (await dataFiles()).filter((line) => !before.includes(line));
      expect(writing).toHaveLength(2);
      // Another process starts (and sweeps) while this import is still in progress.
      expect((await eureka(dataDir, 'songs')).code).toBe(0);
      expect((await dataFiles()).filter((line) => !before.includes(line))).toEqual(writing);
    } finally {
      await paused.kill();
    }
    expect((await eureka(dataDir, 'songs')).code).toBe(0);
    expect(await dataFiles()).toEqual(before);
  }, 60_000);

  it("a rating session killed while building leaves its staging folder, which the next start removes", async () => {
    const paused = await runEurekaUntilPaused(
      dataDir,
      ['rate', 'create', '--name', 'Killed', '--takes', '1,2,3', '--real', '2', '--seconds', '5', '--raters', 'Ana'],
      'rating:staged',
    );
    await paused.kill();
    const staging = (await readdir(path.join(dataDir, 'rating'))).filter((name) => name.startsWith('.building-'));
    expect(staging).toEqual([expect.stringMatching(new RegExp(`^\\.building-${paused.pid}-[0-9a-f]{12}$`))]);
    expect(JSON.parse((await eureka(dataDir, '--json', 'rate', 'list')).stdout)).toEqual([]);
    expect((await readdir(path.join(dataDir, 'rating'))).filter((name) => name.startsWith('.building-'))).toEqual([]);
  }, 120_000);

  it("an export killed before placing its folder leaves its temp folder, which the next export there removes", async () => {
    const to = path.join(work, 'Exports');
    const paused = await runEurekaUntilPaused(dataDir, ['export', '1', '--to', to, '--format', 'ableton', '--tempo', '96'], 'export:placing');
    await paused.kill();
    const temp = (await readdir(to)).filter((name) => name.startsWith('.eureka-export-'));
    expect(temp).toEqual([expect.stringMatching(new RegExp(`^\\.eureka-export-${paused.pid}-[0-9a-f]{12}$`))]);
    expect((await listFiles(path.join(to, temp[0]!))).length).toBeGreaterThan(0);

    const again = await eureka(dataDir, 'export', '1', '--to', to, '--format', 'ableton', '--tempo', '96');
    expect(again.code).toBe(0);
    expect((await readdir(to)).sort()).toEqual(['song Project']);
  }, 120_000);
});
