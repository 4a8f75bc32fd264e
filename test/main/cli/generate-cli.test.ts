/**
 * `eureka generate`, `modes`, `takes`, `take` as a user runs them: the compiled CLI in a child
 * process, a real data folder, a model trained with the `test` preset, real takes. A core
 * opened on the same folder stands in for a running app: what the CLI makes shows up there.
 */
import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { takeSchema } from '../../../src-main/common/generation.js';
import { createCore, type Core } from '../../../src-main/core.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { wavBytes } from '../../helpers/signals.js';

const takeLineSchema = takeSchema.extend({ file: z.string().nullable(), bandHz: z.number().nullable() });

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka generate and takes', () => {
  let work: string;
  let dataDir: string;
  let app: Core;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const wav = path.join(work, 'riff.wav');
    await writeFile(wav, wavBytes({ seconds: 1.5, sampleRate: 16_000, channels: 1, frequency: 220, seed: 4 }));
    expect((await eureka(dataDir, 'import', wav)).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '0', '--end', '1.5', '--label', 'U')).code).toBe(0);
    expect((await eureka(dataDir, 'train', '1', '--preset', 'test', '--seed', '3')).code).toBe(0);
    app = await createCore({ dataDir, audio: 'inline' });
  }, 120_000);

  afterAll(async () => {
    await app.dispose();
    await removeDir(work);
  });

  it('lists the modes of a model', async () => {
    const table = await eureka(dataDir, 'modes', '1');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^MODE\s+AVAILABLE\s+LENGTH/);
    expect(table.stdout).toMatch(/new\s+yes\s+any/);
    expect(table.stdout).toMatch(/gap\s+no\s+.*Only a model trained on a gap clip/);
  }, 30_000);

  it('streams one NDJSON line per take with --json, and the running app sees them', async () => {
    const result = await eureka(dataDir, '--json', 'generate', '1', '--count', '2', '--length', '2', '--seed', '5');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => takeLineSchema.parse(JSON.parse(line)));
    expect(lines.map((t) => [t.id, t.seed, t.status, t.settings.seconds])).toEqual([
      [1, '5', 'ready', 2],
      [2, '6', 'ready', 2],
    ]);
    for (const take of lines) {
      // At the bounce's 16 kHz, with the band the 2 kHz test model really made.
      expect(take).toMatchObject({ sampleRate: 16_000, bandHz: 1000, render: { modelRate: 2000, channels: 1, fill: null } });
      expect(take.file).toBe(path.join(dataDir, 'takes', '1', `take-${take.id}.wav`));
      expect((await stat(take.file!)).size).toBeGreaterThan(32_000 * 4);
    }
    expect(result.stderr).toMatch(/model 1: 2 new take\(s\) of 0:02\.000, seed 5 to 6/);
    expect(app.takes.list({ modelId: 1 }).map((t) => [t.id, t.status])).toEqual([
      [2, 'ready'],
      [1, 'ready'],
    ]);
    expect(app.mediaFile({ kind: 'take', takeId: 1 })).toBe(lines[0]!.file);
  }, 60_000);

  it('prints a line per take for people, and lists takes', async () => {
    const result = await eureka(dataDir, 'generate', '1', '--mode', 'reconstruct');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^take 3 \(Take 3, reconstruct, seed \d+\): .*take-3\.wav · 0:01\.500 · .* · 16 kHz mono, up to 1 kHz$/m);
    const json = z.array(takeLineSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'takes', '--clip', '1')).stdout));
    expect(json.map((t) => t.id)).toEqual([3, 2, 1]);
    const table = await eureka(dataDir, 'takes', '--model', '1');
    expect(table.stdout).toMatch(/^ID\s+MODEL\s+NAME\s+MODE\s+LENGTH\s+BAND\s+SEED\s+STATUS\s+VERDICT\s+FILE/);
    expect(table.stdout).toMatch(/\n1\s+1\s+Take 1\s+new\s+0:02\.000\s+up to 1 kHz\s+5\s+ready\s+undecided\s+\S+take-1\.wav/);
  }, 60_000);

  it('keeps, stars and discards takes, and purges the discarded files', async () => {
    expect((await eureka(dataDir, 'take', '1', 'keep')).stdout).toMatch(/take 1 .*· kept$/m);
    expect((await eureka(dataDir, 'take', '1', 'star')).stdout).toMatch(/· kept, starred$/m);
    expect((await eureka(dataDir, 'take', '2', 'discard')).code).toBe(0);
    expect(JSON.parse((await eureka(dataDir, '--json', 'takes', 'purge', '--model', '1')).stdout)).toEqual({ deleted: 1 });
    expect((await eureka(dataDir, 'take', '2')).stdout).toMatch(/take 2 \(Take 2, new, seed 6\): file deleted/);
    expect(app.takes.get(1)).toMatchObject({ verdict: 'kept', starred: true, hasFile: true });
    expect(app.takes.get(2)).toMatchObject({ verdict: 'discarded', hasFile: false });
    const bad = await eureka(dataDir, 'take', '1', 'love');
    expect(bad.code).toBe(2);
  }, 60_000);

  it('refuses what cannot be done in one line', async () => {
    const length = await eureka(dataDir, 'generate', '1', '--mode', 'variation', '--length', '3');
    expect([length.code, length.stderr]).toEqual([1, "eureka: --length and --bars go with --mode new; variation takes have the clip's length\n"]);
    const gap = await eureka(dataDir, 'generate', '1', '--mode', 'gap');
    expect([gap.code, gap.stderr]).toEqual([1, 'eureka: model 1 cannot make gap takes: Only a model trained on a gap clip can fill its gap.\n']);
    const missing = await eureka(dataDir, 'generate', '9');
    expect(missing.stderr).toBe('eureka: there is no model 9\n');
    const count = await eureka(dataDir, 'generate', '1', '--count', '101');
    expect(count.code).toBe(2);
    const again = await eureka(dataDir, 'generate', '1', '--mode', 'reconstruct');
    expect([again.code, again.stderr]).toEqual([1, "eureka: this model's reconstruction already exists: take 3\n"]);
  }, 60_000);

  it('cancels the batch on Ctrl-C and exits 130, keeping the takes made', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/eureka.js'), '--data-dir', dataDir, '--json', 'generate', '1', '--count', '20', '--length', '5'], {
      env: { ...process.env, EUREKA_DATA_DIR: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const first = stdout === '';
      stdout += chunk.toString();
      if (first) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    // One line per take: those made, then the cancelled rest.
    const lines = stdout.trim().split('\n').map((line) => takeLineSchema.parse(JSON.parse(line)));
    expect(lines.length).toBe(20);
    const made = lines.filter((t) => t.status === 'ready');
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(made.length).toBeLessThan(20);
    expect(lines.slice(made.length).every((t) => t.status === 'failed' && t.error === 'cancelled')).toBe(true);
    expect(stderr).toMatch(new RegExp(`cancelled: ${made.length} of 20 take\\(s\\) made`));
    expect(app.takes.batch(made[0]!.batchId).map((t) => t.status)).toEqual(lines.map((t) => t.status));
  }, 60_000);
});
