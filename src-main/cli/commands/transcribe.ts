/**
 * `eureka transcribe <clip-id>` / `--take <take-id>` / `--redo <part-id>`: a clip or a take
 * becomes a MIDI part with basic-pitch (docs/midi.md "Transcription"), or a transcribed part
 * is made again with new settings. Progress on stderr with an ETA; Ctrl-C cancels (a second
 * one leaves at once); the result in a line, or the outcome as JSON with --json.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import type { EventPayloadOf } from '../../common/ipc-contract.js';
import {
  describeTranscription,
  type TranscriptionOutcome,
  type TranscriptionSettingsInput,
  type TranscriptionTarget,
} from '../../common/transcription.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { CliExit, printJson, printLines, printNotes } from '../output.js';
import { parseId } from '../parse.js';
import { createProgressBar } from '../progress.js';

function parseFraction(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0.05 || value > 0.95) throw new InvalidArgumentError('expected a number from 0.05 to 0.95');
  return value;
}

function parseMilliseconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 10 || value > 2000) throw new InvalidArgumentError('expected milliseconds from 10 to 2000');
  return value;
}

function parsePitch(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 21 || value > 108) throw new InvalidArgumentError('expected a MIDI note from 21 (A0) to 108 (C8)');
  return value;
}

interface TranscribeOptions {
  take?: number;
  redo?: number;
  onsetThreshold?: number;
  frameThreshold?: number;
  minNoteMs?: number;
  minPitch?: number;
  maxPitch?: number;
  melodia?: boolean;
  bends?: boolean;
}

/** Only the settings given on the command line: a redo keeps the part's others. */
function settingsOf(options: TranscribeOptions): TranscriptionSettingsInput {
  return {
    ...(options.onsetThreshold !== undefined ? { onsetThreshold: options.onsetThreshold } : {}),
    ...(options.frameThreshold !== undefined ? { frameThreshold: options.frameThreshold } : {}),
    ...(options.minNoteMs !== undefined ? { minNoteMs: options.minNoteMs } : {}),
    ...(options.minPitch !== undefined ? { minPitch: options.minPitch } : {}),
    ...(options.maxPitch !== undefined ? { maxPitch: options.maxPitch } : {}),
    ...(options.melodia !== undefined ? { melodiaTrick: options.melodia } : {}),
    ...(options.bends !== undefined ? { pitchBends: options.bends } : {}),
  };
}

function targetOf(clipId: number | undefined, options: TranscribeOptions): TranscriptionTarget {
  const given = [clipId !== undefined, options.take !== undefined, options.redo !== undefined].filter(Boolean).length;
  if (given !== 1) throw new AppError('INVALID_INPUT', 'name one thing to transcribe: a clip id, --take <id> or --redo <part-id>');
  if (clipId !== undefined) return { clipId };
  if (options.take !== undefined) return { takeId: options.take };
  return { partId: options.redo! };
}

export function registerTranscribeCommand(program: Command): void {
  program
    .command('transcribe')
    .description('turn a clip or a take into a MIDI part (notes, velocities, pitch bends) with basic-pitch, offline')
    .argument('[clip-id]', 'the clip (see eureka clips)', parseId)
    .option('--take <take-id>', 'transcribe a take instead (see eureka takes)', parseId)
    .option('--redo <part-id>', 'transcribe a transcribed part again with the settings given (the others as stored), replacing its notes', parseId)
    .option('--onset-threshold <0-1>', 'how sure a note must start, 0.05-0.95 [0.6]', parseFraction)
    .option('--frame-threshold <0-1>', 'how sure a note must still sound, 0.05-0.95 [0.4]', parseFraction)
    .option('--min-note-ms <ms>', 'drop notes shorter than this [128]', parseMilliseconds)
    .option('--min-pitch <note>', 'lowest MIDI note kept [21]', parsePitch)
    .option('--max-pitch <note>', 'highest MIDI note kept [108]', parsePitch)
    .option('--melodia', "also take sustained notes without a clear start (basic-pitch's melodia trick)")
    .option('--no-melodia', 'do not (the default)')
    .option('--bends', 'pitch bends where one note sounds alone (the default)')
    .option('--no-bends', 'no pitch bends')
    .action(async (clipId: number | undefined, options: TranscribeOptions, command: Command) => {
      const target = targetOf(clipId, options);
      await withCore(command, async (core, global) => {
        const outcome = await followTranscription(core, target, settingsOf(options));
        if (global.json) printJson(outcome);
        if (outcome.status === 'cancelled') {
          printNotes('cancelled: no part was made');
          throw new CliExit(130);
        }
        if (global.json) return;
        printLines(`${describeTranscription(outcome)} (part ${outcome.partId})`);
        printLines(`${outcome.audioSeconds.toFixed(1)} s of audio in ${outcome.elapsedSeconds.toFixed(1)} s; see it with: eureka part ${outcome.partId}`);
      });
    });
}

/** Runs one transcription with a progress bar; Ctrl-C cancels it (a second one leaves at once). */
async function followTranscription(core: Core, target: TranscriptionTarget, settings: TranscriptionSettingsInput): Promise<TranscriptionOutcome> {
  const jobId = `cli-${process.pid}`;
  const bar = createProgressBar();
  const words = { reading: 'reading the audio', listening: 'listening for notes', writing: 'writing the part' } as const;
  const unsubscribe = core.subscribe((event, payload) => {
    if (event !== 'transcription:did-progress') return;
    const progress = payload as EventPayloadOf<'transcription:did-progress'>;
    bar.update(progress.fraction, words[progress.stage], progress.etaSeconds);
  });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    bar.done('cancelling (Ctrl-C again to leave now)');
    core.transcription.cancel(jobId);
  };
  process.on('SIGINT', onSigint);
  try {
    return await core.transcription.start({ target, settings, jobId });
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    bar.done();
  }
}
