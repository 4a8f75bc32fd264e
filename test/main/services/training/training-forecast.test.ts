/**
 * The forecast before a run, on real parts: a real library, the real training worker (tsc's
 * build, forked) measuring this machine with the real native trainer, the stored measurement in
 * the data folder. The forecast plans 16 kHz for a 10 s clip in 30 minutes, refuses a budget too
 * short before anything is made (offering the shortest that works), and the run that follows
 * trains the plan the forecast showed without measuring again.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createCore, type Core } from '../../../../src-main/core.js';
import type { Model, TrainForecast } from '../../../../src-main/common/training.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { MACHINE_SPEED_FILE } from '../../../../src-main/services/training/machine-speed.js';
import { slowDownMachine } from '../../../helpers/slower-machine.js';
import { mulberry32 } from '../../../fixtures/audio-fixtures.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 16_000;

let dir: string;
let core: Core;
let clipId: number;

function noisyTones(seconds: number): Float32Array {
  const random = mulberry32(3);
  const x = new Float32Array(seconds * RATE);
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / RATE) + 0.05 * (random() * 2 - 1);
  return x;
}

beforeAll(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline' });
  const wav = encodeWav({ sampleRate: RATE, channels: [noisyTones(12)] }, { bitDepth: 32, float: true });
  const { files } = await core.library.importFiles([{ name: 'tones.wav', data: wav }]);
  clipId = core.library.addClip({ songId: files[0]!.songId, fileId: files[0]!.id, start: 1, end: 11, label: 'U' }).id;
});

afterAll(async () => {
  await core.dispose();
  await removeDir(dir);
});

describe('the forecast of a quick run', () => {
  let forecast: TrainForecast;

  beforeAll(async () => {
    const started = performance.now();
    forecast = await core.training.forecast({ clipId, preset: 'quick', budgetSeconds: 1800, seed: '5' });
    process.stdout.write(`forecast with a measurement of this machine: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }, 180_000);

  it('measures this machine once, keeps it, and plans 16 kHz within the budget', async () => {
    expect(forecast.outcome).toBe('fits');
    expect(forecast.plan?.topRate).toBe(16_000);
    expect(forecast.plan!.predictedSeconds!).toBeLessThanOrEqual(1800);
    expect(forecast.headline).toMatch(/^About .+ of your 30 min: full band \(up to 8 kHz\)/);
    expect(existsSync(path.join(dir, MACHINE_SPEED_FILE))).toBe(true);
    // Asked again: the stored measurement, no new one.
    const again = await core.training.forecast({ clipId, preset: 'quick', budgetSeconds: 1800, seed: '5' });
    expect(again.measuredAt).toBe(forecast.measuredAt);
    expect(again.plan).toEqual(forecast.plan);
  });

  it('refuses a budget too short before anything is made, offering the shortest that works', async () => {
    // On a quiet machine the cheapest settings fit even the shortest budget (30 s): a budget is
    // refused on a slow or busy one. So this machine is made 200 times slower where the service
    // reads it, the stored measurement, and put back afterwards.
    const restore = await slowDownMachine(dir, 200);
    try {
      const short = await core.training.forecast({ clipId, preset: 'quick', budgetSeconds: 30 });
      expect(short.outcome).toBe('refused');
      expect(short.shortestBudgetSeconds).toBeGreaterThan(30);
      expect(short.headline).toMatch(/^30 s is too short for this 10 s clip on this computer: the shortest budget that works is .+\.$/);
      const before = core.training.list().length;
      await expect(core.training.create({ clipId, preset: 'quick', budgetSeconds: 30 })).rejects.toThrow(/too short .* the shortest budget that works is/);
      expect(core.training.list()).toHaveLength(before);
      const enough = await core.training.forecast({ clipId, preset: 'quick', budgetSeconds: short.shortestBudgetSeconds! });
      expect(enough.outcome).toBe('fits');
    } finally {
      await restore();
    }
  });

  it('the run trains the plan the forecast showed, without measuring again', async () => {
    const phases = new Set<string>();
    let planned: Model | null = null;
    const model = await core.training.create({ clipId, preset: 'quick', budgetSeconds: 1800, seed: '5' });
    await new Promise<void>((resolve) => {
      const unsubscribe = core.subscribe((event, payload) => {
        if (event === 'training:did-progress') phases.add((payload as { phase: string }).phase);
        if (event !== 'training:did-change') return;
        const now = core.training.get(model.id);
        if (now.plan && !planned) {
          planned = now;
          unsubscribe();
          resolve();
        }
      });
    });
    core.training.cancel(model.id);
    await core.training.waitFor(model.id);
    expect(phases.has('probing')).toBe(false);
    const plan = planned!.plan!;
    const shown = forecast.plan!;
    expect(plan.summary).toBe(shown.summary);
    expect(plan.scales.map((s) => [s.rate, s.channels, s.epochs])).toEqual(shown.scales.map((s) => [s.rate, s.channels, s.epochs]));
    expect(plan.predictedSeconds).toBeCloseTo(shown.predictedSeconds!, 6);
  }, 120_000);
});
