/**
 * One rating item's audio: the same treatment for a generated take, a real excerpt and a catch
 * trial, so nothing but the music itself tells them apart (docs/listening-tests.md, "Matching").
 *
 *  1. Cut `seconds` from the source at `start` (plus up to MARGIN_SECONDS either side, so the
 *     resampler's edge effects fall outside the kept part).
 *  2. Band-limit: resample to the session's band rate (the lowest rate any of its takes was
 *     generated at; a real excerpt loses what the model could never make), or to twice a catch
 *     trial's low-pass frequency; then resample to the file rate (browsers play it; see
 *     MIN_OUTPUT_RATE). libsamplerate's sinc converter is the low-pass.
 *  3. Remove DC (audio/dc-removal.ts, 20 Hz zero-phase high-pass) over the cut and its
 *     margins: generated material carries an offset of its own, real songs another, and the
 *     sign of an item's mean would tell them apart.
 *  4. Keep exactly round(seconds · fileRate) samples; raised-cosine fades of FADE_SECONDS at
 *     both ends.
 *  5. Gain to the target integrated loudness (BS.1770), measured again after the gain and
 *     corrected once (the absolute gate can move by a block).
 *  6. True-peak guard: at most TRUE_PEAK_CEILING_DBTP after the gain (checked again on the
 *     written file). An item that would need more is refused, not turned down: a quieter item
 *     is a tell, and every item must lie within 0.5 LU of the target.
 *  7. Encode with the one item format (16-bit PCM mono: a 44-byte header, `fmt ` and `data`
 *     only, no metadata), so every item of a session has the same byte length, with TPDF
 *     dither from the item's own seed (audio/dither.ts), so two renderings of one excerpt (a
 *     repeat and its original) are different files holding the same audio within 2 LSB;
 *     loudness and true peak are then measured on the decoded file, as a listener will hear it.
 */
import { AppError } from '../../common/errors.js';
import { integratedLoudness } from '../audio/loudness.js';
import { decodeAudio } from '../audio/decode.js';
import { resample } from '../audio/resample.js';
import { encodeWav, type WavFormat } from '../audio/wav.js';
import { applyEdgeFades } from '../audio/level.js';
import { removeDc } from '../audio/dc-removal.js';
import { tpdfDither } from '../audio/dither.js';
import { truePeakDbtp } from './true-peak.js';

export const FADE_SECONDS = 0.05;
export const TRUE_PEAK_CEILING_DBTP = -1;
/** The one format every item file is written in. */
export const ITEM_WAV_FORMAT: WavFormat = { bitDepth: 16 };
/** Catch trials: a real excerpt low-passed here is declared fake (after BS.1534's 3.5 kHz anchor). */
export const CATCH_LOWPASS_HZ = 3500;
const MARGIN_SECONDS = 0.1;
const QUIETEST_SOURCE_LUFS = -60;

/** The rates every item of a session shares. */
export interface ItemRates {
  /** The band limit, Hz: items hold nothing above bandRate / 2. */
  bandRate: number;
  /** The rate of the written files, Hz (≥ bandRate). */
  fileRate: number;
}

export interface ItemSpec {
  rates: ItemRates;
  seconds: number;
  targetLufs: number;
  /** A catch trial's low-pass frequency, Hz, or null. */
  lowpassHz: number | null;
  /** The seed of this rendering's dither (32 bits): each presentation of a session has its own. */
  ditherSeed: number;
}

/** A written-out item: its file bytes and what was measured of them. */
export interface ItemAudio {
  bytes: Uint8Array;
  loudnessLufs: number;
  truePeakDbtp: number;
}

/** Samples an item holds. */
export function itemFrames(seconds: number, fileRate: number): number {
  return Math.round(seconds * fileRate);
}

/** The byte length of every item file of a session. */
export function itemByteLength(seconds: number, fileRate: number): number {
  return 44 + 2 * itemFrames(seconds, fileRate);
}

/**
 * Makes one item from mono `source` at `sourceRate`, cut at `start` seconds. Throws AppError
 * INVALID_INPUT with a reason fragment ("is silent", "is shorter than …", "would peak at …")
 * that the caller prefixes with the item's name.
 */
export async function makeItemAudio(source: Float32Array, sourceRate: number, start: number, spec: ItemSpec): Promise<ItemAudio> {
  const { rates, seconds } = spec;
  const first = Math.max(0, Math.round((start - MARGIN_SECONDS) * sourceRate));
  const last = Math.min(source.length, Math.round((start + seconds + MARGIN_SECONDS) * sourceRate));
  if (start < 0 || Math.round((start + seconds) * sourceRate) > source.length + 1) {
    throw new AppError('INVALID_INPUT', `is shorter than ${seconds} s`);
  }
  const limitRate = spec.lowpassHz === null ? rates.bandRate : Math.min(rates.bandRate, Math.round(2 * spec.lowpassHz));
  let signal = source.subarray(first, last);
  let rate = sourceRate;
  if (rate > limitRate) {
    signal = await resample(signal, rate, limitRate);
    rate = limitRate;
  }
  signal = removeDc(await resample(signal, rate, rates.fileRate), rates.fileRate);

  const frames = itemFrames(seconds, rates.fileRate);
  const offset = Math.round((start - first / sourceRate) * rates.fileRate);
  const item = new Float32Array(frames);
  item.set(signal.subarray(offset, offset + frames));
  applyEdgeFades(item, rates.fileRate, FADE_SECONDS);

  const matched = matchLoudness(item, rates.fileRate, spec.targetLufs);
  guardTruePeak(truePeakDbtp(matched), spec.targetLufs);
  const bytes = encodeWav({ sampleRate: rates.fileRate, channels: [matched] }, ITEM_WAV_FORMAT, tpdfDither(spec.ditherSeed));
  const written = (await decodeAudio(bytes, 'a rating item')).channels[0]!;
  const loudness = integratedLoudness([written], rates.fileRate);
  if (loudness === null) throw new AppError('INVALID_INPUT', 'is silent');
  // Again on the file: rounding and dither can lift a peak by up to 1.5 LSB.
  const writtenPeak = truePeakDbtp(written);
  guardTruePeak(writtenPeak, spec.targetLufs);
  return { bytes, loudnessLufs: loudness, truePeakDbtp: writtenPeak };
}

function guardTruePeak(peakDbtp: number, targetLufs: number): void {
  if (peakDbtp > TRUE_PEAK_CEILING_DBTP) {
    throw new AppError(
      'INVALID_INPUT',
      `would peak at ${peakDbtp.toFixed(1)} dBTP at ${targetLufs} LUFS (the limit is ${TRUE_PEAK_CEILING_DBTP} dBTP; try a lower loudness target)`,
    );
  }
}

/** `samples` times the gain that brings its integrated loudness to `target`, measured twice. */
function matchLoudness(samples: Float32Array, rate: number, target: number): Float32Array {
  const out = new Float32Array(samples.length);
  let gain = 1;
  let loudness = integratedLoudness([samples], rate);
  if (loudness === null) throw new AppError('INVALID_INPUT', 'is silent');
  // Raising a near-silent excerpt to the target would make its noise floor the music.
  if (loudness < QUIETEST_SOURCE_LUFS) throw new AppError('INVALID_INPUT', `is nearly silent (${loudness.toFixed(0)} LUFS)`);
  for (let round = 0; round < 2; round++) {
    gain *= 10 ** ((target - loudness) / 20);
    for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * gain;
    loudness = integratedLoudness([out], rate);
    if (loudness === null) throw new AppError('INVALID_INPUT', 'is silent');
  }
  return out;
}
