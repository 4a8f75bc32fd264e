/**
 * The quality harness's measures of a set of takes against the clip they were learned from.
 * Every take is first brought to the clip's integrated loudness (BS.1770), as a listening session
 * does, so no measure below rewards or punishes a level that a fader fixes. All audio is mono at
 * MEASURE_RATE (the paper's takes are 16 kHz; ours are resampled to it), and the clip is the
 * full-band clip: a model that never learned the top octaves is measured against what it missed.
 *
 * Per take (lower is better for each):
 *  - mfccKl, mfccFrechet, spectralDistanceDb, pitch entropy difference: the project's metrics
 *    (`eureka metrics`, src-main/services/metrics/measure): how far the take's overall timbre
 *    (MFCC distribution), band levels and their movement (log-mel at three resolutions), and
 *    pitch variety are from the clip's. Heard as "a different sound", "a different mix", "fewer
 *    or more notes".
 *  - spreadRatio: the take's MFCC Fréchet distance to the clip divided by the distance between
 *    the clip's first and second halves — how far the take strays measured in units of how much
 *    the clip itself varies. About 1 or less: the take is as close to the clip as the clip is to
 *    itself; well above 1: a listener hears another instrument or another mix.
 *  - bandDeltaDb: per octave band (62.5 Hz … 8 kHz, OCTAVE_BANDS) the take's long-term energy
 *    minus the clip's, dB. A muffled take reads far below 0 in the top bands (and, after the
 *    loudness match, a little above 0 in the low ones); hiss reads above 0 at the top.
 *  - copiedSeconds: the longest stretch reproducing the clip (the project's copy detection).
 *    Heard as "it is just playing the clip back".
 *  - dropouts and joins: see level-events.ts.
 * Per set: the detector's AUC (detector.ts) over all takes together.
 */
import { detectorAuc, type DetectorResult } from './detector.js';
import { dropouts, eventReference, joins, type LevelEvent } from './level-events.js';
import { integratedLoudness, measureTakeAgainst, mfccFrechet, prepareReference, stft, summarise } from './project-audio.js';

/** The rate every signal is measured at (the paper's takes are 16 kHz). */
export const MEASURE_RATE = 16_000;

/** Octave bands [low, high) Hz, 62.5 Hz to 8 kHz. */
export const OCTAVE_BANDS: readonly (readonly [number, number])[] = Array.from({ length: 7 }, (_, k) => [62.5 * 2 ** k, 62.5 * 2 ** (k + 1)] as const);

/** The copy limit the metrics flag a near-copy at; the harness reports the length, not the flag. */
const COPY_LIMIT_SECONDS = 4;
const BAND_FFT = 4096;
const BAND_FLOOR = 1e-20;

/** Mono audio at a rate. */
export interface Audio {
  samples: Float32Array;
  sampleRate: number;
}

export interface TakeFigures {
  name: string;
  seconds: number;
  mfccKl: number;
  mfccFrechet: number;
  spectralDistanceDb: number;
  /** The take's pitch entropy minus the clip's, bits. */
  pitchEntropyDeltaBits: number;
  spreadRatio: number;
  bandDeltaDb: number[];
  copiedSeconds: number;
  dropouts: LevelEvent[];
  joins: LevelEvent[];
}

/** The figures of one set of takes against one clip. */
export interface SetFigures {
  name: string;
  clipSeconds: number;
  /** MFCC Fréchet distance between the clip's halves (the unit of spreadRatio). */
  clipHalfDistance: number;
  detector: DetectorResult;
  takes: TakeFigures[];
  summary: SetSummary;
}

/** One number per measure for a set: what the tables show. Lower is better for every one. */
export interface SetSummary {
  /** The detector's cross-validated ROC AUC (0.5: indistinguishable). */
  auc: number;
  /** Means over the takes. */
  mfccKl: number;
  mfccFrechet: number;
  spectralDistanceDb: number;
  /** Mean |pitch entropy difference|, bits. */
  pitchEntropyGapBits: number;
  /** Median over the takes. */
  spreadRatio: number;
  /** Per band, the mean of the takes' differences, dB (signed). */
  bandDeltaDb: number[];
  /** The largest |band difference|, dB. */
  worstBandDb: number;
  /** The longest copied stretch of any take, seconds. */
  copiedSeconds: number;
  /** Events per minute of takes. */
  dropoutsPerMinute: number;
  joinsPerMinute: number;
}

/** The summary fields the tables list, in order, with their headings (no '|': they go in markdown tables). */
export const SUMMARY_MEASURES: readonly { key: Exclude<keyof SetSummary, 'bandDeltaDb'>; heading: string; digits: number }[] = [
  { key: 'auc', heading: 'detector AUC', digits: 2 },
  { key: 'mfccKl', heading: 'MFCC KL', digits: 1 },
  { key: 'mfccFrechet', heading: 'MFCC Fréchet', digits: 1 },
  { key: 'spectralDistanceDb', heading: 'spectral dist. dB', digits: 1 },
  { key: 'pitchEntropyGapBits', heading: 'pitch-entropy gap bits', digits: 2 },
  { key: 'spreadRatio', heading: 'MFCC spread ratio', digits: 2 },
  { key: 'worstBandDb', heading: 'worst octave gap dB', digits: 1 },
  { key: 'copiedSeconds', heading: 'longest copy s', digits: 1 },
  { key: 'dropoutsPerMinute', heading: 'dropouts /min', digits: 2 },
  { key: 'joinsPerMinute', heading: 'joins /min', digits: 2 },
];

