/**
 * The Takes view's list logic: filters (and hiding near-copies), the three orders, the counts on the filter buttons,
 * arrow-key movement, the undoable verdict keys and the batches still on their way.
 */
import {
  countByFilter,
  filterTakes,
  isPendingStatus,
  neighbourId,
  pendingBatches,
  sortTakes,
  toggledVerdict,
  withoutNearCopies,
  type ListedTake,
} from '../../../../src-renderer/app/takes/take-list.js';

function take(id: number, verdict: ListedTake['verdict'] = 'undecided', starred = false): ListedTake {
  return { id, verdict, starred };
}

const TAKES: ListedTake[] = [
  take(3, 'kept'),
  take(7, 'discarded', true),
  take(5, 'undecided', true),
  take(1, 'undecided'),
  take(9, 'kept', true),
];

const ids = (list: readonly ListedTake[]): number[] => list.map((t) => t.id);

describe('filterTakes', () => {
  test('all keeps every take in its order', () => {
    expect(ids(filterTakes(TAKES, 'all'))).toEqual([3, 7, 5, 1, 9]);
  });

  test('a verdict filter keeps only that verdict', () => {
    expect(ids(filterTakes(TAKES, 'kept'))).toEqual([3, 9]);
    expect(ids(filterTakes(TAKES, 'undecided'))).toEqual([5, 1]);
    expect(ids(filterTakes(TAKES, 'discarded'))).toEqual([7]);
  });

  test('returns a new array', () => {
    const input = [take(1)];
    expect(filterTakes(input, 'all')).not.toBe(input);
  });
});

describe('sortTakes', () => {
  test('newest first by id', () => {
    expect(ids(sortTakes(TAKES, 'newest'))).toEqual([9, 7, 5, 3, 1]);
  });

  test('starred first, each group newest first', () => {
    const mixed = [take(2), take(1, 'kept', true), take(4), take(3, 'discarded', true), take(6)];
    expect(ids(sortTakes(mixed, 'starred'))).toEqual([3, 1, 6, 4, 2]);
    expect(ids(sortTakes(mixed, 'newest'))).toEqual([6, 4, 3, 2, 1]);
  });

  test('does not reorder its input', () => {
    const input = [take(1), take(2)];
    sortTakes(input, 'newest');
    expect(ids(input)).toEqual([1, 2]);
  });

  test('best score first, ties newest first, unmeasured takes last newest first', () => {
    const scores = { 3: 40, 7: 90, 1: 40 };
    expect(ids(sortTakes(TAKES, 'score', scores))).toEqual([7, 3, 1, 9, 5]);
  });

  test('score order without any score is newest first', () => {
    expect(ids(sortTakes(TAKES, 'score'))).toEqual([9, 7, 5, 3, 1]);
  });

  test('a score of 0 still counts as measured', () => {
    expect(ids(sortTakes([take(1), take(2)], 'score', { 1: 0 }))).toEqual([1, 2]);
  });
});

describe('withoutNearCopies', () => {
  test('drops the flagged takes and keeps the order of the rest', () => {
    expect(ids(withoutNearCopies(TAKES, new Set([7, 1])))).toEqual([3, 5, 9]);
    expect(ids(withoutNearCopies(TAKES, new Set()))).toEqual([3, 7, 5, 1, 9]);
  });
});

describe('countByFilter', () => {
  test('counts each verdict and the total', () => {
    expect(countByFilter(TAKES)).toEqual({ all: 5, kept: 2, undecided: 2, discarded: 1 });
    expect(countByFilter([])).toEqual({ all: 0, kept: 0, undecided: 0, discarded: 0 });
  });
});

describe('neighbourId', () => {
  const shown = [take(9), take(7), take(5)];

  test('moves by step and stops at both ends', () => {
    expect(neighbourId(shown, 7, 1)).toBe(5);
    expect(neighbourId(shown, 7, -1)).toBe(9);
    expect(neighbourId(shown, 5, 1)).toBe(5);
    expect(neighbourId(shown, 9, -1)).toBe(9);
  });

  test('starts at the first row when the selection is not shown', () => {
    expect(neighbourId(shown, null, 1)).toBe(9);
    expect(neighbourId(shown, 42, -1)).toBe(9);
  });

  test('null for an empty list', () => {
    expect(neighbourId([], 3, 1)).toBeNull();
  });
});

describe('toggledVerdict', () => {
  test('sets the pressed verdict, or takes it back to undecided', () => {
    expect(toggledVerdict('undecided', 'kept')).toBe('kept');
    expect(toggledVerdict('discarded', 'kept')).toBe('kept');
    expect(toggledVerdict('kept', 'kept')).toBe('undecided');
    expect(toggledVerdict('kept', 'discarded')).toBe('discarded');
    expect(toggledVerdict('discarded', 'discarded')).toBe('undecided');
  });
});

describe('pendingBatches', () => {
  test('lists batches with a take on its way, with their size and finished count', () => {
    const takes = [
      { batchId: 'b2', status: 'ready' as const },
      { batchId: 'b1', status: 'ready' as const },
      { batchId: 'b2', status: 'generating' as const },
      { batchId: 'b2', status: 'queued' as const },
      { batchId: 'b1', status: 'failed' as const },
      { batchId: 'b3', status: 'queued' as const },
    ];
    expect(pendingBatches(takes)).toEqual([
      { batchId: 'b2', total: 3, finished: 1 },
      { batchId: 'b3', total: 1, finished: 0 },
    ]);
  });

  test('a batch whose takes all finished (or failed when cancelled) is not pending', () => {
    expect(pendingBatches([{ batchId: 'x', status: 'ready' }, { batchId: 'x', status: 'failed' }])).toEqual([]);
    expect(isPendingStatus('queued')).toBe(true);
    expect(isPendingStatus('generating')).toBe(true);
    expect(isPendingStatus('ready')).toBe(false);
    expect(isPendingStatus('failed')).toBe(false);
  });
});
