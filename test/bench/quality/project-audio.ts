/**
 * Every piece of the project's own audio and metrics code the quality harness measures with, in
 * one place: decoding and resampling (what import does), the feature code (STFT, log-mel, MFCC,
 * spectral flux) and the metrics service's measurements (distances to the source, pitch
 * statistics, copy detection). The harness reuses them rather than reimplementing them, so its
 * figures mean what `eureka metrics` means; when one of these files moves, this is the only
 * import to fix (training goes through the core, imported in train-takes.ts).
 */
export { decodeAudio } from '../../../src-main/services/audio/decode.js';
export { integratedLoudness } from '../../../src-main/services/audio/loudness.js';
export { mixToMono, resample } from '../../../src-main/services/audio/resample.js';
export { melFromPower, mfccFromMel, onsetFromMel, stft, type MelSpectrogram } from '../../../src-main/services/metrics/features/index.js';
export { measureTakeAgainst, mfccFrechet, prepareReference, summarise, type MeasureReference } from '../../../src-main/services/metrics/measure/index.js';
