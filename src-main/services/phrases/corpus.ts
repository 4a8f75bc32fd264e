/**
 * A seeded test corpus for the phrase models: a few hundred bars of MIDI parts written from
 * chord progressions (I–V–vi–IV, ii–V–I, i–VI–III–VII, the 12-bar blues) in every key and in
 * 4/4, 3/4 and 6/8, played in four styles (block chords, arpeggios, a melody over the chords,
 * a bass line). The same seed gives the same corpus, byte for byte.
 *
 * Why it is a fair test of `continue` against the order-3 Markov chain:
 * - Short-range structure a Markov chain can learn: within a bar, each piece repeats one
 *   rhythm motif and one voicing shape, so the next token after three is often determined
 *   (an arpeggio's next chord tone, the shift after a note).
 * - Longer-range structure it can only partly learn: which chord comes next depends on the
 *   progression and the bar number, and the pitches of a whole bar depend on the chord and
 *   key chosen bars earlier. Three tokens (about a beat) cannot see that; a recurrent model
 *   that tracks the bar markers, the key and the progression can.
 * - Nothing is memorisable: keys, tempos, rhythms and melodic choices are drawn per piece,
 *   and held-out pieces (phrases.ts splits by piece) are other draws of the same grammar.
 *
 * Every note lies on the 1/12-beat grid and every velocity is one of tokens.ts's bin levels,
 * so the corpus round-trips through the tokens exactly.
 */
import type { MeterPoint, PartMusic, PartNote } from '../../common/midi.js';
import { keyName } from '../../common/musical-time.js';
import { randomIndex, seededRandom } from '../../node/seeded-random.js';
import { STEPS_PER_BEAT, VELOCITY_LEVELS } from './tokens.js';

export const CORPUS_STYLES = ['block', 'arpeggio', 'melody', 'bass'] as const;
export type CorpusStyle = (typeof CORPUS_STYLES)[number];

type Quality = 'maj' | 'min' | 'dom7' | 'min7' | 'maj7';
const CHORD_TONES: Record<Quality, readonly number[]> = {
  maj: [0, 4, 7],
  min: [0, 3, 7],
  dom7: [0, 4, 7, 10],
  min7: [0, 3, 7, 10],
  maj7: [0, 4, 7, 11],
};

interface Progression {
  name: string;
  mode: 'major' | 'minor';
  /** One chord a bar: root in semitones above the tonic, and quality. */
  bars: readonly (readonly [number, Quality])[];
}

export const PROGRESSIONS: readonly Progression[] = [
  { name: 'I–V–vi–IV', mode: 'major', bars: [[0, 'maj'], [7, 'maj'], [9, 'min'], [5, 'maj']] },
  { name: 'ii–V–I', mode: 'major', bars: [[2, 'min7'], [7, 'dom7'], [0, 'maj7'], [0, 'maj7']] },
  { name: 'i–VI–III–VII', mode: 'minor', bars: [[0, 'min'], [8, 'maj'], [3, 'maj'], [10, 'maj']] },
  {
    name: '12-bar blues',
    mode: 'major',
    bars: [[0, 'dom7'], [0, 'dom7'], [0, 'dom7'], [0, 'dom7'], [5, 'dom7'], [5, 'dom7'], [0, 'dom7'], [0, 'dom7'], [7, 'dom7'], [5, 'dom7'], [0, 'dom7'], [7, 'dom7']],
  },
];

/** Scales for passing notes, in semitones above the tonic (the blues walks in mixolydian). */
const SCALES: Record<'major' | 'minor' | 'blues', readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  blues: [0, 2, 4, 5, 7, 9, 10],
};

export const CORPUS_METERS: readonly MeterPoint['timeSignature'][] = [
  { numerator: 4, denominator: 4 },
  { numerator: 3, denominator: 4 },
  { numerator: 6, denominator: 8 },
];

type Meter = '4/4' | '3/4' | '6/8';
/** Bar lengths in grid steps. */
const BAR_STEPS: Record<Meter, number> = { '4/4': 48, '3/4': 36, '6/8': 36 };

/**
 * Rhythms per style and meter, as note lengths in steps filling one bar (12 = a quarter note;
 * 6/8's pulse is the dotted quarter, 18). A piece draws one and keeps it, as a song does.
 */
