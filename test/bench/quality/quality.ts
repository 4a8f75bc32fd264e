/**
 * Bench: the quality harness — takes measured against the clip they were learned from, beside the
 * paper's own takes (Catch-A-Waveform's ten songs, each fake against its own real clip), so every
 * change to the training recipe is judged by the same figures. The measures are explained in
 * measures.ts, detector.ts and level-events.ts.
 *
 * Like for like: the paper's rows measure each song's takes against its whole recording (23–48 s),
 * and a shorter reference scores every set worse — the real recording's own stretches outside a
 * 10 s clip of it score worse than the paper's ten-song median on several measures. So when the
 * clip is a stretch of one of the paper's recordings (--song NAME, or --clip naming that file),
 * the run also measures, against the same clip, the paper's takes of that song and the recording
 * outside the clip (like-for-like.ts), prints them under ours, and judges ours against those
 * paper takes; the ten-song rows stay for context. Any other clip has no like-for-like row: the
 * entry says so and judges ours against the paper's median as before.
 *
 *   npx tsc -p tsconfig.node.json && npm run bench:quality -- <mode> [options]
 *
 * Modes:
 *   paper                       the paper's takes only
 *   measure --takes DIR         existing takes (WAV/FLAC/AIFF/MP3 files in DIR) against a clip
 *   train                       train a recipe on a clip through the core, generate takes, measure
 *
 * Options:
 *   --paper-dir DIR     the paper's takes [EUREKA_PAPER_TAKES, else ~/.cache/eureka/caw-paper]
 *                       (test/bench/quality/extract-paper-takes.sh puts them there)
 *   --clip FILE         the clip's file, or --song NAME for <paper-dir>/<NAME>_real.flac
 *   --start S --length S  the stretch of the file that is the clip [0, the whole file]
 *   --preset NAME       train: the preset [quick]
 *   --budget D          train: the quick preset's budget, e.g. 15m [15m]
 *   --over-budget cheapest  train: train quick's cheapest settings when they exceed the budget [refuse]
 *   --takes N --take-seconds S --seed N   train: how many 'new' takes, how long, the seed [8, 20, 1]
 *   --out DIR           train: where the takes are kept [~/.cache/eureka/quality/<run>/takes]
 *   --title TEXT --note TEXT   the RESULTS.md entry's title and a note under it
 *   --no-record         print only: no RESULTS.md entry and no JSON under test/bench/quality/results
 *   --json FILE         also write the figures here
 * Without a paper folder the run still measures ours and says how to get the paper's takes.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { audioFilesIn, DEFAULT_PAPER_DIR, paperSongs, readAudio } from './audio-io.js';
import { measureLikeForLike, stretchLabel } from './like-for-like.js';
import { measureSet, type Audio, type SetFigures } from './measures.js';
import { appendToResults, commitNow, HARNESS_VERSION, machineNow, markdownEntry, writeAtomically, type RunRecord } from './report.js';
import { parseBudget, trainAndGenerate, type TrainOutcome } from './train-takes.js';

/** The repository root: this file is test/bench/quality/quality.ts, or its build out/node/test/bench/quality/quality.js. */
function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root');
    dir = parent;
  }
  return dir;
}

function number(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a number of 0 or more (got "${text}")`);
  return value;
}

function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function measurePaper(dir: string): Promise<SetFigures[]> {
  const sets: SetFigures[] = [];
  for (const song of await paperSongs(dir)) {
    const clip = await readAudio(song.real);
    const takes = await Promise.all(song.fakes.map(async (file) => ({ name: path.basename(file), audio: await readAudio(file) })));
    sets.push(measureSet(song.song, clip, takes));
    log(`measured the paper's ${song.song}: ${takes.length} takes against ${(clip.samples.length / clip.sampleRate).toFixed(1)} s`);
  }
  return sets;
}

