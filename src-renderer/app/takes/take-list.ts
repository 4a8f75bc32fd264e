/**
 * The take list's logic: which takes a filter shows (and whether near-copies are hidden), the
 * three orders (newest first, starred first, best score first), the count behind each filter
 * button, and moving the selection with the arrow keys. (Four orders: also best rated first.)
 * Pure functions over the few fields they read, so a Take from @common/generation.ts fits and
 * the unit tests need no renderer.
 */

/** The fields of a take this module reads. */
export interface ListedTake {
  id: number;
  starred: boolean;
  verdict: 'undecided' | 'kept' | 'discarded';
}

export const TAKE_FILTERS = ['all', 'kept', 'undecided', 'discarded'] as const;
/** Which takes the list shows: every one, or those with one verdict. */
export type TakeFilter = (typeof TAKE_FILTERS)[number];

export const TAKE_SORTS = ['newest', 'starred', 'score', 'rating'] as const;
/**
 * newest: by creation, latest first; starred: starred ones first, each group newest first;
 * score: measured takes best first, then the unmeasured ones newest first; rating: takes rated
 * in submitted listening sessions best first (see take-ratings.ts), then the unrated newest first.
 */
export type TakeSort = (typeof TAKE_SORTS)[number];

/** The takes `filter` lets through, in their given order. */
export function filterTakes<T extends ListedTake>(takes: readonly T[], filter: TakeFilter): T[] {
  return filter === 'all' ? [...takes] : takes.filter((take) => take.verdict === filter);
}

/** The takes not flagged as near-copies of their source (`nearCopies`: their ids). */
export function withoutNearCopies<T extends ListedTake>(takes: readonly T[], nearCopies: ReadonlySet<number>): T[] {
  return takes.filter((take) => !nearCopies.has(take.id));
}

/**
 * The takes in `sort` order (`scores`: each measured take's score by id, for 'score';
 * `ratings`: each rated take's rating value by id, for 'rating'). Row ids
 * grow with creation (one request's takes get consecutive ids in seed order), so "newest" is
 * descending id and never depends on clock resolution; it also breaks every tie.
 */
export function sortTakes<T extends ListedTake>(
  takes: readonly T[],
  sort: TakeSort,
  scores: Readonly<Record<number, number>> = {},
  ratings: Readonly<Record<number, number>> = {},
): T[] {
  const values = sort === 'rating' ? ratings : scores;
  return takes.toSorted((a, b) => {
    if (sort === 'starred' && a.starred !== b.starred) return a.starred ? -1 : 1;
    if (sort === 'score' || sort === 'rating') {
      const scoreA = values[a.id];
      const scoreB = values[b.id];
      if (scoreA !== undefined && scoreB !== undefined && scoreA !== scoreB) return scoreB - scoreA;
      if ((scoreA === undefined) !== (scoreB === undefined)) return scoreA === undefined ? 1 : -1;
    }
    return b.id - a.id;
  });
}

/** How many takes each filter would show. */
export function countByFilter(takes: readonly ListedTake[]): Record<TakeFilter, number> {
  const counts: Record<TakeFilter, number> = { all: takes.length, kept: 0, undecided: 0, discarded: 0 };
  for (const take of takes) counts[take.verdict] += 1;
  return counts;
}

/**
 * The id `step` rows away from `selectedId` in `shown` (clamped to the ends); the first row
 * when nothing shown is selected; null for an empty list.
 */
export function neighbourId(shown: readonly ListedTake[], selectedId: number | null, step: number): number | null {
  if (shown.length === 0) return null;
  const index = shown.findIndex((take) => take.id === selectedId);
  if (index < 0) return shown[0]?.id ?? null;
  const next = Math.max(0, Math.min(shown.length - 1, index + step));
  return shown[next]?.id ?? null;
}

/**
 * The verdict a verdict key sets: pressing K on a kept take (or D on a discarded one) takes the
 * verdict back to undecided, so every choice can be undone from the keyboard.
 */
export function toggledVerdict(
  current: ListedTake['verdict'],
  pressed: 'kept' | 'discarded',
): ListedTake['verdict'] {
  return current === pressed ? 'undecided' : pressed;
}

/** The fields of a take the batch summary reads. */
export interface BatchedTake {
  batchId: string;
  status: 'queued' | 'generating' | 'ready' | 'failed';
}

/** A batch that still has takes on their way: its size and how many are finished. */
export interface PendingBatch {
  batchId: string;
  total: number;
  /** Ready or failed (a cancel fails the rest). */
  finished: number;
}

/** Whether a take is still on its way. */
export function isPendingStatus(status: BatchedTake['status']): boolean {
  return status === 'queued' || status === 'generating';
}

/** The batches with a queued or generating take, in batch-id order. */
export function pendingBatches(takes: readonly BatchedTake[]): PendingBatch[] {
  const byBatch: Record<string, PendingBatch & { pending: number }> = {};
  for (const take of takes) {
    const batch = (byBatch[take.batchId] ??= { batchId: take.batchId, total: 0, finished: 0, pending: 0 });
    batch.total += 1;
    if (isPendingStatus(take.status)) batch.pending += 1;
    else batch.finished += 1;
  }
  return Object.values(byBatch)
    .filter((batch) => batch.pending > 0)
    .map(({ batchId, total, finished }) => ({ batchId, total, finished }))
    .toSorted((a, b) => (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0));
}