const RHYTHMS: Record<'block' | 'melody', Record<Meter, readonly (readonly number[])[]>> = {
  block: {
    '4/4': [[48], [24, 24], [12, 12, 12, 12], [18, 18, 12]],
    '3/4': [[36], [12, 12, 12], [24, 12]],
    '6/8': [[18, 18], [36], [12, 6, 12, 6]],
  },
  melody: {
    '4/4': [[12, 12, 6, 6, 12], [18, 6, 12, 12], [12, 6, 6, 24], [6, 6, 6, 6, 12, 12], [8, 8, 8, 12, 12]],
    '3/4': [[12, 12, 12], [24, 6, 6], [18, 6, 12], [6, 6, 12, 12]],
    '6/8': [[12, 6, 12, 6], [18, 6, 6, 6], [6, 6, 6, 18], [18, 18]],
  },
};

/** Arpeggio steps per meter: straight eighths, or triplet eighths in 4/4 (4 steps, on the same grid). */
const ARPEGGIO_STEPS: Record<Meter, readonly number[]> = { '4/4': [6, 4], '3/4': [6], '6/8': [6] };

export interface CorpusPiece {
  /** Unique within the corpus; phrases.ts splits training and held-out data by it. */
  name: string;
  style: CorpusStyle;
  progression: string;
  key: string;
  timeSignature: MeterPoint['timeSignature'];
  bars: number;
  music: PartMusic;
}

export interface CorpusOptions {
  /** Decimal seed < 2^64 (node/seeded-random.ts). */
  seed: string;
  /** Number of pieces; the default 36 makes about 400 bars. */
  pieces?: number;
}

const ACCENT = VELOCITY_LEVELS[6]!; // 104: the downbeat
const NORMAL = VELOCITY_LEVELS[5]!; // 88
const SOFT = VELOCITY_LEVELS[4]!; // 72: inner notes of a chord, passing notes

const GM_PROGRAM: Record<CorpusStyle, number> = { block: 0, arpeggio: 24, melody: 73, bass: 33 };

/** The corpus for a seed: styles and progressions in turn, key, meter, tempo and rhythms drawn. */
export function generateCorpus(options: CorpusOptions): CorpusPiece[] {
  const count = options.pieces ?? 36;
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new Error(`A corpus has 1..10000 pieces (got ${count}).`);
  const random = seededRandom(options.seed, 'phrase-corpus');
  const pieces: CorpusPiece[] = [];
  for (let index = 0; index < count; index++) {
    const style = CORPUS_STYLES[index % CORPUS_STYLES.length]!;
    const progression = PROGRESSIONS[Math.floor(index / CORPUS_STYLES.length) % PROGRESSIONS.length]!;
    const tonic = randomIndex(random, 12);
    const timeSignature = CORPUS_METERS[randomIndex(random, CORPUS_METERS.length)]!;
    const meter = `${timeSignature.numerator}/${timeSignature.denominator}` as Meter;
    const repeats = progression.bars.length >= 12 ? 1 : 2 + 2 * randomIndex(random, 2);
    const chords = Array.from({ length: repeats }, () => progression.bars).flat();
    const bpm = 70 + 5 * randomIndex(random, 15);
    const notes = writePart(style, chords, tonic, progression, meter, random);
    const key = keyName(tonic, progression.mode);
    pieces.push({
      name: `${String(index + 1).padStart(3, '0')} ${style} ${progression.name} in ${key}, ${meter}`,
      style,
      progression: progression.name,
      key,
      timeSignature,
      bars: chords.length,
      music: {
        program: GM_PROGRAM[style],
        channel: 0,
        notes,
        bends: [],
        tempoMap: [{ beats: 0, bpm }],
        meterMap: [{ beats: 0, timeSignature }],
      },
    });
  }
  return pieces;
}

type Chord = readonly [number, Quality];

