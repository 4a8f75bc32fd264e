/**
 * Keeping, discarding and starring takes, with undo (the takes of audio models and the phrase
 * takes). Changes to one take go out one after another (K then S typed quickly must both land,
 * and a toggle must see the answer to the call before it); a refusal becomes a notice. Each
 * change is a step of the undo history whose undo and redo join the take's queue and reject
 * with the core's error (a take deleted since answers NOT_FOUND), for the history to report.
 */
import type { TakeVerdict } from '@common/generation.js';
import { errorMessage } from './api.js';
import type { NoticeStore } from './notices.svelte.js';
import type { UndoRecorder } from './undo.svelte.js';

/** What a take needs for this: its verdict and star. */
export interface JudgedTake {
  id: number;
  verdict: TakeVerdict;
  starred: boolean;
}

export type JudgementPatch = { verdict?: TakeVerdict; starred?: boolean };

const VERDICT_STEP: Record<TakeVerdict, string> = { kept: 'keep', discarded: 'discard', undecided: 'mark undecided' };

export interface TakeJudgingOptions<Take extends JudgedTake> {
  /** What the undo steps call a take: "take", "phrase take". */
  noun: string;
  /** The takes the store holds now. */
  takes(): readonly Take[];
  /** Sends a change; resolves true once the core accepted it (the store holding the changed take), rejects with its ApiError. */
  send(takeId: number, patch: JudgementPatch): Promise<boolean>;
  notices: NoticeStore;
  history: UndoRecorder;
}

export class TakeJudging<Take extends JudgedTake> {
  readonly #options: TakeJudgingOptions<Take>;
  readonly #updates = new Map<number, Promise<void>>();

  constructor(options: TakeJudgingOptions<Take>) {
    this.#options = options;
  }

  async setVerdict(takeId: number, verdict: TakeVerdict): Promise<void> {
    const before = await this.#update(takeId, () => ({ verdict }));
    if (before && before.verdict !== verdict) {
      this.#recordStep(takeId, `${VERDICT_STEP[verdict]} ${this.#options.noun} ${takeId}`, { verdict: before.verdict }, { verdict });
    }
  }

  /** Stars or unstars, from the take as it is when the call goes out (after any queued ones). */
  async toggleStar(takeId: number): Promise<void> {
    const before = await this.#update(takeId, (take) => ({ starred: !take.starred }));
    if (before) {
      const starred = !before.starred;
      this.#recordStep(takeId, `${starred ? 'star' : 'unstar'} ${this.#options.noun} ${takeId}`, { starred: before.starred }, { starred });
    }
  }

  /** Changes a take; resolves with the take as it was before, or null when nothing changed (a refusal becomes a notice). */
  #update(takeId: number, patchOf: (take: Take) => JudgementPatch): Promise<Take | null> {
    return this.#queued(takeId, async () => {
      const take = this.#options.takes().find((t) => t.id === takeId);
      if (!take) return null;
      try {
        await this.#options.send(takeId, patchOf(take));
        return take;
      } catch (error) {
        this.#options.notices.push(errorMessage(error));
        return null;
      }
    });
  }

  #recordStep(takeId: number, label: string, undoPatch: JudgementPatch, redoPatch: JudgementPatch): void {
    this.#options.history.record({
      label,
      undo: () => this.#queued(takeId, () => this.#options.send(takeId, undoPatch)),
      redo: () => this.#queued(takeId, () => this.#options.send(takeId, redoPatch)),
    });
  }

  /** Runs `work` after the take's changes already on their way. */
  #queued<T>(takeId: number, work: () => Promise<T>): Promise<T> {
    const next = (this.#updates.get(takeId) ?? Promise.resolve()).then(work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#updates.set(takeId, settled);
    void settled.then(() => {
      if (this.#updates.get(takeId) === settled) this.#updates.delete(takeId);
    });
    return next;
  }
}
