import { describe, expect, it } from '@jest/globals';
import { deferred } from '../testing/fake-bridge.js';
import { ApiError } from './api.js';
import { NoticeStore } from './notices.svelte.js';
import { UNDO_LIMIT, UndoStore, type UndoEntry } from './undo.svelte.js';

/**
 * Entries whose undo and redo write what they did into `log`; `fail` makes the next call of an
 * entry reject as the core would.
 */
function setup(): {
  history: UndoStore;
  notices: NoticeStore;
  log: string[];
  entry: (label: string, fail?: { undo?: ApiError; redo?: ApiError }) => UndoEntry;
} {
  const notices = new NoticeStore();
  const history = new UndoStore(notices);
  const log: string[] = [];
  const entry = (label: string, fail: { undo?: ApiError; redo?: ApiError } = {}): UndoEntry => ({
    label,
    async undo() {
      if (fail.undo) throw fail.undo;
      log.push(`undo ${label}`);
      return true;
    },
    async redo() {
      if (fail.redo) throw fail.redo;
      log.push(`redo ${label}`);
      return true;
    },
  });
  return { history, notices, log, entry };
}

describe('UndoStore', () => {
  it('undoes the latest step first, redoes what it undid, and a new step clears the redo list', async () => {
    const { history, log, entry } = setup();
    expect(history.undoLabel).toBeNull();
    expect(await history.undo()).toBe(false);

    history.record(entry('cut new-idea clip at 0:01.000'));
    history.record(entry("delete clip 'chorus 2'"));
    expect(history.undoLabel).toBe("delete clip 'chorus 2'");
    expect(history.redoLabel).toBeNull();

    expect(await history.undo()).toBe(true);
    expect(history.undoLabel).toBe('cut new-idea clip at 0:01.000');
    expect(history.redoLabel).toBe("delete clip 'chorus 2'");
    expect(await history.undo()).toBe(true);
    expect(await history.undo()).toBe(false);
    expect(await history.redo()).toBe(true);
    expect(log).toEqual(["undo delete clip 'chorus 2'", 'undo cut new-idea clip at 0:01.000', 'redo cut new-idea clip at 0:01.000']);
    expect(history.redoLabel).toBe("delete clip 'chorus 2'");

    history.record(entry('keep take 4'));
    expect(history.redoLabel).toBeNull();
    expect(history.done.map((e) => e.label)).toEqual(['cut new-idea clip at 0:01.000', 'keep take 4']);
  });

  it(`keeps the last ${UNDO_LIMIT} steps`, async () => {
    const { history, entry } = setup();
    for (let i = 1; i <= UNDO_LIMIT + 5; i++) history.record(entry(`step ${i}`));
    expect(history.done).toHaveLength(UNDO_LIMIT);
    expect(history.done[0]?.label).toBe('step 6');
    let undone = 0;
    while (await history.undo()) undone += 1;
    expect(undone).toBe(UNDO_LIMIT);
    expect(history.redoLabel).toBe('step 6');
  });

  it('runs steps one at a time, in the order asked, and is busy meanwhile', async () => {
    const { history, log, entry } = setup();
    const answer = deferred<void>();
    history.record(entry('first'));
    history.record({
      label: 'second',
      undo: async () => {
        log.push('undo second started');
        await answer.promise;
        log.push('undo second ended');
        return true;
      },
      redo: async () => true,
    });

    const one = history.undo();
    const two = history.undo();
    await Promise.resolve();
    await Promise.resolve();
    expect(history.busy).toBe(true);
    expect(log).toEqual(['undo second started']);
    answer.resolve();
    expect(await Promise.all([one, two])).toEqual([true, true]);
    expect(log).toEqual(['undo second started', 'undo second ended', 'undo first']);
    expect(history.busy).toBe(false);
  });

  it('drops a step whose target is gone with a one-line notice; the steps below stay reachable', async () => {
    const { history, notices, log, entry } = setup();
    history.record(entry('keep take 3'));
    history.record(entry('move new-idea clip at 0:02.000', { undo: new ApiError('NOT_FOUND', 'there is no clip 7') }));

    expect(await history.undo()).toBe(false);
    expect(notices.items).toEqual([
      { id: 1, kind: 'info', message: 'Dropped “move new-idea clip at 0:02.000” from the undo history: there is no clip 7' },
    ]);
    expect(history.done.map((e) => e.label)).toEqual(['keep take 3']);
    expect(history.redoLabel).toBeNull();

    expect(await history.undo()).toBe(true);
    expect(log).toEqual(['undo keep take 3']);
  });

  it('keeps a step the core refuses for another reason, for another try', async () => {
    const { history, notices, entry } = setup();
    const refusal: { undo?: ApiError } = { undo: new ApiError('INVALID_INPUT', 'clips may not overlap') };
    history.record(entry("delete clip 'bridge'", refusal));

    expect(await history.undo()).toBe(false);
    expect(notices.items.map((n) => [n.kind, n.message])).toEqual([
      ['error', 'Could not undo “delete clip \'bridge\'”: clips may not overlap'],
    ]);
    expect(history.undoLabel).toBe("delete clip 'bridge'");
    delete refusal.undo;
    expect(await history.undo()).toBe(true);
    expect(history.redoLabel).toBe("delete clip 'bridge'");
  });

  it('leaves a step where it was, without a notice, when the person declines a question on the way', async () => {
    const { history, notices } = setup();
    let confirmed = false;
    history.record({ label: 'cut new-idea clip at 0:03.000', undo: async () => confirmed, redo: async () => true });

    expect(await history.undo()).toBe(false);
    expect(history.undoLabel).toBe('cut new-idea clip at 0:03.000');
    expect(history.redoLabel).toBeNull();
    expect(notices.items).toEqual([]);
    confirmed = true;
    expect(await history.undo()).toBe(true);
    expect(history.redoLabel).toBe('cut new-idea clip at 0:03.000');
  });

  it('does not offer to redo a step undone while a new change was recorded', async () => {
    const { history, entry } = setup();
    const answer = deferred<void>();
    history.record({ label: 'slow', undo: () => answer.promise.then(() => true), redo: async () => true });

    const undoing = history.undo();
    await Promise.resolve();
    history.record(entry('new change'));
    answer.resolve();
    expect(await undoing).toBe(true);
    expect(history.redoLabel).toBeNull();
    expect(history.done.map((e) => e.label)).toEqual(['new change']);
  });
});
