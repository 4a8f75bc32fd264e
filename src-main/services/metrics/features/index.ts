/**
 * Audio features for the metrics: pure, deterministic functions of a mono
 * Float32Array at a given sample rate. One import for the measure/ code; see each file for
 * conventions and shapes.
 */
export { chroma, chromaFilterbank, chromaFromPower, PITCH_CLASSES, type Chroma } from './chroma.js';
export { extractFeatures, type FeatureOptions, type Features } from './extract.js';
export { logSpectrum, LOG_SPECTRUM_DEFAULTS, type LogSpectrum, type LogSpectrumOptions } from './log-spectrum.js';
export {
  hzToMel,
  MEL_DEFAULTS,
  melFilterbank,
  melFromPower,
  melPower,
  melSpectrogram,
  melToHz,
  POWER_FLOOR_DB,
  powerToDbInPlace,
  type MelOptions,
  type MelSpectrogram,
} from './mel.js';
export { dctMatrix, mfcc, MFCC_DEFAULTS, mfccFromMel, type Mfcc, type MfccOptions } from './mfcc.js';
export { onsetFromMel, onsetStrength, type OnsetStrength } from './onset.js';
export { PITCH_DEFAULTS, pitchTrack, type PitchOptions, type PitchTrack } from './pitch.js';
export { frameCount, hannWindow, stft, type PowerSpectrogram, type StftOptions } from './stft.js';
