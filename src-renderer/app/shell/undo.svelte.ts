/**
 * The window's undo history: one list of steps the person can take back (a cut, a moved or
 * relabelled clip, a deleted clip, a take's verdict or star), shared by every view. A feature's
 * store records an entry when the core has accepted a change; the entry carries the calls that
 * undo and redo it through that store, so the core stays the one source of truth and no feature
 * imports another. The history lives as long as the window (switching views or songs keeps it),
 * holds the last {@link UNDO_LIMIT} steps, and runs one step at a time, in the order asked.
 *
 * A step whose target is gone (its song, clip or take was deleted meanwhile; the core answers
 * NOT_FOUND) is dropped with a one-line notice, so the steps below it stay reachable. Any other
 * refusal (say, a restored clip would overlap one cut since), or a question the person declined,
 * leaves the step where it was.
 */
import { ApiError, errorMessage } from './api.js';
import type { NoticeStore } from './notices.svelte.js';

/** How many steps the history keeps; older ones fall off. */
export const UNDO_LIMIT = 100;

/** One step that can be taken back and done again. */
export interface UndoEntry {
  /** What was done, in words ("delete clip 'chorus 2'"); the buttons show "Undo: …". */
  readonly label: string;
  /**
   * Takes the step back: resolves true when it did, false when the person declined a question
   * on the way (a clip that has models since is deleted only once they confirm); rejects with
   * the core's ApiError when it refuses.
   */
  undo(): Promise<boolean>;
  /** Does the step again after an undo; resolves and rejects like {@link undo}. */
  redo(): Promise<boolean>;
}

/** What a feature store needs of the history: a place to record what it did. */
export interface UndoRecorder {
  record(entry: UndoEntry): void;
}

export class UndoStore implements UndoRecorder {
  /** Steps that can be undone, oldest first. */
  done = $state<UndoEntry[]>([]);
  /** Steps that were undone and can be redone, the next redo last. */
  undone = $state<UndoEntry[]>([]);
  /** A step is on its way to the core. */
  busy = $state(false);

  /** What Undo would take back, or null. */
  undoLabel = $derived(this.done.at(-1)?.label ?? null);
  /** What Redo would do again, or null. */
  redoLabel = $derived(this.undone.at(-1)?.label ?? null);

  readonly #notices: NoticeStore;
  /** Steps run one after another: Ctrl+Z pressed twice quickly takes back two, in order. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Bumped by every record, so a step finishing after a new change does not land on the redo list. */
  #generation = 0;

  constructor(notices: NoticeStore) {
    this.#notices = notices;
  }

  /** Adds a step the core has just accepted; it clears what could be redone. */
  record(entry: UndoEntry): void {
    this.#generation += 1;
    this.done = [...this.done, entry].slice(-UNDO_LIMIT);
    this.undone = [];
  }

  /** Takes back the latest step; resolves with whether one was taken back. */
  undo(): Promise<boolean> {
    return this.#enqueue(() => this.#step('undo'));
  }

  /** Does the latest undone step again; resolves with whether one was done. */
  redo(): Promise<boolean> {
    return this.#enqueue(() => this.#step('redo'));
  }

  #enqueue(run: () => Promise<boolean>): Promise<boolean> {
    const next = this.#queue.then(run);
    this.#queue = next;
    return next;
  }

  async #step(direction: 'undo' | 'redo'): Promise<boolean> {
    const from = direction === 'undo' ? this.done : this.undone;
    const entry = from.at(-1);
    if (!entry) return false;
    const generation = this.#generation;
    this.busy = true;
    try {
      if (!(await (direction === 'undo' ? entry.undo() : entry.redo()))) return false;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NOT_FOUND') {
        this.#remove(entry);
        this.#notices.push(`Dropped “${entry.label}” from the undo history: ${errorMessage(error)}`, 'info');
      } else {
        this.#notices.push(`Could not ${direction} “${entry.label}”: ${errorMessage(error)}`);
      }
      return false;
    } finally {
      this.busy = false;
    }
    this.#remove(entry);
    // A change recorded while this step was on its way started a new branch: nothing to redo.
    if (generation !== this.#generation && direction === 'undo') return true;
    if (direction === 'undo') this.undone = [...this.undone, entry];
    else this.done = [...this.done, entry].slice(-UNDO_LIMIT);
    return true;
  }

  #remove(entry: UndoEntry): void {
    this.done = this.done.filter((e) => e !== entry);
    this.undone = this.undone.filter((e) => e !== entry);
  }
}
