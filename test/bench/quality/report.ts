/**
 * What a harness run leaves behind: one markdown entry (printed, and appended to the "Quality
 * harness" section of test/bench/RESULTS.md) and a JSON file with every figure of every take.
 *
 * The entry's main table has the paper's songs one per row, then their median and range (min–max)
 * across songs, then ours. When our clip is a stretch of one of the paper's songs, the rows under
 * ours are that song's paper takes and its recording outside the clip, both measured against the
 * same clip (like-for-like.ts), and the verdict is whether ours is at least as good as those paper
 * takes; otherwise the verdict is against the paper's median, each song measured against its whole
 * recording (a shorter clip scores every set worse, the recording itself included). Lower is
 * better on every measure (the octave bands by their largest |difference|). A second table gives
 * the octave bands.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { MIN_OUTSIDE_SECONDS, stretchLabel, type LikeForLike } from './like-for-like.js';
import { OCTAVE_BANDS, SUMMARY_MEASURES, type SetFigures, type SetSummary } from './measures.js';
import type { TrainOutcome } from './train-takes.js';

/** Bumped when a measure changes meaning, so figures of different versions are not compared. */
export const HARNESS_VERSION = 1;

export const RESULTS_HEADING = '## Quality harness';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAtStart: number[];
  loadAtEnd: number[];
}

/** Everything one run produced. */
export interface RunRecord {
  harnessVersion: number;
  title: string;
  date: string;
  command: string;
  commit: string;
  machine: MachineInfo;
  note: string | null;
  /** Our clip: the file and stretch measured against. */
  clip: { file: string; start: number; seconds: number } | null;
  training: TrainOutcome | null;
  ours: SetFigures | null;
  /** The paper's ten songs, each fake against its own real clip (empty when not measured). */
  paper: SetFigures[];
  /** The paper's takes of our clip's song and the recording outside the clip, against our clip. */
  likeForLike: LikeForLike | null;
  /** Why a run with a clip has no like-for-like row (null when it has one, or has no clip). */
  noLikeForLike: string | null;
}

export function machineNow(): Omit<MachineInfo, 'loadAtEnd'> {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAtStart: loadavg(),
  };
}

