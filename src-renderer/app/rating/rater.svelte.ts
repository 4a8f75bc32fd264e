/**
 * One rater's run through a session: where they stand (rating:progress, which is also how a
 * closed window or a restarted server resumes at the next unanswered item), and sending each
 * answer the moment it is given, then the final questionnaire, then Submit. The store holds only
 * what the core's rater payloads carry: positions, neutral labels and opaque audio tokens.
 * A failed send keeps the rater's answer on screen and re-reads the progress, so an answer that
 * did reach the core before the connection dropped is not asked for twice.
 */
import type { Answer, FinalAnswers, RaterProgress } from '@common/rating.js';
import { errorMessage, type Api } from '../shell/api.js';

export class RaterStore {
  raterId = $state<number | null>(null);
  progress = $state<RaterProgress | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  /** Why the last load or send failed, until the next one succeeds. */
  error = $state<string | null>(null);
  /** An answer, the final questionnaire or the submit is on its way. */
  sending = $state(false);

  trial = $derived(this.progress?.next ?? null);

  readonly #api: Api;
  #openToken = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Opens rater `raterId`'s screen at the next unanswered item. */
  async open(raterId: number): Promise<void> {
    const token = ++this.#openToken;
    if (raterId !== this.raterId) {
      this.raterId = raterId;
      this.progress = null;
      this.status = 'loading';
    }
    try {
      const progress = await this.#api.invoke('rating:progress', { raterId });
      if (token !== this.#openToken) return;
      this.progress = progress;
      this.status = 'ready';
      this.error = null;
    } catch (error) {
      if (token !== this.#openToken) return;
      this.status = this.progress ? 'ready' : 'failed';
      this.error = errorMessage(error);
    }
  }

  close(): void {
    this.#openToken++;
    this.raterId = null;
    this.progress = null;
    this.status = 'idle';
    this.error = null;
  }

  /** Re-reads where the rater stands (after a failed send or a reconnect). */
  async reload(): Promise<void> {
    if (this.raterId !== null) await this.open(this.raterId);
  }

  /** Sends the answer to the current trial; resolves with whether the core took it. */
  async answer(answer: Answer): Promise<boolean> {
    const trial = this.trial;
    if (!trial || this.sending) return false;
    return this.#send(() => this.#api.invoke('rating:answer', { raterId: trial.raterId, position: trial.position, answer }));
  }

  async saveFinal(final: FinalAnswers): Promise<boolean> {
    const raterId = this.raterId;
    if (raterId === null || this.sending) return false;
    return this.#send(() => this.#api.invoke('rating:final', { raterId, final }));
  }

  async submit(): Promise<boolean> {
    const raterId = this.raterId;
    if (raterId === null || this.sending) return false;
    return this.#send(() => this.#api.invoke('rating:submit', { raterId }));
  }

  /** Where the renderer loads a stimulus from: its opaque token, nothing else. */
  audioUrl(token: string): string {
    return this.#api.mediaUrl({ kind: 'rating', token });
  }

  async #send(call: () => Promise<RaterProgress>): Promise<boolean> {
    this.sending = true;
    const before = this.progress;
    try {
      this.progress = await call();
      this.error = null;
      return true;
    } catch (error) {
      const message = errorMessage(error);
      await this.reload();
      // The call may have reached the core before the connection dropped: then it moved on.
      const after = this.progress;
      const movedOn =
        before !== null &&
        after !== null &&
        (after.answered > before.answered || after.finalAnswered !== before.finalAnswered || after.submitted !== before.submitted);
      this.error = movedOn ? null : message;
      return movedOn;
    } finally {
      this.sending = false;
    }
  }
}
