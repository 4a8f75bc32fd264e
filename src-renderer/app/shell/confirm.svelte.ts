/**
 * Questions that must be answered before something goes for good (a song and what was made
 * from it, a clip with models): one at a time, shown by ui/ConfirmDialog.svelte, answered with
 * yes or no. A store asks and waits; the dialog answers. A second question while one is open
 * answers the first "no" (it was not confirmed) and takes its place.
 */

/** One question. */
export interface ConfirmRequest {
  /** The question itself: "Delete the song “Night Drive”?" */
  title: string;
  /** What the answer means, one sentence each (what goes, what stays). */
  lines: string[];
  /** The confirming button's words: "Delete song". */
  confirmLabel: string;
  /** Why it cannot be done now; the confirming button is then disabled. */
  blocked?: string | null;
}

/** What a store needs to ask (the window's ConfirmStore). */
export interface Confirmer {
  /** Resolves true when the person confirmed, false when they cancelled. */
  ask(request: ConfirmRequest): Promise<boolean>;
}

export class ConfirmStore implements Confirmer {
  /** The open question, or null. */
  current = $state<(ConfirmRequest & { id: number }) | null>(null);
  #nextId = 1;
  #resolve: ((confirmed: boolean) => void) | null = null;

  ask(request: ConfirmRequest): Promise<boolean> {
    this.answer(false);
    this.current = { ...request, id: this.#nextId++ };
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Answers the open question (a blocked one only "no"); nothing happens when none is open. */
  answer(confirmed: boolean): void {
    const resolve = this.#resolve;
    const blocked = Boolean(this.current?.blocked);
    this.#resolve = null;
    this.current = null;
    resolve?.(confirmed && !blocked);
  }
}
