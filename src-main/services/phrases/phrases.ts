/**
 * Fixed-length phrases for the phrase models: a part cut into runs of N whole bars (2..16) of
 * its meter map, and phrases split into training and held-out sets by where they came from.
 *
 * A phrase that would cross a meter change is skipped, not cut short: the VAE decodes a fixed
 * number of bars, and N bars of one meter are a fixed number of grid steps with bar lines
 * evenly spaced, which a phrase of 3 bars of 4/4 and 1 of 6/8 is not. Cutting restarts at the
 * meter change, so the bars after it still make phrases. Windows do not overlap: overlapping
 * phrases would put near-copies of the same bars in training, and the copy check would find
 * the training data in itself.
 *
 * The split is by source (a part, a corpus piece): every phrase of a source goes to the same
 * side, so a held-out phrase never shares bars, or the bars around it, with a training one and
 * held-out scores measure music the model has not heard. Sources are ranked by a seeded hash
 * of their names, so the split is the same for the same seed whatever order they come in, and
 * adding a source does not move the others.
 */
import type { MeterPoint, PartMusic, PartNote } from '../../common/midi.js';
import { barAtBeats, beatsPerBarOf } from '../../common/tempo-map.js';
import { seededRandom } from '../../node/seeded-random.js';
import { encode } from './tokens.js';

export const MIN_PHRASE_BARS = 2;
export const MAX_PHRASE_BARS = 16;

export interface Phrase {
  /** The part or piece it was cut from (the split's unit). */
  source: string;
  /** 1-based bar of the source where it starts. */
  startBar: number;
  bars: number;
  /** Where it lies in the source, beats: [fromBeats, toBeats). */
  fromBeats: number;
  toBeats: number;
  timeSignature: MeterPoint['timeSignature'];
  /** The notes that start in it, shifted so it starts at beat 0, cut at its end. */
  notes: PartNote[];
}

/** N-bar phrases of a part, in order; those without a note are left out. */
export function cutPhrases(music: Pick<PartMusic, 'notes' | 'meterMap'>, bars: number, source: string): Phrase[] {
  if (!Number.isInteger(bars) || bars < MIN_PHRASE_BARS || bars > MAX_PHRASE_BARS) {
    throw new Error(`A phrase is ${MIN_PHRASE_BARS}..${MAX_PHRASE_BARS} whole bars (got ${bars}).`);
  }
  const musicEnd = Math.max(0, ...music.notes.map((note) => note.startBeats + note.durationBeats));
  const phrases: Phrase[] = [];
  music.meterMap.forEach((point, i) => {
    const segmentEnd = music.meterMap[i + 1]?.beats ?? Infinity;
    const span = bars * beatsPerBarOf(point.timeSignature);
    for (let from = point.beats; from + span <= segmentEnd + 1e-9 && from < musicEnd; from += span) {
      const to = from + span;
      const notes = music.notes
        .filter((note) => note.startBeats >= from && note.startBeats < to)
        .map((note) => ({
          ...note,
          startBeats: note.startBeats - from,
          durationBeats: Math.min(note.durationBeats, to - note.startBeats),
        }));
      if (notes.length === 0) continue;
      const startBar = Math.round(barAtBeats(music.meterMap, from));
      phrases.push({ source, startBar, bars, fromBeats: from, toBeats: to, timeSignature: point.timeSignature, notes });
    }
  });
  return phrases;
}

/** A phrase's tokens (tokens.ts), BOS to EOS, with its bar lines. */
export function phraseTokens(phrase: Phrase): number[] {
  const meterMap = [{ beats: 0, timeSignature: phrase.timeSignature }];
  return encode({ notes: phrase.notes, meterMap }, 0, phrase.toBeats - phrase.fromBeats);
}

export interface PhraseSplit {
  train: Phrase[];
  heldOut: Phrase[];
  /** The sources held out, by name. */
  heldOutSources: string[];
}

/**
 * Phrases split by source: the fraction of sources (rounded, at least one and at most all but
 * one when there are two or more) whose seeded hash is lowest is held out.
 */
export function splitPhrases(phrases: readonly Phrase[], options: { seed: string; heldOutFraction?: number }): PhraseSplit {
  const fraction = options.heldOutFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new Error(`The held-out fraction lies between 0 and 1 (got ${fraction}).`);
  const sources = [...new Set(phrases.map((phrase) => phrase.source))];
  const hash = new Map(sources.map((source) => [source, seededRandom(options.seed, `phrase-split:${source}`)()]));
  const ranked = [...sources].sort((a, b) => hash.get(a)! - hash.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const count = sources.length < 2 ? 0 : Math.min(sources.length - 1, Math.max(1, Math.round(fraction * sources.length)));
  const heldOutSources = new Set(ranked.slice(0, count));
  return {
    train: phrases.filter((phrase) => !heldOutSources.has(phrase.source)),
    heldOut: phrases.filter((phrase) => heldOutSources.has(phrase.source)),
    heldOutSources: ranked.slice(0, count),
  };
}