/** The like-for-like sets when `clipFile` is one of the paper's recordings (with takes), else why there are none. */
async function likeForLikeOf(
  paperDir: string,
  havePaper: boolean,
  clipFile: string,
  clipStart: number,
  clip: Audio,
): Promise<Pick<RunRecord, 'likeForLike' | 'noLikeForLike'>> {
  if (!havePaper) return { likeForLike: null, noLikeForLike: `no paper takes in ${paperDir}` };
  const song = (await paperSongs(paperDir)).find((candidate) => path.resolve(candidate.real) === path.resolve(clipFile));
  if (!song) return { likeForLike: null, noLikeForLike: `the clip is not a stretch of one of the paper's recordings (${path.basename(clipFile)})` };
  const recording = await readAudio(song.real);
  const takes = await Promise.all(song.fakes.map(async (file) => ({ name: path.basename(file), audio: await readAudio(file) })));
  const likeForLike = measureLikeForLike(song.song, recording, clip, clipStart, takes);
  const outside = likeForLike.outsideStretches.map(stretchLabel).join(', ') || 'no stretch long enough';
  log(`measured the paper's ${song.song} takes and the recording outside the clip (${outside}) against the same clip`);
  return { likeForLike, noLikeForLike: null };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'paper-dir': { type: 'string' },
      clip: { type: 'string' },
      song: { type: 'string' },
      start: { type: 'string' },
      length: { type: 'string' },
      takes: { type: 'string' },
      preset: { type: 'string' },
      budget: { type: 'string' },
      'over-budget': { type: 'string' },
      'take-seconds': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      title: { type: 'string' },
      note: { type: 'string' },
      'no-record': { type: 'boolean' },
      json: { type: 'string' },
    },
  });
  const mode = positionals[0];
  if (mode !== 'paper' && mode !== 'measure' && mode !== 'train') throw new Error('usage: npm run bench:quality -- paper | measure --takes DIR --clip FILE | train --clip FILE (see test/bench/quality/quality.ts)');
  const root = repositoryRoot();
  const machine = machineNow();
  const date = new Date().toISOString();
  const paperDir = values['paper-dir'] ?? process.env.EUREKA_PAPER_TAKES ?? DEFAULT_PAPER_DIR;
  const havePaper = existsSync(paperDir);
  if (mode === 'paper' && !havePaper) throw new Error(`no paper takes in ${paperDir}: extract them with test/bench/quality/extract-paper-takes.sh`);

  let clip: RunRecord['clip'] = null;
  let training: TrainOutcome | null = null;
  let ours: SetFigures | null = null;
  let sameClip: Pick<RunRecord, 'likeForLike' | 'noLikeForLike'> = { likeForLike: null, noLikeForLike: null };
  let title = 'the paper\'s takes';
  if (mode !== 'paper') {
    const clipFile = values.clip ?? (values.song ? path.join(paperDir, `${values.song}_real.flac`) : undefined);
    if (!clipFile) throw new Error(`${mode} needs --clip FILE (or --song NAME of the paper's songs)`);
    const start = number(values.start, 'start', 0);
    const clipAudio = await readAudio(clipFile, start, values.length === undefined ? undefined : number(values.length, 'length', 0));
    const seconds = clipAudio.samples.length / clipAudio.sampleRate;
    clip = { file: clipFile, start, seconds };
    const clipName = `${values.song ?? path.basename(clipFile, path.extname(clipFile))} ${start}–${start + seconds} s`;
    let takeFiles: string[];
    if (mode === 'measure') {
      if (!values.takes) throw new Error('measure needs --takes DIR');
      takeFiles = await audioFilesIn(values.takes);
      title = `takes in ${path.basename(values.takes)} against ${clipName}`;
    } else {
      const preset = values.preset ?? 'quick';
      const budgetSeconds = preset === 'quick' ? parseBudget(values.budget ?? '15m') : null;
      if (values.budget !== undefined && preset !== 'quick') throw new Error(`--budget goes with --preset quick, not ${preset}`);
      const overBudget = values['over-budget'] ?? 'refuse';
      if (overBudget !== 'refuse' && overBudget !== 'cheapest') throw new Error('--over-budget: refuse or cheapest');
      const stamp = date.slice(0, 16).replace(/[-:T]/g, '');
      training = await trainAndGenerate(
        {
          clipFile,
          start,
          seconds,
          preset,
          budgetSeconds,
          overBudget,
          seed: values.seed ?? '1',
          takes: Math.round(number(values.takes, 'takes', 8)),
          takeSeconds: number(values['take-seconds'], 'take-seconds', 20),
          takesDir: values.out ?? path.join(homedir(), '.cache', 'eureka', 'quality', `${stamp}-${preset}`, 'takes'),
        },
        log,
      );
      takeFiles = training.takeFiles;
      title = `${preset}${budgetSeconds === null ? '' : ` in ${values.budget ?? '15m'}`} on ${clipName}`;
    }
    const takes = await Promise.all(takeFiles.map(async (file) => ({ name: path.basename(file), audio: await readAudio(file) })));
    ours = measureSet(clipName, clipAudio, takes);
    log(`measured ${takes.length} takes against ${clipName}`);
    sameClip = await likeForLikeOf(paperDir, havePaper, clipFile, start, clipAudio);
  }
  const paper = havePaper ? await measurePaper(paperDir) : [];
  if (!havePaper) log(`(no paper takes in ${paperDir}: extract them with test/bench/quality/extract-paper-takes.sh to see them beside ours)`);

  const record: RunRecord = {
    harnessVersion: HARNESS_VERSION,
    title: values.title ?? title,
    date,
    command: `npm run bench:quality -- ${args.map(shellQuote).join(' ')}`,
    commit: commitNow(root),
    machine: { ...machine, loadAtEnd: loadavg() },
    note: values.note ?? null,
    clip,
    training,
    ours,
    paper,
    likeForLike: sameClip.likeForLike,
    noLikeForLike: sameClip.noLikeForLike,
  };
  const json = `${JSON.stringify(record, null, 1)}\n`;
  let recordedJson: string | null = null;
  if (!values['no-record']) {
    const name = `${date.slice(0, 16).replace(/[-:T]/g, '')}-${mode}${values.song ? `-${values.song}` : ''}.json`;
    const dir = path.join(root, 'test', 'bench', 'quality', 'results');
    await mkdir(dir, { recursive: true });
    await writeAtomically(path.join(dir, name), json);
    recordedJson = path.posix.join('test/bench/quality/results', name);
  }
  if (values.json) await writeAtomically(values.json, json);
  const entry = markdownEntry(record, recordedJson);
  process.stdout.write(`\n${entry}`);
  if (!values['no-record']) {
    await appendToResults(path.join(root, 'test', 'bench', 'RESULTS.md'), entry);
    log(`appended to test/bench/RESULTS.md; figures in ${recordedJson}`);
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:quality: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
