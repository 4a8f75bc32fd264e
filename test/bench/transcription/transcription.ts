/**
 * Bench: how accurately and how fast basic-pitch transcribes, on phrases whose notes we wrote
 * (known-phrase.ts: a melody over chords, 4/4 at 100 BPM) rendered by the product's General
 * MIDI synth with several programs. Per case: render at 44.1 kHz, resample to 22050 Hz mono
 * with the audio floor (as a clip's transcription does), run the model once (timed: wall and
 * CPU seconds), then decode the notes with Eureka's default settings and with basic-pitch's
 * own defaults, and score each against the written notes: note onset precision, recall and F1
 * (mir_eval-style, 50 ms, same pitch, one-to-one).
 *   npx tsc -p tsconfig.node.json && npm run bench:transcription [-- bars]
 *   (default 8 bars = 19.2 s per case)
 * Figures are recorded in test/bench/RESULTS.md with machine, commit and command.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { transcriptionSettings, type TranscriptionSettings } from '../../../src-main/common/transcription.js';
import { resample } from '../../../src-main/services/audio/resample.js';
import { decodeNotes, evaluateModel, loadModel, MODEL_SAMPLE_RATE } from '../../../src-main/services/transcription/run-transcription.js';
import { onsetScores, renderPhrase, type OnsetScores } from './known-phrase.js';

const CASES: { name: string; melody: number; chords: number }[] = [
  { name: 'acoustic grand piano', melody: 0, chords: 0 },
  { name: 'electric piano 1', melody: 4, chords: 4 },
  { name: 'nylon guitar', melody: 24, chords: 24 },
  { name: 'string ensemble 1', melody: 48, chords: 48 },
  { name: 'flute over piano chords', melody: 73, chords: 0 },
  { name: 'drawbar organ', melody: 16, chords: 16 },
];

/** basic-pitch's own defaults (its CLI and web demo): onset 0.5, frame 0.3, 127.7 ms, melodia on. */
const BASIC_PITCH_DEFAULTS: TranscriptionSettings = transcriptionSettings({ onsetThreshold: 0.5, frameThreshold: 0.3, minNoteMs: 128, melodiaTrick: true });
const EUREKA_DEFAULTS: TranscriptionSettings = transcriptionSettings();

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const scoreText = (s: OnsetScores) => `F1 ${s.f1.toFixed(3)} (P ${percent(s.precision)}, R ${percent(s.recall)}; ${s.matched}/${s.reference} matched, ${s.estimated} found)`;

async function main(): Promise<void> {
  const bars = Number(process.argv[2] ?? 8);
  if (!Number.isInteger(bars) || bars < 1 || bars > 64) throw new Error('bars: a whole number from 1 to 64');
  process.stdout.write(
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}; node ${process.version}; commit ${commit()}\n`,
  );
  const loadStart = performance.now();
  await loadModel();
  process.stdout.write(`model loaded in ${((performance.now() - loadStart) / 1000).toFixed(2)} s (tfjs CPU backend, one thread)\n\n`);

  let audioTotal = 0;
  let cpuTotal = 0;
  let wallTotal = 0;
  const rows: string[] = [];
  for (const testCase of CASES) {
    const phrase = renderPhrase(bars, testCase.melody, testCase.chords, 44100);
    const audio = await resample(phrase.audio, 44100, MODEL_SAMPLE_RATE, 'best');
    const seconds = audio.length / MODEL_SAMPLE_RATE;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const output = await evaluateModel(audio, () => undefined);
    const wall = (performance.now() - wallStart) / 1000;
    const used = process.cpuUsage(cpuStart);
    const cpu = (used.user + used.system) / 1e6;
    audioTotal += seconds;
    cpuTotal += cpu;
    wallTotal += wall;
    const eureka = onsetScores(phrase.reference, decodeNotes(output, EUREKA_DEFAULTS).map((n) => ({ pitch: n.pitch, onset: n.startSeconds })));
    const original = onsetScores(phrase.reference, decodeNotes(output, BASIC_PITCH_DEFAULTS).map((n) => ({ pitch: n.pitch, onset: n.startSeconds })));
    process.stdout.write(
      `${testCase.name} (programs ${testCase.melody}/${testCase.chords}), ${seconds.toFixed(1)} s: model ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (${(cpu / seconds).toFixed(2)} s CPU per s; ${(seconds / wall).toFixed(2)}x real time)\n` +
        `  Eureka defaults:      ${scoreText(eureka)}\n  basic-pitch defaults: ${scoreText(original)}\n`,
    );
    rows.push(`| ${testCase.name} | ${testCase.melody}/${testCase.chords} | ${eureka.f1.toFixed(3)} | ${percent(eureka.precision)} | ${percent(eureka.recall)} | ${original.f1.toFixed(3)} | ${percent(original.precision)} | ${percent(original.recall)} |`);
  }
  process.stdout.write(
    `\nall cases: ${audioTotal.toFixed(1)} s of audio, model ${wallTotal.toFixed(1)} s wall, ${cpuTotal.toFixed(1)} s CPU: ${(cpuTotal / audioTotal).toFixed(2)} s CPU per second of audio, ${(audioTotal / wallTotal).toFixed(2)}x real time\n\n`,
  );
  process.stdout.write('| program | melody/chords | F1 (Eureka) | P | R | F1 (basic-pitch defaults) | P | R |\n|---|---|---|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
