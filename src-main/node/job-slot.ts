/**
 * The one training slot of a core: audio models and phrase models train one job at a time
 * between them (docs/architecture.md "Training"), because two runs on a 2-core machine each take
 * twice as long and spoil each other's speed measurements, and a GPU is one device. core.ts
 * gives the same slot to both queues; a queue takes it when it claims a job and gives it back
 * when the job's worker has ended, and every queue hears that it is free ('freed') and may start
 * its next job. Whoever asks first after that gets it: the event loop is one thread, so a check
 * of `busy` and the `take` that follows cannot be split by another queue.
 */
export class JobSlot {
  #holder: string | null = null;
  readonly #listeners = new Set<() => void>();

  /** Who holds it ("audio model 3"), or null when free. */
  get holder(): string | null {
    return this.#holder;
  }

  get busy(): boolean {
    return this.#holder !== null;
  }

  /** Takes the slot for `holder`; false (and nothing changes) when someone holds it. */
  take(holder: string): boolean {
    if (this.#holder !== null) return false;
    this.#holder = holder;
    return true;
  }

  /** Gives the slot back, if `holder` has it, and tells every listener it is free. */
  release(holder: string): void {
    if (this.#holder !== holder) return;
    this.#holder = null;
    for (const listener of [...this.#listeners]) {
      // A listener may take the slot again: the others then find it busy.
      listener();
    }
  }

  /** Calls `listener` whenever the slot is freed; returns the unsubscribe function. */
  onFreed(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
