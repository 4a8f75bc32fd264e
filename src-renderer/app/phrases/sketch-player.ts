/**
 * Plays a preview's notes in the window as a quick sketch (soft triangle tones through Web
 * Audio), because a preview is not stored and so has no rendered audio to fetch: the Sliders
 * panel lets the person hear where the sliders are before keeping anything. A kept take plays
 * through the General MIDI synth like any take. Times come from the phrase's own tempo map.
 */
import type { PartMusic } from '@common/midi.js';
import { beatsAtSeconds, secondsAtBeats } from '@common/tempo-map.js';

export interface SketchPlayback {
  /** Seconds from the first note to the end of the last. */
  readonly seconds: number;
  /** Where playback is, in beats (null once it ended or was stopped). */
  beatsNow(): number | null;
  stop(): void;
}

/** MIDI pitch → frequency in Hz (A4 = 69 = 440 Hz). */
export function frequencyOf(pitch: number): number {
  return 440 * 2 ** ((pitch - 69) / 12);
}

/** Starts playing `music` from `fromBeats` (notes before it are skipped). */
export function playSketch(music: PartMusic, fromBeats: number, onend: () => void): SketchPlayback {
  const context = new AudioContext();
  const start = context.currentTime + 0.05;
  const origin = secondsAtBeats(music.tempoMap, fromBeats);
  const master = context.createGain();
  master.gain.value = 0.18;
  master.connect(context.destination);
  let last = 0;
  for (const note of music.notes) {
    if (note.startBeats < fromBeats) continue;
    const at = secondsAtBeats(music.tempoMap, note.startBeats) - origin;
    const end = secondsAtBeats(music.tempoMap, note.startBeats + note.durationBeats) - origin;
    last = Math.max(last, end);
    const oscillator = context.createOscillator();
    oscillator.type = 'triangle';
    oscillator.frequency.value = frequencyOf(note.pitch);
    const gain = context.createGain();
    const peak = note.velocity / 127;
    gain.gain.setValueAtTime(0, start + at);
    gain.gain.linearRampToValueAtTime(peak, start + at + 0.01);
    gain.gain.setTargetAtTime(0, start + Math.max(at + 0.02, end - 0.03), 0.03);
    oscillator.connect(gain).connect(master);
    oscillator.start(start + at);
    oscillator.stop(start + end + 0.2);
  }
  let stopped = false;
  const finish = (): void => {
    if (stopped) return;
    stopped = true;
    void context.close();
    onend();
  };
  const timer = setTimeout(finish, (last + 0.3) * 1000);
  return {
    seconds: last,
    beatsNow() {
      if (stopped) return null;
      const elapsed = context.currentTime - start;
      if (elapsed < 0) return fromBeats;
      return beatsAtSeconds(music.tempoMap, origin + elapsed);
    },
    stop() {
      clearTimeout(timer);
      finish();
    },
  };
}
