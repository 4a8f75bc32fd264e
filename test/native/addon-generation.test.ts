/**
 * What the addon hands to generation outside the native core: readTrained (the frozen
 * generators as arrays, for the ONNX export), generationNoise (caw_generate's seeded draws) and
 * upsampleCubic (the between-scale upsampling). The ONNX equivalence tests
 * (test/main/services/takes/onnx) check these against the native generator end to end;
 * this file checks their own contracts on a tiny real run.
 * Needs `npm run build:native` first (scripts/run-native-tests.js does it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-main/common/errors.js';
import { loadNativeAddon, type NativeAddon, type TrainOptions } from '../../src-main/addon/binding.js';
import { makeTempDir, removeDir } from '../helpers/temp-dir.js';

const FS = 2000;
const OPTIONS: TrainOptions = {
  mode: 'normal',
  channelsFirst: 4,
  channelsRest: 6,
  kernelSize: 3,
  layers: 4,
  epochsPerScale: 4,
  seed: 11,
  alpha2: 0,
  fsList: [250, 500, 1000],
};

function tones(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.6 * Math.sin((2 * Math.PI * 110 * i) / FS) + 0.3 * Math.sin((2 * Math.PI * 370 * i) / FS);
  return x;
}

describe('addon: what generation needs from a trained run', () => {
  let addon: NativeAddon;
  let dir = '';

  beforeAll(async () => {
    addon = loadNativeAddon();
    dir = await makeTempDir('eureka-trained-');
    await addon.train(tones(3000), FS, OPTIONS, dir, false, () => undefined).promise;
  }, 120_000);

  afterAll(async () => {
    await removeDir(dir);
  });

  test('readTrained gives every finished scale with its architecture, weights and noise', async () => {
    const trained = await addon.readTrained(dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { config_hash: string; scales_total: number };
    expect(trained.configHash).toBe(manifest.config_hash);
    expect(trained.scalesTotal).toBe(manifest.scales_total);
    expect(trained.scales.map((s) => s.rate)).toEqual([250, 500, 1000, 2000]);
    expect(trained.inpainting).toBe(false);
    expect(trained.holes).toEqual([]);
    expect(trained.preemphasis).toBeCloseTo(0.97, 6);
    for (const [s, scale] of trained.scales.entries()) {
      const C = s === 0 ? OPTIONS.channelsFirst : OPTIONS.channelsRest;
      expect(scale.channels).toBe(C);
      expect(scale.pad).toBe(((3 - 1) * (2 ** 4 - 1)) / 2);
      expect(scale.convs.map((c) => c.name)).toEqual(['head', 'body.0', 'body.1', 'tail', 'gate_tanh', 'gate_sigmoid', 'out_conv']);
      expect(scale.convs.map((c) => c.dilation)).toEqual([1, 2, 4, 8, 1, 1, 1]);
      expect(scale.convs.map((c) => c.batchNorm !== null)).toEqual([true, true, true, false, false, false, false]);
      expect(scale.convs[0]!.inChannels).toBe(1);
      expect(scale.convs.at(-1)!.outChannels).toBe(1);
      for (const conv of scale.convs) {
        expect(conv.weight.length).toBe(conv.outChannels * conv.inChannels * conv.kernel);
        expect(conv.bias.length).toBe(conv.outChannels);
        expect(conv.weight.every(Number.isFinite)).toBe(true);
      }
      // scale 0 reconstructs from its fixed noise; later scales of a normal run from zeros
      if (s === 0) expect(scale.zRec?.length).toBe(scale.length);
      else expect(scale.zRec).toBeNull();
    }
  });

  test('the effective weights are finite, with one trained norm per output row', async () => {
    const trained = await addon.readTrained(dir);
    // g is initialised to ||v|| and trained from there; rows cannot all share one norm by chance
    const head = trained.scales[1]!.convs[1]!;
    const rowNorms = Array.from({ length: head.outChannels }, (_, o) => {
      const row = head.weight.subarray(o * head.inChannels * head.kernel, (o + 1) * head.inChannels * head.kernel);
      return Math.hypot(...row);
    });
    expect(rowNorms.every((n) => n > 0 && Number.isFinite(n))).toBe(true);
    expect(new Set(rowNorms.map((n) => n.toFixed(6))).size).toBeGreaterThan(1);
  });

  test('generationNoise is deterministic per seed, continues one stream across lengths, and differs across seeds', () => {
    const a = addon.generationNoise(7n, [5, 6]);
    const b = addon.generationNoise(7, [5, 6]);
    expect(a.map((x) => Array.from(x))).toEqual(b.map((x) => Array.from(x)));
    const whole = addon.generationNoise(7n, [11])[0]!;
    expect(Array.from(whole)).toEqual([...a[0]!, ...a[1]!]);
    const other = addon.generationNoise(8n, [11])[0]!;
    expect(Array.from(other)).not.toEqual(Array.from(whole));
    const big = addon.generationNoise(1n, [200_000])[0]!;
    const mean = big.reduce((s, x) => s + x, 0) / big.length;
    const variance = big.reduce((s, x) => s + (x - mean) ** 2, 0) / big.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    expect(addon.generationNoise(1n, [0])[0]!.length).toBe(0);
  });

  test('upsampleCubic keeps constants, reproduces a ramp inside, crops and zero-pads', () => {
    const ones = addon.upsampleCubic(new Float32Array(8).fill(1), 2, 18);
    expect(Array.from(ones.subarray(0, 16))).toEqual(new Array(16).fill(1));
    expect(Array.from(ones.subarray(16))).toEqual([0, 0]);
    const ramp = Float32Array.from({ length: 40 }, (_, i) => i);
    const up = addon.upsampleCubic(ramp, 1.25, 50);
    // full grid 50: x_j = j/1.25 + 19.5 - 49/2.5; interior outputs are the ramp's value at x_j
    for (let j = 5; j < 45; j++) expect(up[j]).toBeCloseTo(j / 1.25 + 19.5 - 49 / 2.5, 4);
    expect(addon.upsampleCubic(ramp, 1.25, 47).length).toBe(47);
  });

  test('bad arguments are refused before any work, naming the argument', async () => {
    expect(() => addon.generationNoise(-1, [3])).toThrow(/generationNoise: seed/);
    expect(() => addon.generationNoise(1, [1.5])).toThrow(/generationNoise: lengths\.0/);
    expect(() => addon.upsampleCubic(new Float32Array(0), 2, 4)).toThrow(/x is empty/);
    expect(() => addon.upsampleCubic(new Float32Array(4), 0.5, 4)).toThrow(AppError);
    await expect(addon.readTrained(path.join(dir, 'missing'))).rejects.toThrow(/does not exist/);
    const empty = await makeTempDir('eureka-untrained-');
    await expect(addon.readTrained(empty)).rejects.toThrow(/no trained scale/);
    await removeDir(empty);
  });
});
