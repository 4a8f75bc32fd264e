/**
 * `eureka train`, `models`, `model` as a user runs them: the compiled CLI in a child process,
 * a real data folder, a real training run with the `test` preset.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { modelSchema, trainForecastSchema } from '../../../src-main/common/training.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { wavBytes } from '../../helpers/signals.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka train', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const wav = path.join(work, 'riff.wav');
    await writeFile(wav, wavBytes({ seconds: 1.5, sampleRate: 16_000, channels: 1, frequency: 220, seed: 4 }));
    expect((await eureka(dataDir, 'import', wav)).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '0', '--end', '1.5', '--label', 'U')).code).toBe(0);
  });

  afterAll(async () => {
    await removeDir(work);
  });

  it('trains a clip to the end, says what it chose, and prints the model as JSON', async () => {
    const result = await eureka(dataDir, '--json', 'train', '1', '--preset', 'test', '--seed', '3');
    expect(result.code).toBe(0);
    const model = modelSchema.parse(JSON.parse(result.stdout));
    expect(model).toMatchObject({ id: 1, clipId: 1, status: 'done', preset: 'test' });
    expect(model.scalesDone).toBe(model.scalesTotal);
    expect(model.plan?.seed).toBe('3');
    expect(result.stderr).toMatch(/model 1: test: up to 2 kHz, 12 channels, at most 4 scales; 200 passes over the whole clip at each scale; fp32 on the CPU\n/);
    // the recipe scale by scale: rate, samples an epoch trains on, channels, epochs, forecast
    expect(result.stderr).toMatch(/SCALE +RATE +PER EPOCH +CH +EPOCHS +FORECAST\n1 +250 Hz +375 \(whole\) +8 +200 +-\n/);
    expect(result.stderr).toMatch(/\n4 +2000 Hz +3000 \(whole\) +12 +200 +-\n/);
    expect(result.stderr).toMatch(/scale 1\/\d done: \d+ Hz, .*previews fake \+ rec/);
  }, 90_000);

  it('--forecast says what it would train and what it buys, and makes nothing', async () => {
    const modelsBefore = (JSON.parse((await eureka(dataDir, '--json', 'models')).stdout) as unknown[]).length;
    const text = await eureka(dataDir, 'train', '1', '--preset', 'test', '--forecast');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^No time forecast \(the test preset does not measure this computer\): muffled \(up to 1 kHz\), fully trained \(200 passes per scale\)\.\n/);
    expect(text.stdout).toMatch(/\nplan: test: up to 2 kHz, 12 channels/);
    // Why it is on the CPU, in plain words (the driver's error names stay in `eureka model`).
    expect(text.stdout).toMatch(/\n(No NVIDIA GPU driver|No NVIDIA GPU in this computer|This copy of Eureka was built without GPU support|This version of Eureka trains on the CPU)[^\n]*\.\nplan: /);
    expect(text.stdout).toMatch(/SCALE +RATE +PER EPOCH +CH +EPOCHS +FORECAST\n/);
    const json = await eureka(dataDir, '--json', 'train', '1', '--preset', 'test', '--forecast');
    expect(trainForecastSchema.parse(JSON.parse(json.stdout))).toMatchObject({ outcome: 'fits', plan: { preset: 'test', topRate: 2000 }, measuredAt: null });
    const models = await eureka(dataDir, '--json', 'models');
    expect(JSON.parse(models.stdout)).toHaveLength(modelsBefore);
    const resume = await eureka(dataDir, 'train', '1', '--forecast', '--resume');
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/--forecast is for a new model, not with --resume/);
  }, 60_000);

  it('trains in the denoising mode when asked', async () => {
    const result = await eureka(dataDir, '--json', 'train', '1', '--preset', 'test', '--seed', '4', '--mode', 'denoising');
    expect(result.code).toBe(0);
    expect(modelSchema.parse(JSON.parse(result.stdout))).toMatchObject({ id: 2, status: 'done', plan: { mode: 'denoising' } });
    expect((await eureka(dataDir, 'model', 'rm', '2')).code).toBe(0);
  }, 90_000);

  it('--device cuda without a usable GPU says so in one line and trains on the CPU', async () => {
    const result = await eureka(dataDir, '--json', 'train', '1', '--preset', 'test', '--seed', '6', '--device', 'cuda');
    expect(result.code).toBe(0);
    const model = modelSchema.parse(JSON.parse(result.stdout));
    // This machine has no GPU (the CI's and the helpers'): the line, once, then a CPU run.
    expect(result.stderr).toMatch(/^No usable GPU \((no CUDA device found|no usable NVIDIA driver|the native core was built without CUDA)[^\n]*\) — training on the CPU\.$/m);
    expect(result.stderr.match(/No usable GPU/g)).toHaveLength(1);
    expect(model).toMatchObject({ status: 'done', plan: { device: 'cpu', deviceName: 'CPU' } });
    // The job record keeps why: the same reason the line gave.
    const reason = /No usable GPU \((.*)\) — training on the CPU\./.exec(result.stderr)?.[1];
    expect(model.plan?.deviceReason).toBe(reason);
    expect((await eureka(dataDir, 'model', String(model.id))).stdout).toContain(`\ndevice: CPU (${reason})\n`);
    expect((await eureka(dataDir, 'model', 'rm', String(model.id))).code).toBe(0);
  }, 90_000);

  it('lists and shows models', async () => {
    const list = await eureka(dataDir, '--json', 'models');
    expect(z.array(modelSchema).parse(JSON.parse(list.stdout)).map((m) => m.status)).toEqual(['done']);
    const table = await eureka(dataDir, 'models', '--clip', '1');
    expect(table.stdout).toMatch(/^ID\s+CLIP\s+PRESET\s+STATUS/);
    expect(table.stdout).toMatch(/1\s+1\s+test\s+done/);
    const shown = await eureka(dataDir, 'model', '1');
    expect(shown.stdout).toMatch(/plan: test: up to 2 kHz/);
    expect(shown.stdout).toMatch(/scale 0: \d+ Hz, \d+ samples, 8 ch/);
  }, 30_000); // three CLI processes, each a Node start (seconds on a busy machine)

  it('refuses what cannot be done with a one-line reason and a non-zero status', async () => {
    const cases: [string[], number, RegExp][] = [
      [['train', '1', '--preset', 'studio', '--budget', '10m'], 1, /--budget goes with --preset quick, not studio/],
      [['train', '1', '--preset', 'paper', '--budget', '10m'], 1, /--budget goes with --preset quick, not paper/],
      [['train', '1', '--budget', '5'], 2, /expected a budget between 10 s and 7 days/],
      [['train', '1', '--budget', '20'], 1, /an audio model's budget is at least 30 s/],
      [['train', '1', '--budget', 'soon'], 2, /expected a duration such as 15m/],
      [['train', '1', '--seed', '-1'], 2, /expected a whole number/],
      [['train', '1', '--mode', 'karaoke'], 2, /argument 'karaoke' is invalid/],
      [['train', '--resume', '--model', '1'], 1, /model 1 is done: only a failed, cancelled or interrupted model can resume/],
      [['train', '1', '--resume'], 1, /clip 1 has no failed, cancelled or interrupted model to resume/],
      [['train', '99', '--preset', 'test'], 1, /clip 99/],
      [['model', 'rm', '7'], 1, /there is no model 7/],
    ];
    for (const [args, code, message] of cases) {
      const result = await eureka(dataDir, ...args);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), code]);
      expect(result.stderr).toMatch(message);
      if (code === 1) expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000); // twelve CLI processes, each a Node start (~0.5 s, more on a busy machine)

  it('deletes a model with its folder', async () => {
    expect((await eureka(dataDir, 'model', 'rm', '1')).stdout).toBe('deleted model 1\n');
    expect(JSON.parse((await eureka(dataDir, '--json', 'models')).stdout)).toEqual([]);
  });
});
