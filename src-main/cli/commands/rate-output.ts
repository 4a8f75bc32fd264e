/** How `eureka rate` prints sessions and results for people (JSON and CSV need no help). */
import { formatSeconds } from '../../common/format-time.js';
import type { Proportion, RatingStats, SessionResults, SessionSummary } from '../../common/rating.js';

export function describeSession(summary: SessionSummary): string {
  const raters = summary.raters.map((r) => `${r.name} (${r.answered}/${r.total}${r.submitted ? ', submitted' : ''})`).join(', ');
  return (
    `session ${summary.id} "${summary.name}": ${summary.itemCount} items of ${formatSeconds(summary.itemSeconds)}, ${summary.format}` +
    `${summary.catchTrials ? ', with catch trials' : ''}, ${summary.status}; raters ${raters}`
  );
}

export function sessionRow(summary: SessionSummary): string[] {
  return [
    String(summary.id),
    summary.name,
    summary.format,
    String(summary.itemCount),
    formatSeconds(summary.itemSeconds),
    summary.status,
    summary.raters.map((r) => `${r.name} ${r.submitted ? 'submitted' : `${r.answered}/${r.total}`}`).join(', '),
  ];
}

function share(p: Proportion): string {
  return p.value === null ? '-' : `${Math.round(p.value * 100)}% (${p.count}/${p.of})`;
}

function statsCells(stats: RatingStats): string[] {
  return [
    String(stats.trials),
    share(stats.accuracy),
    stats.binomialP === null ? '-' : stats.binomialP.toPrecision(2),
    stats.dPrime === null ? '-' : stats.dPrime.toFixed(2),
    share(stats.fooled),
    stats.musicality ? `${stats.musicality.mean.toFixed(1)} [${stats.musicality.low.toFixed(1)}, ${stats.musicality.high.toFixed(1)}]` : '-',
    share(stats.inspiring),
  ];
}

/** Per rater, then pooled: detection, its test, d′, fooled, musicality, inspiring, catch score. */
export function resultsRows(results: SessionResults): string[][] {
  return [
    ['RATER', 'SUBMITTED', 'TRIALS', 'ACCURACY', 'P', "D'", 'FOOLED', 'MUSICALITY', 'INSPIRING', 'CATCH'],
    ...results.raters.map((r) => [
      `${r.name}${results.excludedRaters.includes(r.raterId) ? ' (left out)' : ''}`,
      r.submitted ? 'yes' : 'no',
      ...statsCells(r.stats),
      r.catchScore ? share(r.catchScore) : '-',
    ]),
    ['pooled', '', ...statsCells(results.pooled), ''],
  ];
}
