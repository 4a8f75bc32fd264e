/**
 * `eureka metrics <take-id…>`: what Eureka measures of takes — level, pitches, the distances to
 * the source clip and to held-out audio of the song, the longest copied stretch, the score —
 * as a table with a column per take, each measure named as docs/metrics.md names it and in the
 * GUI's plain words beside that (TakeMetrics JSON with --json), and with --png DIR the
 * side-by-side pictures of each take and its source. `eureka rank <model-id>`: a model's takes
 * best first, how different they are from each other, and how the weights make the score.
 * Both measure what is not measured yet (on worker threads; progress on stderr).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { formatSeconds } from '../../common/format-time.js';
import type { EventPayloadOf } from '../../common/ipc-contract.js';
import { normaliseWeights, type Comparison, type RankWeights, type Ranking, type TakeMetrics } from '../../common/metrics.js';
import { MEASURES } from '../../common/plain-words.js';
import type { Core } from '../../core.js';
import { writeFileAtomic } from '../../services/store/atomic-write.js';
import { withCore } from '../context.js';
import { printJson, printLines, printNotes, printTable } from '../output.js';
import { parseId } from '../parse.js';
import { createProgressBar } from '../progress.js';

function collectIds(text: string, previous: number[] = []): number[] {
  return [...previous, parseId(text)];
}

function parseWeight(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new InvalidArgumentError('expected a weight from 0 to 1');
  return value;
}

function parseLimit(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 600) throw new InvalidArgumentError('expected seconds above 0, up to 600');
  return value;
}

interface RankOptions {
  fidelity?: number;
  novelty?: number;
  copyLimit?: number;
  save: boolean;
}

export function registerMetricsCommands(program: Command): void {
  program
    .command('metrics')
    .description('measure takes against their source clip and held-out audio of the song (a column per take)')
    .argument('<take-id...>', 'the takes (see eureka takes)', collectIds)
    .option('--png <dir>', 'also write each take beside its source as take-<id>.png (waveforms, spectra, mel spectrograms, copies in red)')
    .action(async (takeIds: number[], options: { png?: string }, command: Command) => {
      await withCore(command, async (core, global) => {
        const metrics = await withProgress(core, () => core.metrics.compute({ takeIds }));
        if (options.png !== undefined) {
          const dir = path.resolve(options.png);
          await mkdir(dir, { recursive: true });
          for (const takeId of takeIds) {
            const file = path.join(dir, `take-${takeId}.png`);
            await writeFileAtomic(file, await core.metrics.picturePng(takeId));
            printNotes(`wrote ${file}`);
          }
        }
        if (global.json) printJson(metrics);
        else printTable(metricsTable(core, metrics));
      });
    });

  program
    .command('rank')
    .description("a model's takes best first by score (faithful to the source, not copying it), and how different they are")
    .argument('<model-id>', 'the model (see eureka models)', parseId)
    .option('--fidelity <w>', 'weight of sounding like the source, 0-1 (default: the saved weights, else 0.5)', parseWeight)
    .option('--novelty <w>', 'weight of not copying the source, 0-1 (the two are scaled to sum to 1)', parseWeight)
    .option('--copy-limit <seconds>', 'seconds of copying that flag a near-copy (default: saved, else 4)', parseLimit)
    .option('--save', 'keep these weights for the app and later runs', false)
    .action(async (modelId: number, options: RankOptions, command: Command) => {
      await withCore(command, async (core, global) => {
        const weights = await chosenWeights(core, options);
        if (options.save) await core.metrics.setWeights(weights);
        const ranking = await withProgress(core, () => core.metrics.rank(modelId, { weights }));
        if (global.json) return printJson(ranking);
        printRanking(core, ranking);
      });
    });
}

/** Saved weights with the flags over them; one of fidelity/novelty alone sets the other to 1 minus it. */
async function chosenWeights(core: Core, options: RankOptions): Promise<RankWeights> {
  const saved = await core.metrics.weights();
  const fidelity = options.fidelity ?? (options.novelty !== undefined ? 1 - options.novelty : saved.fidelity);
  const novelty = options.novelty ?? (options.fidelity !== undefined ? 1 - options.fidelity : saved.novelty);
  return normaliseWeights({ fidelity, novelty, copyLimitSeconds: options.copyLimit ?? saved.copyLimitSeconds });
}

/** Runs `work` with a progress bar fed by metrics:did-progress. */
async function withProgress<T>(core: Core, work: () => Promise<T>): Promise<T> {
  const bar = createProgressBar();
  const unsubscribe = core.subscribe((event, payload) => {
    if (event !== 'metrics:did-progress') return;
    const p = payload as EventPayloadOf<'metrics:did-progress'>;
    bar.update(p.done / p.total, `measured ${p.done} of ${p.total} take(s)`, p.etaSeconds);
  });
  try {
    return await work();
  } finally {
    unsubscribe();
    bar.done();
  }
}

const fixed = (value: number, digits: number): string => value.toFixed(digits);
const percent = (value: number): string => String(Math.round(value * 100));

