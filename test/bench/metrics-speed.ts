/**
 * Bench: how long the metrics of a model's takes take (the target: "the metrics of 20 takes of 30 s
 * compute in under 10 s on 2 cores"). The data folder build/bench/metrics-data holds the
 * bundled demo song, its 8 s training clip (0:04–0:12, as `eureka demo` cuts it), a model
 * trained on it with the 'test' preset, and 20 'new' takes of 30 s at 16 kHz from that model —
 * made once (about a minute) and reused. The 'test' model is small and fast to make; what
 * measuring costs depends on the takes' length and rate, not on how good they are.
 *
 * Each run empties take_metrics, opens a fresh core (cold worker threads, as the app after a
 * start) and times core.metrics.compute({ modelId }): decoding 20 WAVs, the source and held-out
 * audio (the song outside the clip, 24 s), every feature, both comparisons, copy detection,
 * storing the rows. Prints every run and the median.
 *   npx tsc -p tsconfig.node.json && npm run bench:metrics [-- runs [threads]]
 *   (default 3 runs; worker threads: the core's default, one per core up to 4)
 * Figures are recorded in test/bench/RESULTS.md with machine, commit and command.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../src-main/core.js';
import { openDatabase } from '../../src-main/db/database.js';
import { packageRoot } from '../../src-main/node/package-root.js';
import { DEMO_CLIP, DEMO_FILE } from '../../src-main/demo.js';

const TAKES = 20;
const TAKE_SECONDS = 30;

async function prepare(dataDir: string): Promise<number> {
  const core = await createCore({ dataDir, audio: 'inline', executionProvider: 'cpu' });
  try {
    const model = core.training.list().find((m) => m.status === 'done');
    const ready = model ? core.takes.list({ modelId: model.id }).filter((t) => t.status === 'ready' && t.hasFile) : [];
    if (model && ready.length >= TAKES) return model.id;
    process.stdout.write('preparing build/bench/metrics-data: the demo song, a test-preset model, 20 takes of 30 s…\n');
    const { files } = await core.library.importFiles([{ name: path.basename(DEMO_FILE), data: await readFile(DEMO_FILE) }]);
    const file = files[0]!;
    const clip = core.library.addClip({ songId: file.songId, fileId: file.id, start: DEMO_CLIP.start, end: DEMO_CLIP.end, label: 'U' });
    const trained = await core.training.waitFor((await core.training.create({ clipId: clip.id, preset: 'test', seed: '1' })).id);
    if (trained.status !== 'done') throw new Error(`the bench model stopped: ${trained.error ?? trained.status}`);
    const { batchId } = await core.takes.generate({ modelId: trained.id, mode: 'new', count: TAKES, seconds: TAKE_SECONDS, seed: '1' });
    const takes = await core.takes.waitForBatch(batchId);
    if (takes.some((t) => t.status !== 'ready')) throw new Error('a bench take failed');
    return trained.id;
  } finally {
    await core.dispose();
  }
}

function forget(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, 'eureka.db'));
  try {
    db.prepare('DELETE FROM take_metrics').run();
  } finally {
    db.close();
  }
}

async function timedRun(dataDir: string, modelId: number, threads: number | undefined): Promise<number> {
  forget(dataDir);
  const core: Core = await createCore({ dataDir, audio: 'inline', ...(threads ? { metricsThreads: threads } : {}) });
  try {
    const started = performance.now();
    const metrics = await core.metrics.compute({ modelId });
    const wall = (performance.now() - started) / 1000;
    if (metrics.length !== TAKES) throw new Error(`measured ${metrics.length} takes, expected ${TAKES}`);
    return wall;
  } finally {
    await core.dispose();
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3) || 3;
  const threads = Number(process.argv[3] ?? 0) || undefined;
  const dataDir = path.join(packageRoot(), 'build', 'bench', 'metrics-data');
  const modelId = await prepare(dataDir);
  process.stdout.write(
    `${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores · load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} · ${threads ?? 'default'} metrics threads\n`,
  );
  const walls: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const wall = await timedRun(dataDir, modelId, threads);
    walls.push(wall);
    process.stdout.write(`run ${run}: ${TAKES} takes of ${TAKE_SECONDS} s measured in ${wall.toFixed(2)} s (${((wall / TAKES) * 1000).toFixed(0)} ms a take)\n`);
  }
  const median = [...walls].sort((a, b) => a - b)[Math.floor(walls.length / 2)]!;
  process.stdout.write(`median: ${median.toFixed(2)} s for ${TAKES * TAKE_SECONDS} s of takes (${((TAKES * TAKE_SECONDS) / median).toFixed(0)}x real time)\n`);
}

await main();
