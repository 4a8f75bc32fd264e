/**
 * `eureka demo` as a user runs it (compiled CLI, real data folder, the bundled clip). Training is
 * skipped here (--no-train): the training it starts is the same TrainingService path that
 * training-service.test.ts and train-cli.test.ts run to the end.
 */
import path from 'node:path';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka demo', () => {
  let work: string;

  beforeAll(async () => {
    work = await makeTempDir();
  });
  afterAll(async () => {
    await removeDir(work);
  });

  it('imports the bundled clip once, cuts its 8 s clip and prepares 16 kHz audio', async () => {
    const dataDir = path.join(work, 'data');
    const first = await eureka(dataDir, '--json', 'demo', '--no-train');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { imported: boolean; clip: { start: number; end: number }; trainingAudio: { samples: number; sampleRate: number }; model: unknown };
    expect(result).toMatchObject({ imported: true, clip: { start: 4, end: 12 }, trainingAudio: { samples: 8 * 16_000, sampleRate: 16_000 }, model: null });
    expect(first.stderr).toMatch(/demo: preparing mono 16 kHz training audio/);
    const again = await eureka(dataDir, 'demo', '--no-train');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^found song 1: eureka-demo\.flac/);
    expect(again.stdout).toMatch(/clip 1: 0:04\.000–0:12\.000 \(U, train\)/);
    const clips = JSON.parse((await eureka(dataDir, '--json', 'clips')).stdout) as unknown[];
    expect(clips).toHaveLength(1);
  });

  it('refuses a budget it cannot use', async () => {
    const result = await eureka(path.join(work, 'other'), 'demo', '--budget', '5s');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/expected a budget such as 3m/);
  });
});