function writePart(style: CorpusStyle, chords: readonly Chord[], tonic: number, progression: Progression, meter: Meter, random: () => number): PartNote[] {
  const barSteps = BAR_STEPS[meter];
  const notes: PartNote[] = [];
  const add = (step: number, steps: number, pitch: number, velocity: number): void => {
    notes.push({ pitch, startBeats: step / STEPS_PER_BEAT, durationBeats: steps / STEPS_PER_BEAT, velocity });
  };
  const pitchClasses = (chord: Chord): number[] => CHORD_TONES[chord[1]].map((interval) => (tonic + chord[0] + interval) % 12);
  if (style === 'block') {
    const rhythm = pick(RHYTHMS.block[meter], random);
    chords.forEach((chord, bar) => {
      // Close position in G3..F#4: each chord tone in that octave, so chords move by small steps.
      const voicing = pitchClasses(chord).map((pc) => 55 + ((pc - 7 + 12) % 12));
      const bass = 36 + ((tonic + chord[0]) % 12);
      let at = bar * barSteps;
      rhythm.forEach((steps, i) => {
        if (i === 0) add(at, barSteps, bass, ACCENT);
        for (const pitch of voicing) add(at, steps, pitch, i === 0 ? ACCENT : NORMAL);
        at += steps;
      });
    });
  } else if (style === 'arpeggio') {
    const step = pick(ARPEGGIO_STEPS[meter], random);
    const upDown = random() < 0.5;
    chords.forEach((chord, bar) => {
      const root = 48 + ((tonic + chord[0]) % 12);
      const tones = [...CHORD_TONES[chord[1]].map((interval) => root + interval), root + 12];
      const order = upDown ? [...tones, ...tones.slice(1, -1).reverse()] : tones;
      for (let i = 0; i * step < barSteps; i++) {
        add(bar * barSteps + i * step, step, order[i % order.length]!, i === 0 ? ACCENT : SOFT);
      }
    });
  } else if (style === 'bass') {
    const walking = meter === '4/4' && random() < 0.5;
    chords.forEach((chord, bar) => {
      const root = 36 + ((tonic + chord[0]) % 12);
      const fifth = root + 7;
      const next = chords[bar + 1] ?? chords[0]!;
      const nextRoot = 36 + ((tonic + next[0]) % 12);
      const at = bar * barSteps;
      if (meter === '6/8') {
        add(at, 18, root, ACCENT);
        add(at + 18, 18, fifth, NORMAL);
      } else if (meter === '3/4') {
        add(at, 12, root, ACCENT);
        add(at + 12, 12, fifth, NORMAL);
        add(at + 24, 12, fifth, NORMAL);
      } else if (walking) {
        // Root, third, fifth, then a chromatic approach to the next bar's root.
        const third = root + CHORD_TONES[chord[1]][1]!;
        const approach = nextRoot + (nextRoot > root ? -1 : 1);
        [root, third, fifth, approach].forEach((pitch, i) => add(at + 12 * i, 12, pitch, i === 0 ? ACCENT : NORMAL));
      } else {
        add(at, 24, root, ACCENT);
        add(at + 24, 24, fifth, NORMAL);
      }
    });
  } else {
    const rhythm = pick(RHYTHMS.melody[meter], random);
    const scale = progression.name === '12-bar blues' ? SCALES.blues : SCALES[progression.mode];
    const inKey = (pitch: number): boolean => scale.includes((((pitch - tonic) % 12) + 12) % 12);
    let previous = 67 + randomIndex(random, 6);
    chords.forEach((chord, bar) => {
      const tones = pitchClasses(chord);
      const nextTones = pitchClasses(chords[bar + 1] ?? chords[0]!);
      // The downbeat is a chord tone near the last note; the line then walks by scale steps
      // (passing notes) towards a chord tone of the next bar, as a simple tune does.
      let pitch = nearestTone(previous, tones, random);
      const target = nearestTone(pitch + (random() < 0.5 ? 4 : -4), nextTones, random);
      let at = bar * barSteps;
      rhythm.forEach((steps, i) => {
        add(at, steps, pitch, i === 0 ? ACCENT : i === rhythm.length - 1 ? SOFT : NORMAL);
        at += steps;
        const direction = Math.sign(target - pitch) || (random() < 0.5 ? 1 : -1);
        let step = pitch + direction;
        while (!inKey(step)) step += direction;
        pitch = step;
      });
      previous = pitch;
    });
  }
  return notes.sort((a, b) => a.startBeats - b.startBeats || a.pitch - b.pitch);
}

/** The pitch of a chord tone (pitch classes) nearest `pitch`, kept in C4..C6; ties drawn. */
function nearestTone(pitch: number, pitchClasses: readonly number[], random: () => number): number {
  const centre = Math.min(84, Math.max(60, pitch));
  let best: number[] = [];
  let bestDistance = Infinity;
  for (let candidate = 60; candidate <= 84; candidate++) {
    if (!pitchClasses.includes(candidate % 12)) continue;
    const distance = Math.abs(candidate - centre);
    if (distance < bestDistance) [best, bestDistance] = [[candidate], distance];
    else if (distance === bestDistance) best.push(candidate);
  }
  return best[randomIndex(random, best.length)]!;
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[randomIndex(random, values.length)]!;
}
