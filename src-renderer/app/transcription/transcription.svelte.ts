/**
 * Transcribe to MIDI, as the clip inspector and the Takes view show it: one job per clip or
 * take (its progress by stage with an ETA, Cancel), the result in plain words ("42 notes in a
 * new part 'verse riff (transcribed)'"), and the settings the next transcription uses — the
 * same for every clip and take in this window until changed (docs/midi.md "Transcription").
 * A failure stays on its panel as one line (and a notice), for that clip or take only.
 */
import type { TranscriptionProgressEvent, TranscriptionSettings, TranscriptionTarget } from '@common/transcription.js';
import { describeTranscription, transcriptionSettings, transcriptionSettingsSchema } from '@common/transcription.js';
import { errorMessage, type Api } from '../shell/api.js';
import type { NoticeStore } from '../shell/notices.svelte.js';

/** What one clip's or take's panel shows. */
export type TranscriptionState =
  | { status: 'running'; jobId: string; progress: TranscriptionProgressEvent | null; cancelling: boolean }
  | { status: 'done'; message: string; partId: number }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string };

/** "clip:3", "take:12", "part:4": one panel per thing transcribed. */
export function targetKey(target: TranscriptionTarget): string {
  if ('clipId' in target) return `clip:${target.clipId}`;
  if ('takeId' in target) return `take:${target.takeId}`;
  return `part:${target.partId}`;
}

export class TranscriptionStore {
  /** Panels by target key. */
  jobs = $state<Record<string, TranscriptionState>>({});
  /** What the next transcription uses (every field filled: the panel's form edits it). */
  settings = $state<TranscriptionSettings>(transcriptionSettings());

  readonly #api: Api;
  readonly #notices: NoticeStore;
  #unsubscribe: (() => void) | null = null;
  #count = 0;

  constructor(api: Api, notices: NoticeStore) {
    this.#api = api;
    this.#notices = notices;
  }

  /** Follows the progress of this window's jobs. */
  init(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#api.on('transcription:did-progress', (event) => {
      for (const state of Object.values(this.jobs)) {
        if (state.status === 'running' && state.jobId === event.jobId) state.progress = event;
      }
    });
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  stateOf(target: TranscriptionTarget): TranscriptionState | null {
    return this.jobs[targetKey(target)] ?? null;
  }

  /** Sets one or more settings for the next transcription; a value out of range is refused with its one-line reason (null: taken). */
  setSettings(patch: Partial<TranscriptionSettings>): string | null {
    const parsed = transcriptionSettingsSchema.safeParse({ ...this.settings, ...patch });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
    }
    this.settings = parsed.data;
    return null;
  }

  /** Back to the defaults. */
  resetSettings(): void {
    this.settings = transcriptionSettings();
  }

  /** Transcribes `target` with the current settings; resolves when it is done, cancelled or refused. */
  async transcribe(target: TranscriptionTarget): Promise<void> {
    const key = targetKey(target);
    if (this.jobs[key]?.status === 'running') return;
    this.#count += 1;
    const jobId = `ui-${this.#count}-${Math.random().toString(36).slice(2, 10)}`;
    this.jobs[key] = { status: 'running', jobId, progress: null, cancelling: false };
    try {
      const outcome = await this.#api.invoke('transcription:start', { target, settings: { ...this.settings }, jobId });
      this.jobs[key] =
        outcome.status === 'done' ? { status: 'done', message: describeTranscription(outcome), partId: outcome.partId } : { status: 'cancelled' };
    } catch (error) {
      const message = errorMessage(error);
      this.jobs[key] = { status: 'failed', error: message };
      this.#notices.push(`Could not transcribe: ${message}`);
    }
  }

  /** Cancels the running job of `target` (its start answers `cancelled`). */
  async cancel(target: TranscriptionTarget): Promise<void> {
    const state = this.jobs[targetKey(target)];
    if (state?.status !== 'running' || state.cancelling) return;
    state.cancelling = true;
    try {
      await this.#api.invoke('transcription:cancel', { jobId: state.jobId });
    } catch (error) {
      state.cancelling = false;
      this.#notices.push(`Could not cancel the transcription: ${errorMessage(error)}`);
    }
  }

  /** Forgets a finished panel's result (its Close). */
  dismiss(target: TranscriptionTarget): void {
    const key = targetKey(target);
    if (this.jobs[key]?.status !== 'running') delete this.jobs[key];
  }
}
