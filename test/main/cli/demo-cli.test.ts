/**
 * `eureka demo` as a user runs it (compiled CLI, real data folder, the bundled clip). The demo's
 * own training (quick, 5 minutes) is skipped here (--no-train): it is the same TrainingService
 * path that training-service.test.ts and train-cli.test.ts run to the end. Its generation runs
 * for real, on a model of the demo clip trained with the tiny test preset, which a demo run
 * finds as "the trained demo model".
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { takeSchema } from '../../../src-main/common/generation.js';
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

  it('generates takes in every mode the model offers, and a second run reuses them', async () => {
    const dataDir = path.join(work, 'data');
    expect((await eureka(dataDir, 'train', '1', '--preset', 'test', '--seed', '2')).code).toBe(0);
    const first = await eureka(dataDir, '--json', 'demo');
    expect(first.code).toBe(0);
    const result = z
      .object({ model: z.object({ id: z.number(), status: z.string() }), takes: z.array(takeSchema.extend({ file: z.string() })) })
      .parse(JSON.parse(first.stdout));
    expect(result.model).toEqual(expect.objectContaining({ id: 1, status: 'done' }));
    // The test preset's pyramid offers new, variation, reconstruct and extend (not gap or denoise).
    expect(result.takes.map((t) => [t.settings.mode, t.seed, t.status])).toEqual([
      ['new', '1', 'ready'],
      ['new', '2', 'ready'],
      ['variation', '1', 'ready'],
      ['reconstruct', '1', 'ready'],
      ['extend', '1', 'ready'],
    ]);
    expect(result.takes[0]!.durationSeconds).toBeCloseTo(30, 6);
    expect(result.takes[2]!.durationSeconds).toBeCloseTo(8, 2);
    for (const take of result.takes) expect((await stat(take.file)).size).toBeGreaterThan(0);
    expect(first.stderr).toMatch(/demo: found the trained demo model 1/);
    expect(first.stderr).toMatch(/demo: generating 2 new take\(s\) of 30 s/);

    const again = await eureka(dataDir, 'demo');
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/generating/);
    for (const take of result.takes) expect(again.stdout).toContain(`take ${take.id} (${take.settings.mode}, seed ${take.seed}`);
    expect(again.stdout).toMatch(/take 1 \(new, seed 1, 0:30\.000, -?\d+\.\d LUFS\): .*take-1\.wav/);
  }, 180_000);

  it('refuses a budget it cannot use', async () => {
    const result = await eureka(path.join(work, 'other'), 'demo', '--budget', '5s');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/expected a budget such as 3m/);
  });
});
