/**
 * What the transcription bench and its unit test listen to: a written phrase — a melody over
 * chords, 4/4 at 100 BPM, in C major — as a part's music, rendered with the product's own
 * SoundFont synth (services/synth), so every note's pitch and onset is known; and the note
 * onset scores mir_eval computes (`mir_eval.transcription.precision_recall_f1_overlap` with
 * `offset_ratio=None`): an estimated note matches a reference note of the same pitch whose
 * onset is within 50 ms, each note matched at most once.
 */
import type { PartMusic, PartNote } from '../../../src-main/common/midi.js';
import { secondsAtBeats } from '../../../src-main/common/tempo-map.js';
import { renderMusic } from '../../../src-main/services/synth/render-music.js';

export const PHRASE_TEMPO = 100;

/** Melody: [pitch, beats] per note, eighths and quarters, 4 bars, repeated for longer phrases. */
const MELODY: [number, number][] = [
  [72, 1], [74, 0.5], [76, 0.5], [79, 1], [77, 1],
  [76, 1], [74, 1], [72, 0.5], [71, 0.5], [72, 1],
  [69, 1], [72, 1], [77, 0.5], [76, 0.5], [74, 1],
  [71, 1], [74, 1], [79, 1], [76, 1],
];
/** One chord per bar (C, Am, F, G), as half notes. */
const CHORDS: number[][] = [
  [48, 55, 64],
  [45, 52, 60],
  [41, 48, 57],
  [43, 50, 59],
];

/** The phrase's notes, `bars` bars long (melody velocity 96, chords 72). */
export function phraseNotes(bars: number): { melody: PartNote[]; chords: PartNote[] } {
  const melody: PartNote[] = [];
  const total = bars * 4;
  for (let beats = 0, i = 0; beats < total - 1e-9; i++) {
    const [pitch, length] = MELODY[i % MELODY.length]!;
    const duration = Math.min(length, total - beats);
    melody.push({ pitch, startBeats: beats, durationBeats: duration * 0.9, velocity: 96 });
    beats += length;
  }
  const chords: PartNote[] = [];
  for (let bar = 0; bar < bars; bar++) {
    for (const half of [0, 2]) {
      for (const pitch of CHORDS[bar % CHORDS.length]!) {
        chords.push({ pitch, startBeats: bar * 4 + half, durationBeats: 1.9, velocity: 72 });
      }
    }
  }
  return { melody, chords };
}

export function musicOf(notes: PartNote[], program: number): PartMusic {
  return {
    program,
    channel: 0,
    notes,
    bends: [],
    tempoMap: [{ beats: 0, bpm: PHRASE_TEMPO }],
    meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
  };
}

/** A note as the scores compare them: pitch and onset in seconds. */
export interface OnsetNote {
  pitch: number;
  onset: number;
}

export interface RenderedPhrase {
  /** Mono samples at `sampleRate`, the phrase's bar 1 at sample 0. */
  audio: Float32Array;
  sampleRate: number;
  reference: OnsetNote[];
}

/**
 * The phrase rendered at `sampleRate`: the melody with `melodyProgram`, the chords with
 * `chordProgram` (General MIDI), mixed to mono.
 */
export function renderPhrase(bars: number, melodyProgram: number, chordProgram: number, sampleRate: number): RenderedPhrase {
  const { melody, chords } = phraseNotes(bars);
  const toBeats = bars * 4;
  const parts = [musicOf(melody, melodyProgram), musicOf(chords, chordProgram)];
  const rendered = parts.map((music) => renderMusic(music, { sampleRate, fromBeats: 0, toBeats, tailSeconds: 0.5 }));
  const length = Math.max(...rendered.map((r) => r.channels[0].length));
  const audio = new Float32Array(length);
  for (const { channels } of rendered) {
    for (let i = 0; i < channels[0].length; i++) audio[i]! += (channels[0][i]! + channels[1][i]!) / 2;
  }
  const tempoMap = parts[0]!.tempoMap;
  const reference = [...melody, ...chords].map((note) => ({ pitch: note.pitch, onset: secondsAtBeats(tempoMap, note.startBeats) }));
  return { audio, sampleRate, reference };
}

export interface OnsetScores {
  precision: number;
  recall: number;
  f1: number;
  matched: number;
  reference: number;
  estimated: number;
}

/**
 * Note onset precision, recall and F1 (mir_eval-style, see the module comment). Matching is per
 * pitch on onsets sorted in time: with a symmetric tolerance the greedy pairing of the earliest
 * unmatched notes is a maximum one-to-one matching, as mir_eval's bipartite matching finds.
 */
export function onsetScores(reference: readonly OnsetNote[], estimated: readonly OnsetNote[], toleranceSeconds = 0.05): OnsetScores {
  const byPitch = (notes: readonly OnsetNote[]) => {
    const map = new Map<number, number[]>();
    for (const note of notes) map.set(note.pitch, [...(map.get(note.pitch) ?? []), note.onset]);
    for (const list of map.values()) list.sort((a, b) => a - b);
    return map;
  };
  const refs = byPitch(reference);
  const ests = byPitch(estimated);
  let matched = 0;
  for (const [pitch, refOnsets] of refs) {
    const estOnsets = ests.get(pitch) ?? [];
    let i = 0;
    let j = 0;
    while (i < refOnsets.length && j < estOnsets.length) {
      const difference = estOnsets[j]! - refOnsets[i]!;
      if (Math.abs(difference) <= toleranceSeconds + 1e-9) {
        matched++;
        i++;
        j++;
      } else if (difference < 0) j++;
      else i++;
    }
  }
  const precision = estimated.length === 0 ? 0 : matched / estimated.length;
  const recall = reference.length === 0 ? 0 : matched / reference.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, matched, reference: reference.length, estimated: estimated.length };
}
