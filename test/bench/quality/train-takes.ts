/**
 * The harness's training run, through the real core as a user's `eureka train` and `eureka
 * generate` go: a fresh data folder in the system's temporary folder, the file imported, the clip
 * cut, a model trained with the recipe (preset, budget, seed), N 'new' takes generated, and the
 * takes copied out (so `measure` can look at them again) before the data folder is removed.
 * Timing is wall clock from the training request to the finished model, probing included: what
 * a user waits for.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDuration } from '../../../src-main/common/format-time.js';
import type { TrainRequest, TrainingPlan } from '../../../src-main/common/training.js';
import { createCore } from '../../../src-main/core.js';

export interface TrainSpec {
  clipFile: string;
  start: number;
  seconds: number;
  preset: string;
  /** quick only, seconds. */
  budgetSeconds: number | null;
  /** quick only: train the cheapest settings when even they exceed the budget (else refuse). */
  overBudget: 'refuse' | 'cheapest';
  seed: string;
  takes: number;
  takeSeconds: number;
  /** Where the takes are copied (created). */
  takesDir: string;
}

export interface TrainOutcome {
  preset: string;
  budgetSeconds: number | null;
  /** The plan's one-line summary, as `eureka train` prints it. */
  planSummary: string;
  plan: Pick<TrainingPlan, 'topRate' | 'channelsFirst' | 'channelsRest' | 'epochsPerScale' | 'predictedSeconds'> & { scales: number };
  /** From the request to the finished model, seconds. */
  trainWallSeconds: number;
  /** The trainer's own time (the model's trainSeconds). */
  trainSeconds: number;
  generateWallSeconds: number;
  takeFiles: string[];
}

/** "15m", "1h30m", "900" → seconds; a clear error otherwise. */
export function parseBudget(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === null) throw new Error(`--budget: expected a duration such as 15m, 1h30m or 900 (got "${text}")`);
  return seconds;
}

/** Trains the recipe on the clip and generates the takes; `log` hears each step. */
export async function trainAndGenerate(spec: TrainSpec, log: (line: string) => void): Promise<TrainOutcome> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'eureka-quality-'));
  const core = await createCore({ dataDir, audio: 'inline', executionProvider: 'cpu' });
  try {
    const { files, failures } = await core.library.importFiles([{ name: path.basename(spec.clipFile), data: await readFile(spec.clipFile) }]);
    const file = files[0];
    if (!file) throw new Error(`cannot import ${spec.clipFile}: ${failures[0]?.error.message ?? 'no reason given'}`);
    const clip = core.library.addClip({ songId: file.songId, fileId: file.id, start: spec.start, end: spec.start + spec.seconds, label: 'U' });
    let lastScale = -1;
    const unsubscribe = core.subscribe((event, payload) => {
      if (event !== 'training:did-progress') return;
      const progress = payload as { phase: string; scale: number; scales: number; epochs: number; etaSeconds: number | null };
      if (progress.phase === 'training' && progress.scale !== lastScale) {
        lastScale = progress.scale;
        const eta = progress.etaSeconds === null ? '' : `, about ${Math.round(progress.etaSeconds)} s left`;
        log(`  scale ${progress.scale + 1}/${progress.scales} (${progress.epochs} epochs)${eta}`);
      }
    });
    const request = {
      clipId: clip.id,
      preset: spec.preset as TrainRequest['preset'],
      seed: spec.seed,
      ...(spec.budgetSeconds === null ? {} : { budgetSeconds: spec.budgetSeconds, overBudget: spec.overBudget }),
    } satisfies TrainRequest;
    const started = performance.now();
    log(`training: preset ${spec.preset}${spec.budgetSeconds === null ? '' : `, budget ${spec.budgetSeconds} s`}, seed ${spec.seed}`);
    const created = await core.training.create(request);
    const model = await core.training.waitFor(created.id);
    const trainWallSeconds = (performance.now() - started) / 1000;
    unsubscribe();
    if (model.status !== 'done' || !model.plan) throw new Error(`the training run stopped: ${model.status}${model.error ? `: ${model.error}` : ''}`);
    log(`trained in ${trainWallSeconds.toFixed(0)} s: ${model.plan.summary}`);
    const generateStarted = performance.now();
    const { batchId } = await core.takes.generate({ modelId: model.id, mode: 'new', count: spec.takes, seconds: spec.takeSeconds, seed: spec.seed });
    const takes = await core.takes.waitForBatch(batchId);
    const failed = takes.find((take) => take.status !== 'ready');
    if (failed) throw new Error(`take ${failed.id} failed: ${failed.error ?? failed.status}`);
    const generateWallSeconds = (performance.now() - generateStarted) / 1000;
    await mkdir(spec.takesDir, { recursive: true });
    const takeFiles: string[] = [];
    for (const [index, take] of takes.entries()) {
      const target = path.join(spec.takesDir, `take-${String(index + 1).padStart(2, '0')}.wav`);
      await copyFile(core.takes.filePath(take.id), target);
      takeFiles.push(target);
    }
    log(`generated ${takes.length} takes of ${spec.takeSeconds} s in ${generateWallSeconds.toFixed(0)} s → ${spec.takesDir}`);
    const { plan } = model;
    return {
      preset: spec.preset,
      budgetSeconds: spec.budgetSeconds,
      planSummary: plan.summary,
      plan: {
        topRate: plan.topRate,
        channelsFirst: plan.channelsFirst,
        channelsRest: plan.channelsRest,
        epochsPerScale: plan.epochsPerScale,
        predictedSeconds: plan.predictedSeconds,
        scales: model.scalesTotal ?? model.scales.length,
      },
      trainWallSeconds,
      trainSeconds: model.trainSeconds,
      generateWallSeconds,
      takeFiles,
    };
  } finally {
    await core.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}