/** `samples` scaled to `targetLufs` (unchanged when either loudness is unmeasurable). */
export function matchLoudness(samples: Float32Array, sampleRate: number, targetLufs: number | null): Float32Array {
  const measured = integratedLoudness([samples], sampleRate);
  if (targetLufs === null || measured === null) return samples;
  const gain = 10 ** ((targetLufs - measured) / 20);
  return samples.map((value) => value * gain);
}

/** Long-term energy per octave band, dB (unscaled power: only differences mean anything). */
export function octaveBandDb(samples: Float32Array, sampleRate: number): number[] {
  const spectrum = stft(samples, { nFft: BAND_FFT, hop: BAND_FFT / 2 });
  const mean = new Float64Array(spectrum.bins);
  for (let t = 0; t < spectrum.frames; t++) {
    for (let k = 0; k < spectrum.bins; k++) mean[k]! += spectrum.power[t * spectrum.bins + k]! / spectrum.frames;
  }
  return OCTAVE_BANDS.map(([low, high], band) => {
    let sum = 0;
    for (let k = 0; k < spectrum.bins; k++) {
      const hz = (k * sampleRate) / BAND_FFT;
      // The top band keeps the Nyquist bin.
      if (hz >= low && (hz < high || (band === OCTAVE_BANDS.length - 1 && hz <= high))) sum += mean[k]!;
    }
    return 10 * Math.log10(sum + BAND_FLOOR);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function check(audio: Audio, what: string): void {
  if (audio.sampleRate !== MEASURE_RATE) throw new Error(`${what} is at ${audio.sampleRate} Hz; the harness measures at ${MEASURE_RATE} Hz`);
}

/** Every measure of `takes` (named) against `clip`, all mono at MEASURE_RATE. */
export function measureSet(name: string, clip: Audio, takes: { name: string; audio: Audio }[]): SetFigures {
  check(clip, `the clip of ${name}`);
  if (takes.length === 0) throw new Error(`${name}: no takes to measure`);
  const rate = MEASURE_RATE;
  const clipLoudness = integratedLoudness([clip.samples], rate);
  const leveled = takes.map((take) => {
    check(take.audio, `take ${take.name} of ${name}`);
    return { name: take.name, samples: matchLoudness(take.audio.samples, rate, clipLoudness) };
  });
  const reference = prepareReference(clip, null);
  const half = clip.samples.length >> 1;
  const clipHalfDistance = mfccFrechet(summarise(clip.samples.subarray(0, half), rate), summarise(clip.samples.subarray(half), rate));
  const clipBands = octaveBandDb(clip.samples, rate);
  const events = eventReference(clip.samples, rate);
  const figures = leveled.map((take, index): TakeFigures => {
    const { metrics } = measureTakeAgainst(reference, {
      takeId: index + 1,
      modelId: 1,
      take: { samples: take.samples, sampleRate: rate },
      weights: { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: COPY_LIMIT_SECONDS },
    });
    const bands = octaveBandDb(take.samples, rate);
    return {
      name: take.name,
      seconds: take.samples.length / rate,
      mfccKl: metrics.vsSource.mfccKl,
      mfccFrechet: metrics.vsSource.mfccFrechet,
      spectralDistanceDb: metrics.vsSource.spectralDistance,
      pitchEntropyDeltaBits: metrics.vsSource.pitchEntropyDelta,
      spreadRatio: metrics.vsSource.mfccFrechet / Math.max(clipHalfDistance, 1e-9),
      bandDeltaDb: bands.map((db, band) => db - clipBands[band]!),
      copiedSeconds: metrics.copy.longestSeconds,
      dropouts: dropouts(take.samples, rate, events),
      joins: joins(take.samples, rate, events),
    };
  });
  const detector = detectorAuc(
    clip.samples,
    leveled.map((take) => take.samples),
    rate,
  );
  const minutes = figures.reduce((sum, take) => sum + take.seconds, 0) / 60;
  const bandDeltaDb = OCTAVE_BANDS.map((_, band) => mean(figures.map((take) => take.bandDeltaDb[band]!)));
  return {
    name,
    clipSeconds: clip.samples.length / rate,
    clipHalfDistance,
    detector,
    takes: figures,
    summary: {
      auc: detector.auc,
      mfccKl: mean(figures.map((take) => take.mfccKl)),
      mfccFrechet: mean(figures.map((take) => take.mfccFrechet)),
      spectralDistanceDb: mean(figures.map((take) => take.spectralDistanceDb)),
      pitchEntropyGapBits: mean(figures.map((take) => Math.abs(take.pitchEntropyDeltaBits))),
      spreadRatio: median(figures.map((take) => take.spreadRatio)),
      bandDeltaDb,
      worstBandDb: Math.max(...bandDeltaDb.map(Math.abs)),
      copiedSeconds: Math.max(...figures.map((take) => take.copiedSeconds)),
      dropoutsPerMinute: figures.reduce((sum, take) => sum + take.dropouts.length, 0) / minutes,
      joinsPerMinute: figures.reduce((sum, take) => sum + take.joins.length, 0) / minutes,
    },
  };
}
