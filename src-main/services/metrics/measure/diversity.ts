/**
 * How different a model's takes are from each other: the MFCC Fréchet distance of every pair
 * of takes (their summaries), its mean and minimum, near-duplicate pairs (closer than a tenth of
 * the mean), and for scale the same distance between the source clip and held-out audio of the
 * song: "the takes differ as much as two real passages of the song" reads better than a number.
 */
import type { Diversity } from '../../../common/metrics.js';
import { mfccFrechet } from './compare.js';
import type { FeatureSummary } from './summary.js';

/** A pair closer than this share of the mean distance is a near-duplicate. */
const NEAR_DUPLICATE_SHARE = 0.1;
/** Distances at or below this are identical audio whatever the mean (all takes the same). */
const IDENTICAL_DISTANCE = 1e-6;

export interface DiversityTake {
  takeId: number;
  summary: FeatureSummary;
}

export interface DiversityReference {
  source: FeatureSummary;
  heldOut: FeatureSummary;
}

function describeScale(meanDistance: number, referenceDistance: number | null): string {
  if (referenceDistance === null || referenceDistance <= 0) return `are ${Math.round(meanDistance)} apart on average (MFCC distance)`;
  const ratio = meanDistance / referenceDistance;
  if (ratio < 0.5) return 'differ less than two real passages of the song do';
  if (ratio <= 2) return 'differ about as much as two real passages of the song';
  return 'differ more than two real passages of the song do';
}

/** Pairwise diversity of `takes` (at one sample rate) of model `modelId`. */
export function diversity(modelId: number, takes: DiversityTake[], reference?: DiversityReference | null): Diversity {
  const referenceDistance = reference ? mfccFrechet(reference.source, reference.heldOut) : null;
  const distances: [number, number, number][] = [];
  for (let i = 0; i < takes.length; i++) {
    for (let j = i + 1; j < takes.length; j++) {
      distances.push([takes[i]!.takeId, takes[j]!.takeId, mfccFrechet(takes[i]!.summary, takes[j]!.summary)]);
    }
  }
  const count = takes.length;
  if (distances.length === 0) {
    return {
      modelId,
      takes: count,
      meanDistance: null,
      minDistance: null,
      referenceDistance,
      nearDuplicates: [],
      summary: count === 0 ? 'No takes to compare yet.' : 'Only one take: nothing to compare it with yet.',
    };
  }
  const meanDistance = distances.reduce((sum, d) => sum + d[2], 0) / distances.length;
  const minDistance = Math.min(...distances.map((d) => d[2]));
  const nearDuplicates = distances
    .filter((d) => d[2] <= IDENTICAL_DISTANCE || d[2] < NEAR_DUPLICATE_SHARE * meanDistance)
    .sort((a, b) => a[2] - b[2]);
  const duplicates =
    nearDuplicates.length === 0 ? '' : nearDuplicates.length === 1 ? ' One pair is a near-duplicate.' : ` ${nearDuplicates.length} pairs are near-duplicates.`;
  const summary = `The ${count} takes ${describeScale(meanDistance, referenceDistance)}.${duplicates}`;
  return { modelId, takes: count, meanDistance, minDistance, referenceDistance, nearDuplicates, summary };
}