/** The checked-out commit, marked when the working tree has changes; 'unknown' outside git. */
export function commitNow(root: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (working tree with uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type MeasureKey = (typeof SUMMARY_MEASURES)[number]['key'];

/** The paper's median and range of each summary measure across its songs. */
export function paperStatistics(paper: SetFigures[]): Record<MeasureKey, { median: number; min: number; max: number }> {
  const statistics = {} as Record<MeasureKey, { median: number; min: number; max: number }>;
  for (const { key } of SUMMARY_MEASURES) {
    const values = paper.map((set) => set.summary[key]);
    statistics[key] = { median: median(values), min: Math.min(...values), max: Math.max(...values) };
  }
  return statistics;
}

/**
 * Per summary measure, whether `ours` is at least as good as `bar`: lower is better on every one
 * (detector AUC: 0.5 is indistinguishable; octave bands: the largest |difference|).
 */
export function atLeastAsGood(ours: SetSummary, bar: Record<MeasureKey, number>): Record<MeasureKey, boolean> {
  const verdict = {} as Record<MeasureKey, boolean>;
  for (const { key } of SUMMARY_MEASURES) verdict[key] = ours[key] <= bar[key];
  return verdict;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function summaryCells(summary: SetSummary): string[] {
  return SUMMARY_MEASURES.map(({ key, digits }) => fixed(summary[key], digits));
}

function verdictCells(verdict: Record<MeasureKey, boolean>): string[] {
  return SUMMARY_MEASURES.map(({ key }) => (verdict[key] ? 'yes' : 'no'));
}

/** The like-for-like rows under ours: the paper's takes of the song and the recording outside the clip. */
function likeForLikeRows(like: LikeForLike): string[] {
  const lines = [row([`paper's ${like.song} takes, same clip`, String(like.paperTakes.takes.length), ...summaryCells(like.paperTakes.summary)])];
  if (like.outsideClip) {
    const stretches = like.outsideStretches.map(stretchLabel).join(', ');
    lines.push(row([`${like.song}'s recording outside the clip (${stretches})`, String(like.outsideClip.takes.length), ...summaryCells(like.outsideClip.summary)]));
  } else {
    lines.push(row([`${like.song}'s recording outside the clip: no stretch of ${MIN_OUTSIDE_SECONDS} s or more`, '0', ...SUMMARY_MEASURES.map(() => '—')]));
  }
  return lines;
}

/** The main table: the paper's songs, their median and range, ours and the comparison. */
function measuresTable(record: RunRecord): string[] {
  const lines = [row(['takes', 'n', ...SUMMARY_MEASURES.map((measure) => measure.heading)]), row(Array(SUMMARY_MEASURES.length + 2).fill('---'))];
  for (const set of record.paper) lines.push(row([`paper: ${set.name}`, String(set.takes.length), ...summaryCells(set.summary)]));
  const statistics = record.paper.length > 0 ? paperStatistics(record.paper) : null;
  if (statistics) {
    lines.push(row(['**paper: median**', '', ...SUMMARY_MEASURES.map(({ key, digits }) => `**${fixed(statistics[key].median, digits)}**`)]));
    lines.push(row(['paper: range', '', ...SUMMARY_MEASURES.map(({ key, digits }) => `${fixed(statistics[key].min, digits)}–${fixed(statistics[key].max, digits)}`)]));
  }
  if (record.ours) {
    const ours = record.ours.summary;
    lines.push(row([`**ours: ${record.ours.name}**`, String(record.ours.takes.length), ...summaryCells(ours).map((cell) => `**${cell}**`)]));
    const like = record.likeForLike;
    if (like) {
      lines.push(...likeForLikeRows(like));
      lines.push(row([`ours ≤ paper's ${like.song} takes, same clip?`, '', ...verdictCells(atLeastAsGood(ours, like.paperTakes.summary))]));
    } else if (statistics) {
      const medians = Object.fromEntries(SUMMARY_MEASURES.map(({ key }) => [key, statistics[key].median])) as Record<MeasureKey, number>;
      lines.push(row(['ours ≤ paper median?', '', ...verdictCells(atLeastAsGood(ours, medians))]));
    }
  }
  return lines;
}

function bandLabel([low, high]: readonly [number, number]): string {
  const hz = (value: number): string => (value >= 1000 ? `${value / 1000}k` : String(value));
  return `${hz(low)}–${hz(high)} Hz`;
}

/** Octave bands: take minus clip, dB; the paper's median and range across songs, and ours. */
function bandTable(record: RunRecord): string[] {
  const like = record.likeForLike;
  const headings = [
    'octave band',
    ...(record.paper.length > 0 ? ['paper: median Δ dB', 'paper: range'] : []),
    ...(record.ours ? ['ours Δ dB'] : []),
    ...(like ? [`paper's ${like.song} takes, same clip Δ dB`] : []),
    ...(like?.outsideClip ? ['recording outside the clip Δ dB'] : []),
  ];
  const lines = [row(headings), row(headings.map(() => '---'))];
  OCTAVE_BANDS.forEach((band, b) => {
    const cells = [bandLabel(band)];
    if (record.paper.length > 0) {
      const values = record.paper.map((set) => set.summary.bandDeltaDb[b]!);
      cells.push(fixed(median(values), 1), `${fixed(Math.min(...values), 1)} … ${fixed(Math.max(...values), 1)}`);
    }
    if (record.ours) cells.push(fixed(record.ours.summary.bandDeltaDb[b]!, 1));
    if (like) cells.push(fixed(like.paperTakes.summary.bandDeltaDb[b]!, 1));
    if (like?.outsideClip) cells.push(fixed(like.outsideClip.summary.bandDeltaDb[b]!, 1));
    lines.push(row(cells));
  });
  return lines;
}

function describeLoad(machine: MachineInfo): string {
  const load = (values: number[]): string => values.map((value) => value.toFixed(1)).join(' / ');
  return `load average (1/5/15 min) ${load(machine.loadAtStart)} at the start, ${load(machine.loadAtEnd)} at the end`;
}

/** The markdown entry of a run; `jsonFile` is where its figures are, relative to the repository. */
export function markdownEntry(record: RunRecord, jsonFile: string | null): string {
  const { machine } = record;
  const lines = [
    `### ${record.date.slice(0, 16).replace('T', ' ')} UTC · ${record.title}`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${describeLoad(machine)}.`,
    `- Commit: ${record.commit}; harness version ${record.harnessVersion}.`,
    `- Command: \`${record.command}\``,
  ];
  if (record.clip) lines.push(`- Clip: ${path.basename(record.clip.file)} from ${record.clip.start} s, ${record.clip.seconds.toFixed(1)} s.`);
  const like = record.likeForLike;
  if (like) {
    const outside = like.outsideClip ? `the recording outside the clip (${like.outsideStretches.map(stretchLabel).join(', ')}, each one take)` : `no stretch of the recording outside the clip (none of ${MIN_OUTSIDE_SECONDS} s or more)`;
    lines.push(
      `- Like for like: the verdict compares ours with the paper's ${like.song} takes measured against this same clip, beside ${outside}; ` +
        `the paper's songs above are each measured against their whole recording, and a shorter clip scores every set worse, the recording itself included.`,
    );
  } else if (record.noLikeForLike) {
    lines.push(`- Like for like: none, ${record.noLikeForLike}; the verdict is against the paper's median, each song measured against its whole recording (23–48 s), which is not like for like: a shorter clip scores every set worse, the recording itself included.`);
  }
  const training = record.training;
  if (training) {
    const budget = training.budgetSeconds === null ? 'no budget' : `budget ${Math.round(training.budgetSeconds)} s`;
    lines.push(
      `- Training: preset ${training.preset}, ${budget}: ${Math.round(training.trainWallSeconds)} s wall from request to finished model ` +
        `(trainer ${Math.round(training.trainSeconds)} s). Plan: ${training.planSummary}`,
      `- Takes: ${training.takeFiles.length} 'new' takes generated in ${Math.round(training.generateWallSeconds)} s.`,
    );
  }
  if (record.note) lines.push(`- Note: ${record.note}`);
  if (jsonFile) lines.push(`- Every figure, per take: \`${jsonFile}\`.`);
  lines.push('', ...measuresTable(record), '', ...bandTable(record), '');
  return lines.join('\n');
}

/** Writes `text` to `file` through a temporary file and a rename. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/**
 * Appends `entry` at the end of the "Quality harness" section of RESULTS.md (before the next
 * section of the same level, or at the end of the file), creating the section when it is missing.
 */
export async function appendToResults(resultsFile: string, entry: string): Promise<void> {
  const text = existsSync(resultsFile) ? await readFile(resultsFile, 'utf8') : '';
  const start = text.indexOf(`\n${RESULTS_HEADING}`);
  let updated: string;
  if (start < 0) {
    updated = `${text.trimEnd()}\n\n${RESULTS_HEADING}\n\n${entry}`;
  } else {
    const next = text.indexOf('\n## ', start + RESULTS_HEADING.length + 1);
    const end = next < 0 ? text.length : next + 1;
    updated = `${text.slice(0, end).trimEnd()}\n\n${entry}\n${text.slice(end)}`;
  }
  await writeAtomically(resultsFile, `${updated.trimEnd()}\n`);
}
