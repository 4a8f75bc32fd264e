/**
 * The owner-tagged temporary names and the sweeps over them, on real folders: a tagged entry
 * goes once its process is gone and stays while it lives (this test's own pid, and a child
 * process that is running and then is not); an untagged one from before the tags goes only
 * once a day old; names that are not temporary are never touched. What a SIGKILLed CLI leaves
 * is checked end to end in test/main/cli/leftovers-cli.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../../../src-main/services/store/atomic-write.js';
import { isTempFile, ownerOf, ownerTag, sweepAbandoned, sweepDataDir } from '../../../../src-main/services/store/leftovers.js';
import { listFiles, makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

/** The pid of a process that has exited (and been reaped): certainly not alive. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('leftovers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('tags names with this process, and reads the owner back', () => {
    const tag = ownerTag();
    expect(tag).toMatch(new RegExp(`^${process.pid}-[0-9a-f]{12}$`));
    expect(ownerOf(`.take-3.wav.${tag}.tmp`)).toBe(process.pid);
    expect(ownerOf(`.building-${tag}`)).toBe(process.pid);
    expect(ownerOf('.eureka-export-4f2a9c01b2d3')).toBeNull();
    expect(ownerOf('take-3.wav')).toBeNull();
  });

  it("removes a dead process's temporary files and folders, keeps a live one's and everything else", async () => {
    const dead = await deadPid();
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const names = {
        deadFile: `.a.wav.${dead}-0123456789ab.tmp`,
        deadFolder: `.eureka-export-${dead}-0123456789ab`,
        liveFile: `.b.wav.${live.pid}-0123456789ab.tmp`,
        ownFile: `.c.wav.${ownerTag()}.tmp`,
        finished: 'a.wav',
        hiddenOther: '.DS_Store',
      };
      await mkdir(path.join(dir, names.deadFolder));
      await writeFile(path.join(dir, names.deadFolder, 'Song.als'), 'x');
      for (const name of [names.deadFile, names.liveFile, names.ownFile, names.finished, names.hiddenOther]) await writeFile(path.join(dir, name), 'x');
      const removed = await sweepAbandoned(dir, (name) => isTempFile(name) || name.startsWith('.eureka-export-'));
      expect(removed.sort()).toEqual([names.deadFile, names.deadFolder].sort());
      expect((await listFiles(dir)).map((line) => line.split(' ')[0])).toEqual(
        [names.liveFile, names.ownFile, names.finished, names.hiddenOther].sort(),
      );
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('removes an untagged temporary entry from before the tags only once it is a day old', async () => {
    const now = Date.now();
    for (const name of ['.old.wav.0123456789ab.tmp', '.new.wav.ba9876543210.tmp']) await writeFile(path.join(dir, name), 'x');
    const dayAndMinute = (now - 24 * 3600 * 1000 - 60_000) / 1000;
    await utimes(path.join(dir, '.old.wav.0123456789ab.tmp'), dayAndMinute, dayAndMinute);
    expect(await sweepAbandoned(dir, isTempFile, { now })).toEqual(['.old.wav.0123456789ab.tmp']);
  });

  it('sweeps a whole data folder, staging folders by their prefix, and leaves an atomic write of its own', async () => {
    const dead = await deadPid();
    await mkdir(path.join(dir, 'files', 'ab'), { recursive: true });
    await mkdir(path.join(dir, 'rating', `.building-${dead}-0123456789ab`), { recursive: true });
    await writeFile(path.join(dir, 'rating', `.building-${dead}-0123456789ab`, 'item.wav'), 'x');
    await writeFile(path.join(dir, 'files', 'ab', `.ab12.wav.${dead}-0123456789ab.tmp`), 'x');
    await writeFileAtomic(path.join(dir, 'files', 'ab', 'ab12.wav'), 'kept');
    expect(await sweepDataDir(dir, ['.building-'])).toEqual([
      path.join('files', 'ab', `.ab12.wav.${dead}-0123456789ab.tmp`),
      path.join('rating', `.building-${dead}-0123456789ab`),
    ]);
    expect(await listFiles(dir)).toEqual([`${path.join('files', 'ab', 'ab12.wav')} 4`]);
  });
});
