/**
 * The metrics proper (docs/metrics.md), pure functions over audio and its features: the
 * pitch metrics, MFCC KL and Fréchet distances and the spectral distance (compare),
 * copy detection, diversity of a model's takes, the ranking score, a take's full metrics and
 * the data the side-by-side pictures draw. One import for the metrics service and its worker.
 */
export { compare, mfccFrechet, spectralDistance } from './compare.js';
export {
  copyMel,
  DEFAULT_COPY_THRESHOLD,
  DEFAULT_MIN_REGION_SECONDS,
  detectCopies,
  detectCopiesInFrames,
  normaliseFrames,
  sourceColour,
  sourceCopyFramesFromMel,
  type CopyFrames,
  type CopyOptions,
  type SourceColour,
} from './copies.js';
export { diversity, type DiversityReference, type DiversityTake } from './diversity.js';
export { fitGaussian, frechetDistance, symmetricKl, type Gaussian } from './gaussian.js';
export {
  measureTake,
  measureTakeAgainst,
  METRICS_VERSION,
  prepareReference,
  rescore,
  withCopyLimit,
  type AudioInput,
  type MeasureReference,
  type MeasureTakeInput,
} from './measure-take.js';
export { pictureData } from './picture-data.js';
export { midiNote, pitchStats } from './pitch-stats.js';
export { copiedSeconds, fidelityOf, noveltyOf, score, type ScoreInput } from './score.js';
export {
  featureSummarySchema,
  summarise,
  summariseWithFrames,
  SUMMARY_VERSION,
  type BandStats,
  type FeatureSummary,
  type SummaryWithFrames,
} from './summary.js';
