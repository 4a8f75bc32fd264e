/** A real library (SQLite file + store) in a temp folder, decoding inline. */
import { createCore, type Core } from '../../src-main/core.js';
import type { LibraryLimits } from '../../src-main/common/limits.js';
import { listFiles, makeTempDir, removeDir } from './temp-dir.js';

export interface TestLibrary {
  dir: string;
  core: Core;
  /** Rows of every library table plus every file in the data folder except the database's own. */
  snapshot(): Promise<{ rows: unknown; files: string[] }>;
  close(): Promise<void>;
}

export async function openTestLibrary(limits: Partial<LibraryLimits> = {}): Promise<TestLibrary> {
  const dir = await makeTempDir();
  const core = await createCore({ dataDir: dir, limits, audio: 'inline' });
  return {
    dir,
    core,
    async snapshot() {
      const rows = {
        songs: core.library.listSongs(),
        clips: core.library.listClips(),
      };
      const files = (await listFiles(dir)).filter((line) => !line.startsWith('eureka.db'));
      return { rows, files };
    },
    async close() {
      await core.dispose();
      await removeDir(dir);
    },
  };
}
