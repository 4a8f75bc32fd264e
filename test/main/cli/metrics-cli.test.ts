/**
 * `eureka metrics` and `eureka rank` as a user runs them: the compiled CLI in a child process,
 * a real data folder, a model trained with the `test` preset and two real takes. A core opened
 * on the same folder stands in for a running app: what the CLI measured is stored for it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { rankingSchema, takeMetricsSchema } from '../../../src-main/common/metrics.js';
import { createCore, type Core } from '../../../src-main/core.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { wavBytes } from '../../helpers/signals.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka metrics and rank', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const wav = path.join(work, 'riff.wav');
    await writeFile(wav, wavBytes({ seconds: 5, sampleRate: 16_000, channels: 1, frequency: 220, seed: 4 }));
    expect((await eureka(dataDir, 'import', wav)).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '0', '--end', '1.5', '--label', 'U')).code).toBe(0);
    expect((await eureka(dataDir, 'train', '1', '--preset', 'test', '--seed', '3')).code).toBe(0);
    expect((await eureka(dataDir, 'generate', '1', '--count', '2', '--length', '3', '--seed', '5')).code).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await removeDir(work);
  });

  it('prints a column per take, and the running app finds the measurements stored', async () => {
    const result = await eureka(dataDir, 'metrics', '1', '2');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+IN WORDS\s+TAKE 1\s+TAKE 2$/);
    // Each measure by its technical name, then in the GUI's words.
    for (const row of [
      'duration\\s+length\\s+0:03\\.000\\s+0:03\\.000',
      'loudness\\s+loudness\\s+-?\\d+\\.\\d LUFS',
      'pitches \\(source\\)\\s+notes heard \\(the clip\\)\\s+\\d+ \\(\\d+\\)',
      'spectral vs source\\s+frequency balance vs the clip\\s+\\d+\\.\\d\\d dB',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`\\n${row}`));
    }
    // The song goes on after the clip: that is the held-out audio.
    expect(result.stdout).toMatch(/\nMFCC Fréchet vs held-out\s+tone colour vs the rest of the song\s+\d+\.\d\s+\d+\.\d/);
    expect(result.stdout).toMatch(/\nlongest copy\s+longest copied stretch\s+\d+\.\d s\s+\d+\.\d s/);
    expect(result.stdout).toMatch(/\nscore \(fidelity, novelty\)\s+score \(close to the clip, not a copy\)\s+\d+ \(\d+, \d+\)\s+\d+ \(\d+, \d+\)/);

    const app: Core = await createCore({ dataDir, audio: 'inline' });
    try {
      expect((await app.metrics.get(1))?.takeId).toBe(1);
      expect((await app.metrics.get(2))?.takeId).toBe(2);
    } finally {
      await app.dispose();
    }
  }, 60_000);

  it('prints TakeMetrics JSON with --json, and writes the pictures with --png', async () => {
    const pngDir = path.join(work, 'report');
    const result = await eureka(dataDir, '--json', 'metrics', '2', '--png', pngDir);
    expect(result.code).toBe(0);
    const metrics = z.array(takeMetricsSchema).parse(JSON.parse(result.stdout));
    expect(metrics.map((m) => [m.takeId, m.modelId, m.durationSeconds])).toEqual([[2, 1, 3]]);
    const png = await readFile(path.join(pngDir, 'take-2.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(result.stderr).toContain(`wrote ${path.join(pngDir, 'take-2.png')}`);
  }, 60_000);

  it('ranks the takes, sums up their diversity and explains the weights', async () => {
    const result = await eureka(dataDir, 'rank', '1');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^RANK\s+TAKE\s+NAME\s+SCORE\s+FIDELITY\s+NOVELTY\s+LONGEST COPY\s+VERDICT\n1\s+[12]\s+Take [12]\s+\d+/);
    expect(result.stdout).toMatch(/\n2\s+[12]\s+Take [12]\s+\d+/);
    expect(result.stdout).toMatch(/\nThe 2 takes /);
    expect(result.stdout).toContain('Score (0-100) = 0.50 × fidelity + 0.50 × novelty.');
    expect(result.stdout).toContain('a stretch copied for over 4.0 s flags a near-copy');
  }, 60_000);

  it('ranks once with other weights, and keeps them only with --save', async () => {
    const once = await eureka(dataDir, '--json', 'rank', '1', '--fidelity', '0.8', '--copy-limit', '2');
    expect(once.code).toBe(0);
    const ranking = rankingSchema.parse(JSON.parse(once.stdout));
    expect(ranking.weights.fidelity).toBeCloseTo(0.8, 9);
    expect(ranking.weights.novelty).toBeCloseTo(0.2, 9);
    expect(ranking.weights.copyLimitSeconds).toBe(2);
    expect(ranking.entries.every((e) => e.metrics.copy.limitSeconds === 2)).toBe(true);
    expect(rankingSchema.parse(JSON.parse((await eureka(dataDir, '--json', 'rank', '1')).stdout)).weights.fidelity).toBe(0.5);

    expect((await eureka(dataDir, 'rank', '1', '--novelty', '1', '--save')).stdout).toContain('Score (0-100) = 0.00 × fidelity + 1.00 × novelty.');
    const settings = JSON.parse(await readFile(path.join(dataDir, 'metrics-settings.json'), 'utf8')) as unknown;
    expect(settings).toEqual({ weights: { fidelity: 0, novelty: 1, copyLimitSeconds: 4 } });
  }, 60_000);

  it('says what is wrong in one line', async () => {
    const missing = await eureka(dataDir, 'metrics', '99');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('eureka: there is no take 99\n');
    const badWeight = await eureka(dataDir, 'rank', '1', '--fidelity', '2');
    expect(badWeight.code).toBe(2);
    expect(badWeight.stderr).toMatch(/expected a weight from 0 to 1/);
    const noModel = await eureka(dataDir, 'rank', '7');
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/^eureka: .*model 7/);
  }, 60_000);
});
