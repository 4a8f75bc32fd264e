/**
 * Measurements of a decoded file and the import rules built on them, on real decoded files
 * where the rule is about file content and on constructed audio where it is about limits.
 */
import { AppError, type ErrorCode } from '../../../../../src-main/common/errors.js';
import { DEFAULT_MAX_IMPORT_SECONDS, SILENCE_FLOOR_DBFS } from '../../../../../src-main/common/limits.js';
import { analyseAudio, checkImportable } from '../../../../../src-main/services/audio/analysis/measure.js';
import { decodeAudio, type DecodedAudio } from '../../../../../src-main/services/audio/decode.js';
import { encodeWavFixture, silence, sine } from '../../../../fixtures/audio-fixtures.js';

const limits = { maxSeconds: DEFAULT_MAX_IMPORT_SECONDS };

function audioOf(channels: Float32Array[], sampleRate: number): DecodedAudio {
  return { format: 'wav', sampleRate, channels };
}

function refusal(name: string, audio: DecodedAudio, maxSeconds = limits.maxSeconds): AppError {
  try {
    checkImportable(name, audio, analyseAudio(audio), { maxSeconds });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`${name} was accepted`);
}

function expectRefusal(name: string, audio: DecodedAudio, code: ErrorCode, maxSeconds?: number): string {
  const error = refusal(name, audio, maxSeconds);
  expect(error.code).toBe(code);
  expect(error.message.startsWith(`${name}: `)).toBe(true);
  return error.message;
}

describe('analyseAudio', () => {
  it('measures length, sample peak and loudness of a decoded 24-bit stereo file', async () => {
    const rate = 48000;
    const channels = sine(997, 3, rate, 0.5, 2);
    const audio = await decodeAudio(encodeWavFixture(channels, rate, { bits: 24 }), 'tone.wav');
    const analysis = analyseAudio(audio);
    expect(analysis.frames).toBe(3 * rate);
    expect(analysis.durationSeconds).toBe(3);
    expect(analysis.peakDbfs).toBeCloseTo(20 * Math.log10(0.5), 3);
    // A stereo sine at 0 dBFS peak is 0 LUFS; this one is 6.02 dB down.
    expect(Math.abs((analysis.loudnessLufs as number) - 20 * Math.log10(0.5))).toBeLessThan(0.1);
  });

  it('takes the peak over every channel, negative samples included', () => {
    const analysis = analyseAudio(audioOf([Float32Array.of(0.1, -0.2), Float32Array.of(0.05, -0.8)], 8000));
    expect(analysis.peakDbfs).toBeCloseTo(20 * Math.log10(0.8), 5);
    expect(analysis.loudnessLufs).toBeNull(); // shorter than one 400 ms block
  });

  it('reports digital silence as -Infinity dBFS with no loudness', () => {
    const analysis = analyseAudio(audioOf(silence(1, 16000, 2), 16000));
    expect(analysis.peakDbfs).toBe(Number.NEGATIVE_INFINITY);
    expect(analysis.loudnessLufs).toBeNull();
  });

  it('reports NaN samples as a NaN peak rather than a number', () => {
    const channel = sine(440, 1, 8000, 0.5, 1)[0] as Float32Array;
    channel[123] = Number.NaN;
    const analysis = analyseAudio(audioOf([channel], 8000));
    expect(analysis.peakDbfs).toBeNaN();
    expect(analysis.loudnessLufs).toBeNull();
  });
});

describe('checkImportable', () => {
  it('accepts an ordinary take, and one just above the silence floor', () => {
    const take = audioOf(sine(220, 2, 44100, 0.3, 2), 44100);
    expect(() => checkImportable('take.wav', take, analyseAudio(take), limits)).not.toThrow();
    const faint = audioOf(sine(220, 1, 44100, 10 ** ((SILENCE_FLOOR_DBFS + 5) / 20), 1), 44100);
    expect(() => checkImportable('faint.wav', faint, analyseAudio(faint), limits)).not.toThrow();
  });

  it('refuses a file with no frames', () => {
    const message = expectRefusal('none.wav', audioOf([new Float32Array(0)], 44100), 'EMPTY_AUDIO');
    expect(message).toBe('none.wav: the file contains no samples');
  });

  it('refuses digital silence and near silence, naming the peak', () => {
    const silent = expectRefusal('silent.wav', audioOf(silence(2, 44100, 2), 44100), 'SILENT_AUDIO');
    expect(silent).toBe('silent.wav: is silent (peak -inf dBFS)');
    const whisper = audioOf(sine(220, 1, 44100, 10 ** (-100 / 20), 1), 44100);
    expect(expectRefusal('whisper.wav', whisper, 'SILENT_AUDIO')).toBe(
      'whisper.wav: is silent (peak -100.0 dBFS)',
    );
  });

  it('refuses a file longer than the limit, saying how to import it anyway', () => {
    const rate = 8000;
    const long = audioOf(sine(110, 25 * 60, rate, 0.2, 1), rate);
    const message = expectRefusal('long.wav', long, 'TOO_LONG');
    expect(message).toBe(
      'long.wav: is 25:00 long; the limit is 20:00 (set --max-duration to import longer files)',
    );
  });

  it('rounds a duration over the limit up, so the message never reads as equal to the limit', () => {
    const rate = 1000;
    const over = audioOf(sine(50, 60.5, rate, 0.5, 1), rate);
    expect(expectRefusal('over.wav', over, 'TOO_LONG', 60)).toBe(
      'over.wav: is 1:01 long; the limit is 1:00 (set --max-duration to import longer files)',
    );
    const exact = audioOf(sine(50, 60, rate, 0.5, 1), rate);
    expect(() => checkImportable('exact.wav', exact, analyseAudio(exact), { maxSeconds: 60 })).not.toThrow();
  });

  it('refuses NaN samples that reached it without the decoder', () => {
    const channel = sine(440, 1, 8000, 0.5, 1)[0] as Float32Array;
    channel[10] = Number.NaN;
    const message = expectRefusal('nan.wav', audioOf([channel], 8000), 'INVALID_SAMPLES');
    expect(message).toBe('nan.wav: contains NaN or infinite samples');
  });
});
