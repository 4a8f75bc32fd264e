/**
 * `transcription:start` / `transcription:cancel`, `eureka transcribe`: a clip or a take becomes
 * a MIDI part. The audio is read and mixed to 22050 Hz mono on the audio floor (libsamplerate),
 * basic-pitch listens on a worker thread (transcription-runner.ts), part-music.ts puts the notes
 * on the song's beats, and the parts feature stores them with the settings through a port that
 * core.ts fills. A redo (`{ partId }`) transcribes the part's clip or take again, its stored
 * settings under the new ones, and replaces that part's music.
 *
 * Jobs run one at a time (a 2-core laptop gains nothing from two models at once); each reports
 * progress by stage with an ETA, and cancelling one (queued or running) answers its start with
 * `{ status: 'cancelled' }`.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors.js';
import type { PartDto, PartMusic } from '../../common/midi.js';
import type { MusicalTime } from '../../common/musical-time.js';
import {
  transcriptionRequestSchema,
  transcriptionSettingsSchema,
  type TranscriptionOutcome,
  type TranscriptionProgressEvent,
  type TranscriptionRequest,
  type TranscriptionSettings,
} from '../../common/transcription.js';
import type { AudioProcessor } from '../audio/processor.js';
import { toPartMusic } from './part-music.js';
import { MODEL_SAMPLE_RATE, TranscriptionCancelled } from './run-transcription.js';
import type { TranscriptionRunner } from './transcription-runner.js';

/** Longer audio is refused: the model's raw output alone is about 0.3 MB per second in memory. */
export const MAX_TRANSCRIPTION_SECONDS = 600;

/** A clip as transcription needs it. */
export interface ClipAudio {
  songId: number;
  /** Region of its file, seconds. */
  start: number;
  end: number;
  /** The clip's notes: their first line names the part when there is one. */
  notes: string;
  filePath: string;
  fileName: string;
}

/** A take as transcription needs it. */
export interface TakeAudio {
  songId: number | null;
  name: string;
  filePath: string;
  durationSeconds: number | null;
}

/** A transcribed part, as the parts feature stores it (PartsService.addPart's input). */
export interface NewTranscribedPart {
  songId: number;
  name: string;
  source: 'transcription';
  settings: Record<string, unknown>;
  sourceClipId?: number;
  sourceTakeId?: number;
  music: PartMusic;
}

/** What transcription reads and writes outside itself; core.ts fills it from the library, takes and parts. */
export interface TranscriptionPorts {
  clip(clipId: number): ClipAudio;
  take(takeId: number): TakeAudio;
  musicalTime(songId: number): Promise<Pick<MusicalTime, 'tempo' | 'timeSignature' | 'downbeatSeconds'>>;
  parts: {
    addPart(input: NewTranscribedPart): Pick<PartDto, 'id' | 'name'>;
    replaceMusic(partId: number, music: PartMusic, settings: Record<string, unknown>): Pick<PartDto, 'id' | 'name'>;
    get(partId: number): Pick<PartDto, 'id' | 'name' | 'source' | 'sourceClipId' | 'sourceTakeId' | 'settings'>;
  };
}

export interface TranscriptionServiceOptions {
  ports: TranscriptionPorts;
  audio: Pick<AudioProcessor, 'prepareTraining'>;
  runner: TranscriptionRunner;
  onProgress?: (event: TranscriptionProgressEvent) => void;
}

/** Where each stage ends, as a fraction of the whole job (listening is nearly all of it). */
const READ_END = 0.05;
const LISTEN_END = 0.95;

interface Source {
  songId: number;
  /** The new part's name, or the redone part's. */
  name: string;
  sourceClipId?: number;
  sourceTakeId?: number;
  filePath: string;
  fileName: string;
  start: number;
  end: number;
  /** Seconds from bar 1 to the audio's first sample, before the song's downbeat is known (clip: its start). */
  startInSong: number | null;
}

