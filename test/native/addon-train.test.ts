/**
 * Catch-A-Waveform training and generation through the real addon and its facade
 * (src-main/addon/binding.ts), on the C++ trainer test's tiny setup: a 1.5 s synthetic clip at
 * 2 kHz, fsList [250, 500, 1000] (four trained scales), C 4/6, K 3, L 4, 10 epochs per scale.
 * Progress order and throttling's guarantees, cancel and resume (byte-identical to an
 * uninterrupted run), determinism per seed, generation and reconstruction lengths, argument
 * checks before any work, a JS thread left free while training runs, the alpha1 / alpha2
 * overrides, and an inpainting run with a 50 ms hole.
 * Needs `npm run build:native` first (scripts/run-native-tests.js does it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../../src-main/common/errors.js';
import {
  loadNativeAddon,
  MAX_GENERATE_SECONDS,
  NativeError,
  type NativeAddon,
  type TrainingDevice,
  type TrainingProgress,
  type TrainOptions,
} from '../../src-main/addon/binding.js';
import { listFiles, makeTempDir, removeDir } from '../helpers/temp-dir.js';
import { TINY_HOLE, TINY_OPTIONS, TINY_RATE, TINY_RATES, TINY_SAMPLES, tinySignal } from '../helpers/trained-model.js';

// The tiny setup every generation test shares (test/helpers/trained-model.ts).
const FS = TINY_RATE;
const N_SIGNAL = TINY_SAMPLES;
const SCALES = TINY_RATES.length; // 250, 500, 1000, 2000 Hz
const EPOCHS = TINY_OPTIONS.epochsPerScale ?? 10;
const OPTIONS: TrainOptions = TINY_OPTIONS;
const HOLE = TINY_HOLE;
const INPAINT: TrainOptions = { ...OPTIONS, mode: 'inpainting', holes: [HOLE] };
const makeSignal = tinySignal;

const ckpt = (dir: string, scale: number): string => path.join(dir, `scale-${scale}.ckpt`);

describe('native training and generation', () => {
  let addon: NativeAddon;
  const signal = makeSignal();
  const dirs: string[] = [];
  let trained = ''; // a finished run with OPTIONS, shared by the generation tests
  let progress: TrainingProgress[] = [];

  async function tempDir(): Promise<string> {
    const dir = await makeTempDir('eureka-train-');
    dirs.push(dir);
    return dir;
  }

  beforeAll(async () => {
    addon = loadNativeAddon();
    trained = await tempDir();
    progress = [];
    const result = await addon.train(signal, FS, OPTIONS, trained, false, (p) => progress.push(p)).promise;
    expect(result).toEqual({ scalesTotal: SCALES, scalesDone: SCALES, resumedAt: 0, cancelled: false });
  });

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => removeDir(dir)));
  });

  test('reports progress in order, always with the first and last epochs of every scale', () => {
    expect(progress.length).toBeGreaterThanOrEqual(2 * SCALES);
    expect(progress.length).toBeLessThanOrEqual(SCALES * EPOCHS);
    const order = progress.map((p) => p.scale * EPOCHS + p.epoch);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
    for (let scale = 0; scale < SCALES; scale++) {
      const mine = progress.filter((p) => p.scale === scale);
      expect(mine[0]).toMatchObject({ scale, scales: SCALES, epoch: 1, epochs: EPOCHS });
      expect(mine.at(-1)).toMatchObject({ scale, scales: SCALES, epoch: EPOCHS, epochs: EPOCHS });
    }
    for (const p of progress) {
      expect(p.epoch).toBeGreaterThanOrEqual(1);
      expect(Number.isFinite(p.losses.mse) && p.losses.mse > 0).toBe(true);
      expect(Number.isFinite(p.losses.gp)).toBe(true);
      expect(p.epochSeconds).toBeGreaterThanOrEqual(0);
    }
  });

  test('writes a checkpoint per scale and the manifest', () => {
    for (let scale = 0; scale < SCALES; scale++) expect(existsSync(ckpt(trained, scale))).toBe(true);
    const manifest = readFileSync(path.join(trained, 'manifest.json'), 'utf8');
    expect(manifest).toContain(`"scales_done": ${SCALES}`);
  });

  test('the same seed twice gives byte-identical checkpoints; another seed does not', async () => {
    const again = await tempDir();
    const other = await tempDir();
    await addon.train(signal, FS, OPTIONS, again, false, () => undefined).promise;
    await addon.train(signal, FS, { ...OPTIONS, seed: 4n }, other, false, () => undefined).promise;
    for (let scale = 0; scale < SCALES; scale++) {
      expect(readFileSync(ckpt(again, scale)).equals(readFileSync(ckpt(trained, scale)))).toBe(true);
    }
    expect(readFileSync(ckpt(other, 0)).equals(readFileSync(ckpt(trained, 0)))).toBe(false);
  });

  test('cancel() during scale 2 keeps scales 0-1; resume finishes byte for byte', async () => {
    const dir = await tempDir();
    const seen: TrainingProgress[] = [];
    const run = addon.train(signal, FS, OPTIONS, dir, false, (p) => {
      seen.push(p);
      if (p.scale === 2) run.cancel();
    });
    const cancelled = await run.promise;
    expect(cancelled).toEqual({ scalesTotal: SCALES, scalesDone: 2, resumedAt: 0, cancelled: true });
    expect(seen.at(-1)?.scale).toBe(2); // cancel() inside onProgress stops before the next epoch
    expect(existsSync(ckpt(dir, 0)) && existsSync(ckpt(dir, 1))).toBe(true);
    expect(existsSync(ckpt(dir, 2)) || existsSync(ckpt(dir, 3))).toBe(false);
    expect(readFileSync(ckpt(dir, 1)).equals(readFileSync(ckpt(trained, 1)))).toBe(true);

    const resumedScales: number[] = [];
    const resumed = await addon.train(signal, FS, OPTIONS, dir, true, (p) => resumedScales.push(p.scale)).promise;
    expect(resumed).toEqual({ scalesTotal: SCALES, scalesDone: SCALES, resumedAt: 2, cancelled: false });
    expect(Math.min(...resumedScales)).toBe(2);
    for (let scale = 0; scale < SCALES; scale++) {
      expect(readFileSync(ckpt(dir, scale)).equals(readFileSync(ckpt(trained, scale)))).toBe(true);
    }
  });

  test('an onProgress that throws stops training and rejects with its error', async () => {
    const dir = await tempDir();
    const run = addon.train(signal, FS, OPTIONS, dir, false, (p) => {
      if (p.scale === 1) throw new AppError('STORAGE', 'progress sink failed');
    });
    await expect(run.promise).rejects.toMatchObject({ code: 'STORAGE', message: 'progress sink failed' });
    expect(existsSync(ckpt(dir, 0))).toBe(true);
    expect(existsSync(ckpt(dir, 1))).toBe(false);
  });

  test('reports the device once, before the first epoch: cuda without a usable GPU trains on the CPU and says why', async () => {
    const compute = { devices: addon.buildInfo().cudaCompiled ? addon.cudaDevices().count : 0 };
    const runOn = async (device: 'cpu' | 'cuda') => {
      const events: string[] = [];
      const choices: TrainingDevice[] = [];
      const options: TrainOptions = { ...OPTIONS, fsList: [1000], epochsPerScale: 3, device };
      const result = await addon.train(signal, FS, options, await tempDir(), false, () => events.push('epoch'), (choice) => {
        events.push('device');
        choices.push(choice);
      }).promise;
      expect(result.cancelled).toBe(false);
      expect(events[0]).toBe('device');
      expect(events.filter((e) => e === 'device')).toHaveLength(1);
      return choices[0]!;
    };
    expect(await runOn('cpu')).toEqual({ kind: 'device', device: 'cpu', name: 'CPU', reason: '' });
    if (compute.devices > 0) return; // a GPU machine: the GPU check (docs/gpu-check.md) covers it
    const fallback = await runOn('cuda');
    expect(fallback).toMatchObject({ kind: 'device', device: 'cpu', name: 'CPU' });
    expect(fallback.reason).toMatch(/\S/);
  });

  test('the JS thread stays free while training runs', async () => {
    const dir = await tempDir();
    let ticks = 0;
    let running = true;
    const tick = (): void => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const ticksAtProgress: number[] = [];
    await addon.train(signal, FS, OPTIONS, dir, false, () => ticksAtProgress.push(ticks)).promise;
    running = false;
    expect(ticks).toBeGreaterThan(0);
    expect(ticksAtProgress.at(-1)).toBeGreaterThan(0);
  });

  test('generate gives finite samples of the requested length at the top rate, per seed', async () => {
    const a = await addon.generate(trained, 1, 2);
    const b = await addon.generate(trained, 1n, 2);
    const c = await addon.generate(trained, 2, 2);
    expect(a.sampleRate).toBe(FS);
    expect(a.samples.length).toBe(2 * FS);
    expect(a.samples.every((x) => Number.isFinite(x))).toBe(true);
    expect(a.samples.some((x) => x !== 0)).toBe(true);
    expect(b.samples).toEqual(a.samples);
    expect(c.samples).not.toEqual(a.samples);
    expect((await addon.generate(trained, 1, 0.75)).samples.length).toBe(1500);
  });

  test('reconstruct gives the real signal\'s length at its rate', async () => {
    const r = await addon.reconstruct(trained);
    expect(r.sampleRate).toBe(FS);
    expect(r.samples.length).toBe(N_SIGNAL);
    expect(r.samples.every((x) => Number.isFinite(x))).toBe(true);
    expect(await addon.reconstruct(trained)).toEqual(r);
  });

  test('alpha1 / alpha2 override the mode\'s loss weights', async () => {
    const seen: TrainingProgress[] = [];
    const dir = await tempDir();
    const options: TrainOptions = { ...OPTIONS, epochsPerScale: 2, alpha1: 2, alpha2: 0.5 };
    await addon.train(signal, FS, options, dir, false, (p) => seen.push(p)).promise;
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) {
      // rec = alpha1 * mse + alpha2 * mss (music mode's default would be 0 * mse + 1e-4 * mss)
      expect(p.losses.rec).toBeCloseTo(2 * p.losses.mse + 0.5 * p.losses.mss, 5);
    }
    const mseOnly: TrainingProgress[] = [];
    await addon.train(signal, FS, { ...options, alpha2: 0 }, await tempDir(), false, (p) => mseOnly.push(p)).promise;
    for (const p of mseOnly) expect(p.losses.rec).toBeCloseTo(2 * p.losses.mse, 6);
  });

  test('inpainting trains around the hole, lists it in the manifest and reconstructs', async () => {
    const dir = await tempDir();
    const again = await tempDir();
    const seen: TrainingProgress[] = [];
    const result = await addon.train(signal, FS, INPAINT, dir, false, (p) => seen.push(p)).promise;
    expect(result).toEqual({ scalesTotal: SCALES, scalesDone: SCALES, resumedAt: 0, cancelled: false });
    for (const p of seen) {
      expect(p.losses.rec).toBeCloseTo(10 * p.losses.mse, 6); // inpainting: alpha1 10, alpha2 0
    }
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
      mode: string;
      holes: { start: number; end: number; start_seconds: number; end_seconds: number }[];
    };
    expect(manifest.mode).toBe('inpainting');
    expect(manifest.holes).toEqual([{ ...HOLE, start_seconds: 0.7, end_seconds: 0.75 }]);
    await addon.train(signal, FS, INPAINT, again, false, () => undefined).promise;
    for (let scale = 0; scale < SCALES; scale++) {
      expect(readFileSync(ckpt(again, scale)).equals(readFileSync(ckpt(dir, scale)))).toBe(true);
    }
    const r = await addon.reconstruct(dir);
    expect(r.samples.length).toBe(N_SIGNAL);
    expect(r.samples.every((x) => Number.isFinite(x))).toBe(true);
    expect((await addon.generate(dir, 1, 0.5)).samples.length).toBe(FS / 2);
    // a hole reaching the signal's end passes the schema (it does not know the length); the
    // native trainer refuses it before writing anything
    const late = await tempDir();
    const atEnd: TrainOptions = { ...INPAINT, holes: [{ start: 2900, end: N_SIGNAL }] };
    await expect(addon.train(signal, FS, atEnd, late, false, () => undefined).promise).rejects.toThrow(
      /audio on both sides/,
    );
    expect(await listFiles(late)).toEqual([]);
    // resuming with another hole is refused by the native config check
    const moved: TrainOptions = { ...INPAINT, holes: [{ start: 1400, end: 1480 }] };
    await expect(addon.train(signal, FS, moved, dir, true, () => undefined).promise).rejects.toThrow(
      /another configuration/,
    );
  });

  describe('bad arguments are refused before any work', () => {
    const withNaN = makeSignal();
    withNaN[100] = NaN;
    test.each<[string, () => unknown, string, RegExp]>([
      ['a NaN sample rate', () => [signal, NaN, OPTIONS], 'INVALID_INPUT', /sampleRate/],
      ['a Float64Array', () => [new Float64Array(10), FS, OPTIONS], 'INVALID_INPUT', /signal/],
      ['a NaN sample', () => [withNaN, FS, OPTIONS], 'INVALID_SAMPLES', /index 100/],
      ['an even kernel', () => [signal, FS, { ...OPTIONS, kernelSize: 4 }], 'INVALID_INPUT', /kernelSize.*odd/],
      ['a fractional seed', () => [signal, FS, { ...OPTIONS, seed: 1.5 }], 'INVALID_INPUT', /seed/],
      ['an unknown mode', () => [signal, FS, { ...OPTIONS, mode: 'inpaint' }], 'INVALID_INPUT', /mode/],
      ['inpainting without holes', () => [signal, FS, { ...OPTIONS, mode: 'inpainting' }], 'INVALID_INPUT', /holes/],
      ['holes in normal mode', () => [signal, FS, { ...OPTIONS, holes: [HOLE] }], 'INVALID_INPUT', /holes/],
      [
        'overlapping holes',
        () => [signal, FS, { ...INPAINT, holes: [{ start: 1000, end: 1200 }, { start: 1100, end: 1300 }] }],
        'INVALID_INPUT',
        /holes.*ascending, with audio between them/,
      ],
      ['an empty hole', () => [signal, FS, { ...INPAINT, holes: [{ start: 1400, end: 1400 }] }], 'INVALID_INPUT', /holes/],
      ['a hole at sample 0', () => [signal, FS, { ...INPAINT, holes: [{ start: 0, end: 100 }] }], 'INVALID_INPUT', /holes/],
      ['a fractional hole end', () => [signal, FS, { ...INPAINT, holes: [{ start: 1400, end: 1400.5 }] }], 'INVALID_INPUT', /holes/],
      ['a negative alpha1', () => [signal, FS, { ...OPTIONS, alpha1: -1 }], 'INVALID_INPUT', /alpha1/],
      ['an infinite alpha2', () => [signal, FS, { ...OPTIONS, alpha2: Infinity }], 'INVALID_INPUT', /alpha2/],
      ['descending rates', () => [signal, FS, { ...OPTIONS, fsList: [500, 250] }], 'INVALID_INPUT', /fsList/],
    ])('train with %s throws %s', async (_what, args, code, message) => {
      const dir = await tempDir();
      const [x, rate, options] = args() as [Float32Array, number, TrainOptions];
      expect(() => addon.train(x, rate, options, dir, false, () => undefined)).toThrow(message);
      expect(() => addon.train(x, rate, options, dir, false, () => undefined)).toThrow(
        expect.objectContaining({ code }) as unknown as Error,
      );
      expect(await listFiles(dir)).toEqual([]);
    });

    test('a device other than auto, cpu or cuda is refused before any work', async () => {
      const dir = await tempDir();
      const bad = { ...OPTIONS, device: 'gpu' } as unknown as TrainOptions;
      expect(() => addon.train(signal, FS, bad, dir, false, () => undefined)).toThrow(/train: options\.device: /);
      expect(await listFiles(dir)).toEqual([]);
    });

    test('train into a missing folder throws INVALID_INPUT naming it', async () => {
      const missing = path.join(await tempDir(), 'no-such-dir');
      expect(() => addon.train(signal, FS, OPTIONS, missing, false, () => undefined)).toThrow(
        `train: folder ${missing} does not exist`,
      );
    });

    test('generate and reconstruct reject bad arguments with INVALID_INPUT', async () => {
      const missing = path.join(await tempDir(), 'no-such-dir');
      await expect(addon.generate(trained, 1, NaN)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(addon.generate(trained, -1, 1)).rejects.toThrow(/seed/);
      await expect(addon.generate(trained, 1, MAX_GENERATE_SECONDS + 1)).rejects.toThrow(/seconds/);
      await expect(addon.generate(missing, 1, 1)).rejects.toThrow(`generate: folder ${missing} does not exist`);
      await expect(addon.reconstruct(missing)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    test('generate from a folder without checkpoints rejects with a NativeError', async () => {
      const empty = await tempDir();
      const failure = addon.generate(empty, 1, 1);
      await expect(failure).rejects.toBeInstanceOf(NativeError);
      await expect(failure).rejects.toThrow(/^native generate: /);
    });

    test('the raw addon throws coded TypeErrors synchronously', async () => {
      const raw = createRequire(import.meta.url)(addon.path) as Record<string, (...args: unknown[]) => unknown>;
      const dir = await tempDir();
      const calls: [() => unknown, RegExp][] = [
        [() => raw.train?.(signal, FS, OPTIONS, dir, false), /expected 6 arguments/],
        [() => raw.train?.(signal, NaN, OPTIONS, dir, false, () => undefined), /sampleRate must be an integer/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, layers: 'four' }, dir, false, () => undefined), /layers must be a number/],
        [() => raw.train?.(signal, FS, OPTIONS, dir, 'yes', () => undefined), /resume must be a boolean/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, seed: -1n }, dir, false, () => undefined), /seed must be a bigint/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, alpha1: -1 }, dir, false, () => undefined), /alpha1 must be a finite number >= 0/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, alpha2: NaN }, dir, false, () => undefined), /alpha2 must be a finite number >= 0/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, mode: 'inpainting' }, dir, false, () => undefined), /holes is required/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, holes: [HOLE] }, dir, false, () => undefined), /holes is only allowed/],
        [() => raw.train?.(signal, FS, { ...INPAINT, holes: 'x' }, dir, false, () => undefined), /holes must be an array/],
        [() => raw.train?.(signal, FS, { ...INPAINT, holes: [{ start: 1 }] }, dir, false, () => undefined), /holes\[0\]\.end must be a number/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, device: 'gpu' }, dir, false, () => undefined), /^train: options\.device must be 'auto', 'cpu' or 'cuda'$/],
        [() => raw.train?.(signal, FS, { ...OPTIONS, device: 1 }, dir, false, () => undefined), /options\.device must be/],
        [() => raw.generate?.(dir, 1, Infinity), /seconds must be a finite number/],
        [() => raw.reconstruct?.(42), /outDir must be a string/],
      ];
      for (const [call, message] of calls) {
        let thrown: unknown;
        try {
          call();
        } catch (error) {
          thrown = error;
        }
        // The addon's TypeError comes from the main realm, not jest's sandbox: compare by name.
        expect(thrown).toMatchObject({ name: 'TypeError', code: 'NN_INVALID_ARGUMENT', message: expect.stringMatching(message) });
      }
      expect(await listFiles(dir)).toEqual([]);
    });
  });
});
