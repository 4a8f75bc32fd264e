/**
 * Every frame-wise feature of one signal in one pass over one STFT: the 2048-point, 512-hop
 * power spectrogram feeds the log-mel spectrogram (hence MFCCs and onset strength) and chroma;
 * the pitch track uses the same hop, so all five share frame t ↔ time t·hop / sampleRate.
 * This is what the metrics call per take and per reference: computing each feature on its own
 * would transform the signal three times.
 */
import { chromaFromPower, type Chroma } from './chroma.js';
import { MEL_DEFAULTS, melFromPower, type MelSpectrogram } from './mel.js';
import { MFCC_DEFAULTS, mfccFromMel, type Mfcc } from './mfcc.js';
import { onsetFromMel, type OnsetStrength } from './onset.js';
import { pitchTrack, type PitchOptions, type PitchTrack } from './pitch.js';
import { stft } from './stft.js';

export interface Features {
  sampleRate: number;
  /** Samples of the signal. */
  samples: number;
  /** Frames of every feature below. */
  frames: number;
  secondsPerFrame: number;
  mel: MelSpectrogram;
  mfcc: Mfcc;
  chroma: Chroma;
  onset: OnsetStrength;
  pitch: PitchTrack;
}

export interface FeatureOptions {
  nFft?: number;
  hop?: number;
  nMels?: number;
  /** Upper mel edge, Hz (default sampleRate/2): set it when comparing signals of different rates. */
  fMax?: number;
  nMfcc?: number;
  keep?: number;
  pitch?: Omit<PitchOptions, 'hop'>;
}

/** The features of x at `sampleRate` (defaults: librosa's 2048 / 512 / 128 bands, MFCC 13 of 40, YIN 50–2000 Hz). */
export function extractFeatures(x: Float32Array, sampleRate: number, o: FeatureOptions = {}): Features {
  const nFft = o.nFft ?? MEL_DEFAULTS.nFft;
  const hop = o.hop ?? MEL_DEFAULTS.hop;
  const spectrogram = stft(x, { nFft, hop });
  const mel = melFromPower(spectrogram, sampleRate, { nMels: o.nMels ?? MEL_DEFAULTS.nMels, fMax: o.fMax });
  return {
    sampleRate,
    samples: x.length,
    frames: spectrogram.frames,
    secondsPerFrame: hop / sampleRate,
    mel,
    mfcc: mfccFromMel(mel, { nMfcc: o.nMfcc ?? MFCC_DEFAULTS.nMfcc, keep: o.keep ?? MFCC_DEFAULTS.keep }),
    chroma: chromaFromPower(spectrogram, sampleRate),
    onset: onsetFromMel(mel),
    pitch: pitchTrack(x, sampleRate, { ...o.pitch, hop }),
  };
}