export class TranscriptionService {
  private readonly controllers = new Map<string, AbortController>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TranscriptionServiceOptions) {}

  /** Transcribes (queued behind any running job); resolves when the part is stored or the job is cancelled. */
  async start(request: TranscriptionRequest): Promise<TranscriptionOutcome> {
    const parsed = transcriptionRequestSchema.parse(request);
    const jobId = parsed.jobId ?? randomUUID();
    if (this.controllers.has(jobId)) throw new AppError('INVALID_INPUT', `transcription ${jobId} is already running`);
    const target = parsed.target;
    const redo = 'partId' in target ? this.options.ports.parts.get(target.partId) : null;
    if (redo && redo.source !== 'transcription') {
      throw new AppError('INVALID_INPUT', `part ${redo.id} is not a transcription (it came from ${redo.source === 'midi-file' ? 'a MIDI file' : 'a model'}), so there is nothing to redo`);
    }
    // The stored settings carry the model's name too, which is not a setting.
    const storedSettings = Object.fromEntries(Object.entries(redo?.settings ?? {}).filter(([key]) => key !== 'model'));
    const settings = this.settingsOf({ ...storedSettings, ...parsed.settings });
    const source = this.sourceOf(redo ? this.redoTarget(redo) : (target as { clipId: number } | { takeId: number }), redo);

    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    const job = this.queue.then(() => this.run(jobId, source, settings, redo?.id ?? null, controller.signal));
    this.queue = job.catch(() => undefined);
    try {
      return await job;
    } catch (error) {
      if (error instanceof TranscriptionCancelled) return { status: 'cancelled', jobId };
      throw error;
    } finally {
      this.controllers.delete(jobId);
    }
  }

  /** Cancels a queued or running job; false when there is no such job (finished, or never started). */
  cancel(jobId: string): { cancelled: boolean } {
    const controller = this.controllers.get(jobId);
    if (!controller) return { cancelled: false };
    controller.abort();
    return { cancelled: true };
  }

  /** Cancels every job and waits for the running one to stop (the core's shutdown). */
  async dispose(): Promise<void> {
    for (const controller of this.controllers.values()) controller.abort();
    await this.queue;
  }

  private settingsOf(input: Record<string, unknown>): TranscriptionSettings {
    const parsed = transcriptionSettingsSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('INVALID_INPUT', `transcription settings: ${issue.path.join('.') || 'settings'}: ${issue.message}`);
    }
    return parsed.data;
  }

  private redoTarget(part: Pick<PartDto, 'id' | 'sourceClipId' | 'sourceTakeId'>): { clipId: number } | { takeId: number } {
    if (part.sourceClipId !== null) return { clipId: part.sourceClipId };
    if (part.sourceTakeId !== null) return { takeId: part.sourceTakeId };
    throw new AppError('INVALID_INPUT', `part ${part.id} cannot be redone: the clip or take it was transcribed from is gone`);
  }

  private sourceOf(target: { clipId: number } | { takeId: number }, redo: Pick<PartDto, 'name'> | null): Source {
    const { ports } = this.options;
    if ('clipId' in target) {
      const clip = ports.clip(target.clipId);
      const label = clip.notes.split('\n')[0]!.trim().slice(0, 60) || `Clip ${target.clipId}`;
      return {
        songId: clip.songId,
        name: redo?.name ?? `${label} (transcribed)`,
        sourceClipId: target.clipId,
        filePath: clip.filePath,
        fileName: clip.fileName,
        start: clip.start,
        end: clip.end,
        startInSong: clip.start,
      };
    }
    const take = ports.take(target.takeId);
    if (take.songId === null) throw new AppError('INVALID_INPUT', `take ${target.takeId} has no song any more, so its part would have nowhere to go`);
    return {
      songId: take.songId,
      name: redo?.name ?? `${take.name} (transcribed)`,
      sourceTakeId: target.takeId,
      filePath: take.filePath,
      fileName: `take-${target.takeId}.wav`,
      start: 0,
      end: take.durationSeconds ?? Infinity,
      startInSong: null,
    };
  }

  private async run(jobId: string, source: Source, settings: TranscriptionSettings, redoPartId: number | null, signal: AbortSignal): Promise<TranscriptionOutcome> {
    const started = Date.now();
    const report = (stage: TranscriptionProgressEvent['stage'], fraction: number, etaSeconds: number | null = null) =>
      this.options.onProgress?.({ jobId, stage, fraction: Math.min(1, Math.max(0, fraction)), etaSeconds });
    if (signal.aborted) throw new TranscriptionCancelled();
    report('reading', 0);
    if (source.end - source.start > MAX_TRANSCRIPTION_SECONDS) {
      throw new AppError('INVALID_INPUT', `cannot transcribe more than ${MAX_TRANSCRIPTION_SECONDS / 60} minutes at once (this is ${Math.round(source.end - source.start)} s): cut a shorter clip`);
    }
    const bytes = await readFile(source.filePath);
    const audio = await this.options.audio.prepareTraining({
      name: source.fileName,
      bytes,
      startSeconds: source.start,
      endSeconds: source.end,
      sampleRate: MODEL_SAMPLE_RATE,
    });
    if (audio.length / MODEL_SAMPLE_RATE > MAX_TRANSCRIPTION_SECONDS) {
      throw new AppError('INVALID_INPUT', `cannot transcribe more than ${MAX_TRANSCRIPTION_SECONDS / 60} minutes at once: cut a shorter clip`);
    }
    const audioSeconds = audio.length / MODEL_SAMPLE_RATE;
    if (signal.aborted) throw new TranscriptionCancelled();
    report('listening', READ_END);
    const listenStarted = Date.now();
    const heard = await this.options.runner.run(
      { audio, settings },
      (fraction) => {
        const elapsed = (Date.now() - listenStarted) / 1000;
        const eta = fraction > 0.05 ? (elapsed * (1 - fraction)) / fraction : null;
        report('listening', READ_END + (LISTEN_END - READ_END) * fraction, eta);
      },
      signal,
    );
    if (signal.aborted) throw new TranscriptionCancelled();
    if (heard.length === 0) {
      throw new AppError('INVALID_INPUT', `no notes were heard in ${source.name.replace(/ \(transcribed\)$/, '')}: try a lower note start certainty (--onset-threshold)`);
    }
    report('writing', LISTEN_END, 0);
    const time = await this.options.ports.musicalTime(source.songId);
    const { music, notesBeforeBarOne } = toPartMusic(heard, {
      offsetSeconds: source.startInSong === null ? 0 : source.startInSong - time.downbeatSeconds,
      tempo: time.tempo,
      timeSignature: time.timeSignature,
    });
    if (music.notes.length === 0) {
      throw new AppError('INVALID_INPUT', `all ${notesBeforeBarOne} notes heard begin before bar 1 of the song, where a part cannot start: move bar 1 or cut the clip later`);
    }
    const stored: Record<string, unknown> = { ...settings, model: 'basic-pitch' };
    const part =
      redoPartId === null
        ? this.options.ports.parts.addPart({
            songId: source.songId,
            name: source.name,
            source: 'transcription',
            settings: stored,
            ...(source.sourceClipId !== undefined ? { sourceClipId: source.sourceClipId } : {}),
            ...(source.sourceTakeId !== undefined ? { sourceTakeId: source.sourceTakeId } : {}),
            music,
          })
        : this.options.ports.parts.replaceMusic(redoPartId, music, stored);
    report('writing', 1, 0);
    return {
      status: 'done',
      jobId,
      partId: part.id,
      partName: part.name,
      replaced: redoPartId !== null,
      notes: music.notes.length,
      bends: music.bends.length,
      notesBeforeBarOne,
      audioSeconds,
      elapsedSeconds: (Date.now() - started) / 1000,
      settings: stored,
    };
  }
}
