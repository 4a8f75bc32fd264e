/**
 * A song with a known musical time, rendered from sines and clicks for tests of what the
 * library, CLI and GUI do with tempo, bars and key: 96 BPM in 4/4 (a bar is 2.5 s), bar 1 at
 * `downbeat` seconds, an accented click on every beat (the bar's first one louder), and A minor
 * chords a bar each (Am – F – Dm – E, the dominant with the raised leading tone) with their root
 * an octave down; a quiet seeded noise floor under it all. Mono.
 */
import { encodeWav } from '../../src-main/services/audio/wav.js';
import { mulberry32 } from '../fixtures/audio-fixtures.js';

export const SONG_BPM = 96;
export const SONG_BAR_SECONDS = (4 * 60) / SONG_BPM;

const CHORDS = [
  [57, 60, 64],
  [53, 57, 60],
  [50, 53, 57],
  [52, 56, 59],
];

const hz = (midi: number): number => 440 * 2 ** ((midi - 69) / 12);

export function aMinorAt96(options: { seconds: number; sampleRate: number; downbeat?: number }): Float32Array {
  const { seconds, sampleRate } = options;
  const downbeat = options.downbeat ?? 0.5;
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const random = mulberry32(21);
  for (let i = 0; i < out.length; i++) out[i] = 0.002 * (random() * 2 - 1);
  const beat = 60 / SONG_BPM;
  // Clicks from the first beat at or after 0 s, counting the bar from the downbeat.
  const firstBeat = -Math.floor(downbeat / beat);
  for (let index = firstBeat; ; index++) {
    const start = Math.round((downbeat + index * beat) * sampleRate);
    if (start >= out.length) break;
    const gain = ((index % 4) + 4) % 4 === 0 ? 0.6 : 0.25;
    for (let i = 0; i < 0.01 * sampleRate && start + i < out.length; i++) {
      const t = i / sampleRate;
      out[start + i]! += gain * Math.exp(-t / 0.002) * Math.sin(2 * Math.PI * 1000 * t);
    }
  }
  // A chord a bar from bar 1.
  const barFrames = SONG_BAR_SECONDS * sampleRate;
  for (let bar = 0; ; bar++) {
    const start = Math.round(downbeat * sampleRate + bar * barFrames);
    if (start >= out.length) break;
    const chord = CHORDS[bar % CHORDS.length]!;
    const notes = [chord[0]! - 12, ...chord];
    const frames = Math.min(Math.round(barFrames), out.length - start);
    for (let t = 0; t < frames; t++) {
      const ramp = Math.min(1, t / (0.02 * sampleRate), (barFrames - t) / (0.05 * sampleRate));
      let sum = 0;
      for (const note of notes) sum += Math.sin((2 * Math.PI * hz(note) * t) / sampleRate);
      out[start + t]! += (0.12 * ramp * sum) / notes.length;
    }
  }
  return out;
}

/** {@link aMinorAt96} as a 16-bit mono WAV. */
export function aMinorAt96Wav(options: Parameters<typeof aMinorAt96>[0]): Uint8Array {
  return encodeWav({ sampleRate: options.sampleRate, channels: [aMinorAt96(options)] }, { bitDepth: 16 });
}
