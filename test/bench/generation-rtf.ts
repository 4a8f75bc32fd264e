/**
 * Bench: generation speed of a studio-size model through onnxruntime (the target: "a 60 s take from
 * a studio-size model generates at ≥ 1x real time on 2 CPU cores"). The model has the studio
 * preset's architecture (C 16/96, K 9, L 8, the studio rates up to 16 kHz; the trainer's energy
 * rule starts this signal at 500 Hz, so 14 scales: the two it skips hold 1 % of the work); its
 * weights come from one real training epoch per scale on 8 s of tones and noise, which is all a
 * speed measurement needs (the work per sample does not depend on the weights). It is trained once into
 * build/bench/studio-size (about 2 minutes on 2 cores) and reused.
 *
 * Prints, per take length: wall seconds of the ONNX pyramid (after a warm-up run that creates the
 * sessions), real-time factor (audio seconds per wall second), per-scale times, and the
 * convolution FLOP rate against the machine's measured peak when PEAK_GFLOPS is given.
 *   npm run bench:generation [-- 60 120]        (take lengths in seconds; default 60)
 *   EUREKA_EP=cuda npm run bench:generation     (onnxruntime's CUDA provider, where installed)
 * Figures are recorded in test/bench/RESULTS.md with machine, commit and command.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadNativeAddon, type TrainOptions } from '../../src-main/addon/binding.js';
import { packageRoot } from '../../src-main/node/package-root.js';
import { ensureOnnx } from '../../src-main/services/models/onnx/export.js';
import { OnnxPyramid, type ExecutionProviderChoice } from '../../src-main/services/takes/onnx/onnx-pyramid.js';
import type { ModelSource } from '../../src-main/services/models/model-source.js';
import { renderTake } from '../../src-main/services/takes/render/index.js';

const RATE = 16_000;
const SECONDS = 8;
const STUDIO: TrainOptions = {
  mode: 'normal',
  channelsFirst: 16,
  channelsRest: 96,
  kernelSize: 9,
  layers: 8,
  epochsPerScale: 1,
  seed: 1,
  fsList: [320, 400, 500, 640, 800, 1000, 1280, 1600, 2000, 2500, 4000, 8000, 10000, 12000, 14400],
};

/** Multiply-adds ×2 per output sample of one C-channel scale: trunk, gates, out_conv. */
function flopsPerSample(C: number, K: number, L: number): number {
  const head = C * K;
  const bodyAndTail = (L - 1) * C * C * K;
  const gates = 2 * C * C * K;
  return 2 * (head + bodyAndTail + gates + C);
}

function signal(): Float32Array {
  const x = new Float32Array(RATE * SECONDS);
  let state = 5;
  for (let i = 0; i < x.length; i++) {
    const t = i / RATE;
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    x[i] = 0.4 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 331 * t) * Math.sin(2 * Math.PI * 0.5 * t) + 0.05 * (state / 2 ** 31 - 1);
  }
  return x;
}

/**
 * What renderTake reads of a model's source for a 'new' take: its level and loudness. The bench
 * model has no library clip behind it, so these are stated, not loaded (loadModelSource reads
 * them from a model folder the app made).
 */
function benchSource(): ModelSource {
  return {
    signal: signal(),
    topRate: RATE,
    normFactor: 0.5,
    mode: 'normal',
    holes: [],
    sourceLoudnessLufs: -18,
    sourcePeak: 0.5,
    plan: null as unknown as ModelSource['plan'], // not read for a 'new' take
  };
}

/** Whether the trainer's manifest.json in dir says every scale is done. */
function trainedToTheEnd(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { scales_done?: number; scales_total?: number };
    return manifest.scales_total !== undefined && manifest.scales_done === manifest.scales_total;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const lengths = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const takeSeconds = lengths.length > 0 ? lengths : [60];
  const provider = (process.env.EUREKA_EP ?? 'cpu') as ExecutionProviderChoice;
  const peak = Number(process.env.PEAK_GFLOPS ?? 0);
  const addon = loadNativeAddon();
  const dir = path.join(packageRoot(), 'build', 'bench', 'studio-size');
  if (!trainedToTheEnd(dir)) {
    await mkdir(dir, { recursive: true });
    const started = performance.now();
    process.stdout.write('training the studio-size model (1 epoch per scale)…\n');
    await addon.train(signal(), RATE, STUDIO, dir, true, () => undefined).promise;
    process.stdout.write(`trained in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  const manifest = await ensureOnnx(addon, dir);
  const pyramid = await OnnxPyramid.open(path.join(dir, 'onnx'), { executionProvider: provider });
  process.stdout.write(`execution provider: ${pyramid.executionProvider}${pyramid.providerReason ? ` (${pyramid.providerReason})` : ''}\n`);
  const warm = pyramid.lengthsFor(2);
  await pyramid.run({ noises: addon.generationNoise(1n, warm) });
  for (const seconds of takeSeconds) {
    const sizes = pyramid.lengthsFor(seconds);
    const noises = addon.generationNoise(7n, sizes);
    const times: number[] = [];
    let last = performance.now();
    const started = last;
    await pyramid.run({
      noises,
      onScale: () => {
        const now = performance.now();
        times.push((now - last) / 1000);
        last = now;
      },
    });
    const wall = (performance.now() - started) / 1000;
    const flops = manifest.scales.reduce((sum, s, i) => sum + flopsPerSample(s.channels, STUDIO.kernelSize ?? 9, STUDIO.layers ?? 8) * (sizes[i] ?? 0), 0);
    const gflops = flops / wall / 1e9;
    process.stdout.write(
      `${seconds} s take: ${wall.toFixed(2)} s wall, ${(seconds / wall).toFixed(2)}x real time, ` +
        `${(flops / 1e12).toFixed(2)} TFLOP of convolutions at ${gflops.toFixed(1)} GFLOP/s` +
        (peak > 0 ? ` (${((100 * gflops) / peak).toFixed(0)} % of ${peak} GFLOP/s peak)` : '') +
        '\n',
    );
    process.stdout.write(`  per scale (s): ${manifest.scales.map((s, i) => `${s.rate} Hz ${times[i]?.toFixed(2)}`).join(', ')}\n`);
    // The whole 'new' take as the app makes it: edge margins, resampling check, loudness match.
    const takeStarted = performance.now();
    const take = await renderTake({ pyramid, noise: (seed, sizes) => addon.generationNoise(seed, sizes), source: benchSource() }, { mode: 'new', seconds, extendFromRate: null }, 7n);
    const takeWall = (performance.now() - takeStarted) / 1000;
    process.stdout.write(`  whole 'new' take (margins, fades, loudness): ${takeWall.toFixed(2)} s wall, ${(take.seconds / takeWall).toFixed(2)}x real time\n`);
  }
  await pyramid.dispose();
}

await main();