/** The plain name of a row: the GUI's words (@common/plain-words.ts). */
const plain = (key: keyof typeof MEASURES): string => MEASURES[key].plain.toLowerCase();

function comparisonRows(
  label: string,
  plainLabel: string,
  pick: (m: TakeMetrics) => Comparison | null,
  metrics: TakeMetrics[],
): string[][] {
  const cell = (m: TakeMetrics, read: (c: Comparison) => string) => {
    const comparison = pick(m);
    return comparison ? read(comparison) : 'none';
  };
  return [
    [`MFCC KL vs ${label}`, `${plain('mfccKl')} vs ${plainLabel}`, ...metrics.map((m) => cell(m, (c) => fixed(c.mfccKl, 2)))],
    [`MFCC Fréchet vs ${label}`, `${plain('mfccFrechet')} vs ${plainLabel}`, ...metrics.map((m) => cell(m, (c) => fixed(c.mfccFrechet, 1)))],
    [`spectral vs ${label}`, `${plain('spectralDistance')} vs ${plainLabel}`, ...metrics.map((m) => cell(m, (c) => `${fixed(c.spectralDistance, 2)} dB`))],
  ];
}

/** One row per measurement (its technical name, then its plain one), one column per take. */
export function metricsTable(core: Core, metrics: TakeMetrics[]): string[][] {
  return [
    ['', 'IN WORDS', ...metrics.map((m) => `TAKE ${m.takeId}`)],
    ['name', '', ...metrics.map((m) => core.takes.get(m.takeId).name)],
    ['duration', plain('duration'), ...metrics.map((m) => formatSeconds(m.durationSeconds))],
    ['loudness', plain('loudness'), ...metrics.map((m) => (m.loudnessLufs === null ? 'below the gate' : `${fixed(m.loudnessLufs, 1)} LUFS`))],
    ['peak', plain('peak'), ...metrics.map((m) => `${fixed(m.peakDbfs, 1)} dBFS`)],
    ['pitches (source)', `${plain('distinctPitches')} (the clip)`, ...metrics.map((m) => `${m.pitch.distinctPitches} (${m.sourcePitch.distinctPitches})`)],
    [
      'pitch entropy (source)',
      `${plain('pitchEntropy')} (the clip)`,
      ...metrics.map((m) => `${fixed(m.pitch.entropyBits, 2)} (${fixed(m.sourcePitch.entropyBits, 2)}) bits`),
    ],
    ['pitch range (source)', `${plain('pitchRange')} (the clip)`, ...metrics.map((m) => `${Math.round(m.pitch.rangeHz)} (${Math.round(m.sourcePitch.rangeHz)}) Hz`)],
    ...comparisonRows('source', 'the clip', (m) => m.vsSource, metrics),
    ...comparisonRows('held-out', 'the rest of the song', (m) => m.vsHeldOut, metrics),
    ['longest copy', plain('longestCopy'), ...metrics.map((m) => `${fixed(m.copy.longestSeconds, 1)} s${m.copy.nearCopy ? ' NEAR-COPY' : ''}`)],
    [
      'score (fidelity, novelty)',
      `score (${plain('fidelity')}, ${plain('novelty')})`,
      ...metrics.map((m) => `${percent(m.score.total)} (${percent(m.score.fidelity)}, ${percent(m.score.novelty)})`),
    ],
  ];
}

function printRanking(core: Core, ranking: Ranking): void {
  const { weights, diversity } = ranking;
  if (ranking.entries.length === 0) {
    printLines(`model ${ranking.modelId} has no takes with audio to rank`);
    return;
  }
  printTable([
    ['RANK', 'TAKE', 'NAME', 'SCORE', 'FIDELITY', 'NOVELTY', 'LONGEST COPY', 'VERDICT'],
    ...ranking.entries.map(({ rank, takeId, metrics }) => {
      const take = core.takes.get(takeId);
      return [
        String(rank),
        String(takeId),
        `${take.name}${take.starred ? ' *' : ''}`,
        percent(metrics.score.total),
        percent(metrics.score.fidelity),
        percent(metrics.score.novelty),
        `${fixed(metrics.copy.longestSeconds, 1)} s${metrics.copy.nearCopy ? ' near-copy' : ''}`,
        take.verdict,
      ];
    }),
  ]);
  printLines('', diversity.summary);
  if (diversity.meanDistance !== null) {
    const scale = diversity.referenceDistance === null ? '' : `; source to held-out audio ${fixed(diversity.referenceDistance, 1)}`;
    printLines(`MFCC distance between takes: mean ${fixed(diversity.meanDistance, 1)}, closest pair ${fixed(diversity.minDistance ?? 0, 1)}${scale}`);
  }
  printLines(
    '',
    `Score (0-100) = ${fixed(weights.fidelity, 2)} × fidelity + ${fixed(weights.novelty, 2)} × novelty.`,
    'Fidelity: how close the take sounds to its source clip (spectral and MFCC distances).',
    `Novelty: how little of the take repeats the source; a stretch copied for over ${fixed(weights.copyLimitSeconds, 1)} s flags a near-copy.`,
    'Change them with --fidelity, --novelty and --copy-limit (--save keeps them).',
  );
}
