/**
 * The ranking score of a take: faithful (sounds like its source) and novel (does not copy it),
 * weighted by the songwriter, with one sentence per part for the UI's "why this score".
 *
 *  - fidelity = ½·2^(−spectral / 6 dB) + ½·2^(−√(Fréchet / 1000)): each distance to the source
 *    mapped to 1 … 0, halving at its scale (the Fréchet distance is in squared MFCC units, dB²,
 *    hence its root). The scales come from the demo song at 16 kHz: other passages of the same
 *    song lie 1–4 dB and 70–630 from its 8 s clip (fidelity 0.6–0.9), white noise at the same
 *    level 27 dB and 89 000 (fidelity 0.02). Both distances are log-spectral, so a faint noise
 *    floor where the source is near-silent (hiss 30 dB down) already costs most of the fidelity.
 *  - novelty = (1 − share of the take inside copied regions) · (1 − ½·min(1, longest / limit)):
 *    half of it goes as the longest copied stretch approaches the user's limit, the rest with
 *    how much of the take repeats the source. A take that is its source from end to end has 0.
 *  - total = wF·fidelity + wN·novelty with the weights scaled to sum to 1.
 *
 * Each part only falls as its distances or copies grow, so sorting by it never rewards copying.
 */
import type { Comparison, CopyReport, RankWeights, TakeScore } from '../../../common/metrics.js';

/** Distances at which fidelity's two halves have fallen to half. */
const SPECTRAL_HALF_DB = 6;
const FRECHET_HALF = 1000;

export interface ScoreInput {
  vsSource: Comparison;
  copy: CopyReport;
  durationSeconds: number;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
const two = (x: number): string => x.toFixed(2);
const percent = (x: number): string => `${Math.round(x * 100)} %`;
const seconds = (x: number): string => `${x.toFixed(1)} s`;

/** 0…1 from the spectral and MFCC distances to the source. */
export function fidelityOf(vsSource: Comparison): number {
  return clamp01(0.5 * 2 ** (-vsSource.spectralDistance / SPECTRAL_HALF_DB) + 0.5 * 2 ** -Math.sqrt(vsSource.mfccFrechet / FRECHET_HALF));
}

/** Seconds of the take inside at least one copied region (regions may overlap). */
export function copiedSeconds(copy: CopyReport): number {
  const spans = copy.regions.map((r) => [r.takeStart, r.takeEnd] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [start, stop] of spans) {
    if (stop <= end) continue;
    total += stop - Math.max(start, end);
    end = stop;
  }
  return total;
}

/** 0…1 from the copy report (1: nothing copied). */
export function noveltyOf(copy: CopyReport, durationSeconds: number): number {
  const coveredShare = durationSeconds > 0 ? clamp01(copiedSeconds(copy) / durationSeconds) : 0;
  const towardsLimit = Math.min(1, copy.longestSeconds / copy.limitSeconds);
  return clamp01((1 - coveredShare) * (1 - 0.5 * towardsLimit));
}

function fidelitySentence(fidelity: number, vsSource: Comparison): string {
  const closeness = fidelity >= 0.75 ? 'close to' : fidelity >= 0.4 ? 'somewhat like' : 'far from';
  return (
    `Fidelity ${two(fidelity)}: its sound is ${closeness} the source's ` +
    `(spectral distance ${vsSource.spectralDistance.toFixed(1)} dB, MFCC distance ${Math.round(vsSource.mfccFrechet)}).`
  );
}

function noveltySentence(novelty: number, copy: CopyReport, durationSeconds: number): string {
  const limit = `your limit is ${seconds(copy.limitSeconds)}`;
  if (copy.longestSeconds === 0) return `Novelty ${two(novelty)}: no stretch of it repeats the source.`;
  const share = durationSeconds > 0 ? copiedSeconds(copy) / durationSeconds : 0;
  const inAll = share > 0 ? `; ${percent(share)} of the take repeats the source in all` : '';
  if (copy.nearCopy) {
    return `Novelty ${two(novelty)}: a near-copy, it repeats ${seconds(copy.longestSeconds)} of the source in one stretch (${limit})${inAll}.`;
  }
  return `Novelty ${two(novelty)}: its longest stretch repeating the source is ${seconds(copy.longestSeconds)} (${limit})${inAll}.`;
}

/** The score of a take's metrics under `weights`. */
export function score(metrics: ScoreInput, weights: RankWeights): TakeScore {
  const sum = weights.fidelity + weights.novelty;
  const wFidelity = sum > 0 ? weights.fidelity / sum : 0.5;
  const wNovelty = 1 - wFidelity;
  const fidelity = fidelityOf(metrics.vsSource);
  const novelty = noveltyOf(metrics.copy, metrics.durationSeconds);
  const total = clamp01(wFidelity * fidelity + wNovelty * novelty);
  return {
    total,
    fidelity,
    novelty,
    explanation: [
      fidelitySentence(fidelity, metrics.vsSource),
      noveltySentence(novelty, metrics.copy, metrics.durationSeconds),
      `Score ${two(total)} = ${percent(wFidelity)} fidelity + ${percent(wNovelty)} novelty (your weights).`,
    ],
  };
}
