/**
 * The transcription service on the caller's thread with the real basic-pitch model, its ports
 * recorded (core-transcription.test.ts runs it against the real library and parts): a take
 * placed at bar 1, a redo that merges settings and replaces the part's music, bad settings
 * refused before any work, a job cancelled while the model listens.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInlineProcessor } from '../../../../src-main/services/audio/processor.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { createInlineRunner } from '../../../../src-main/services/transcription/transcription-runner.js';
import {
  TranscriptionService,
  type NewTranscribedPart,
  type TranscriptionPorts,
} from '../../../../src-main/services/transcription/transcription-service.js';
import { PHRASE_TEMPO, renderPhrase } from '../../../bench/transcription/known-phrase.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

let dir: string;
let phraseFile: string;
let shortFile: string;

/** The parts port as a recorder: parts in memory, in the shape PartsService keeps them. */
function recordingPorts(clipStart: number, downbeatSeconds: number) {
  const parts: (NewTranscribedPart & { id: number })[] = [];
  const ports: TranscriptionPorts = {
    clip: (clipId) => {
      if (clipId !== 1) throw new Error(`no clip ${clipId}`);
      return { songId: 7, start: clipStart, end: clipStart + 7.7, notes: 'verse riff\nsecond line', filePath: phraseFile, fileName: 'phrase.wav' };
    },
    take: (takeId) => ({ songId: 7, name: `Take ${takeId}`, filePath: shortFile, durationSeconds: 1 }),
    musicalTime: () => Promise.resolve({ tempo: PHRASE_TEMPO, timeSignature: { numerator: 4, denominator: 4 }, downbeatSeconds }),
    parts: {
      addPart: (input) => {
        const part = { ...input, id: parts.length + 1 };
        parts.push(part);
        return part;
      },
      replaceMusic: (partId, music, settings) => {
        const part = parts.find((p) => p.id === partId)!;
        Object.assign(part, { music, settings });
        return part;
      },
      get: (partId) => {
        const part = parts.find((p) => p.id === partId)!;
        return { id: part.id, name: part.name, source: part.source, sourceClipId: part.sourceClipId ?? null, sourceTakeId: part.sourceTakeId ?? null, settings: part.settings };
      },
    },
  };
  return { ports, parts };
}

function service(ports: TranscriptionPorts, onProgress?: (fraction: number, stage: string) => void) {
  return new TranscriptionService({
    ports,
    audio: createInlineProcessor(),
    runner: createInlineRunner(),
    onProgress: (event) => onProgress?.(event.fraction, event.stage),
  });
}

beforeAll(async () => {
  dir = await makeTempDir();
  // Melody and chords on the acoustic grand at 44.1 kHz (the service resamples to 22050 Hz),
  // after 1 s of silence.
  const phrase = renderPhrase(3, 0, 0, 44100);
  const padded = new Float32Array(phrase.audio.length + 44100);
  padded.set(phrase.audio, 44100);
  phraseFile = path.join(dir, 'phrase.wav');
  await writeFile(phraseFile, encodeWav({ sampleRate: 44100, channels: [padded] }, { bitDepth: 16 }));
  shortFile = path.join(dir, 'short.wav');
  await writeFile(shortFile, encodeWav({ sampleRate: 44100, channels: [padded.subarray(44100, 44100 * 2)] }, { bitDepth: 16 }));
});

afterAll(async () => {
  await removeDir(dir);
});

describe('a take, a redo and a cancel', () => {
  it('puts a take at bar 1, and a redo replaces that part’s music with the merged settings', async () => {
    const { ports, parts } = recordingPorts(0, 0);
    const transcriber = service(ports);
    const first = await transcriber.start({ target: { takeId: 12 }, settings: { minNoteMs: 60 } });
    expect(first.status).toBe('done');
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ name: 'Take 12 (transcribed)', sourceTakeId: 12, settings: { minNoteMs: 60, onsetThreshold: 0.6 } });
    // The short file is the phrase's first second: the first melody note and chord start at bar 1.
    const firstNotes = parts[0]!.music.notes.filter((note) => note.startBeats < 0.1).map((note) => note.pitch);
    expect(firstNotes).toEqual(expect.arrayContaining([72, 64]));

    const redo = await transcriber.start({ target: { partId: 1 }, settings: { onsetThreshold: 0.7, pitchBends: false } });
    expect(redo).toMatchObject({ status: 'done', partId: 1, replaced: true });
    expect(parts).toHaveLength(1);
    expect(parts[0]!.settings).toMatchObject({ onsetThreshold: 0.7, minNoteMs: 60, pitchBends: false, model: 'basic-pitch' });
    expect(parts[0]!.music.bends).toEqual([]);
  }, 120_000);

  it('refuses bad settings in one line, before any work', async () => {
    const { ports, parts } = recordingPorts(0, 0);
    await expect(service(ports).start({ target: { takeId: 3 }, settings: { onsetThreshold: 2 } })).rejects.toThrow(
      /^transcription settings: onsetThreshold: Too big: expected number to be <=0.95$/,
    );
    await expect(service(ports).start({ target: { takeId: 3 }, settings: { minPitch: 90, maxPitch: 40 } })).rejects.toThrow(/minPitch must not be above maxPitch/);
    expect(parts).toEqual([]);
  });

  it('a job cancelled while the model listens stores nothing and says so', async () => {
    const { ports, parts } = recordingPorts(0, 0);
    let transcriber: TranscriptionService | null = null;
    transcriber = service(ports, (fraction, stage) => {
      if (stage === 'listening' && fraction > 0.05) transcriber!.cancel('to-cancel');
    });
    const outcome = await transcriber.start({ target: { clipId: 1 }, jobId: 'to-cancel' });
    expect(outcome).toEqual({ status: 'cancelled', jobId: 'to-cancel' });
    expect(parts).toEqual([]);
    expect(transcriber.cancel('to-cancel')).toEqual({ cancelled: false });
  }, 60_000);
});
