/**
 * The phrases a phrase model learns from: the MIDI parts of the chosen songs (or of every song),
 * drum parts left out (their notes are drum kit pieces, not pitches), cut into phrases of N whole
 * bars and split into training and held-out phrases by part (services/phrases/phrases.ts), with
 * the model's seed. The parts come through a {@link PhraseSource} that core.ts fills from the
 * library and the parts feature.
 */
import { AppError } from '../../common/errors.js';
import { GM_DRUM_CHANNEL, type PartMusic } from '../../common/midi.js';
import type { PhraseCorpusSummary } from '../../common/phrases.js';
import type { PhraseCorpus, PhraseSourceInfo } from '../models/phrase-model-files.js';
import { cutPhrases, splitPhrases, type Phrase } from '../phrases/phrases.js';

/** The library's MIDI parts, as phrase training reads them. */
export interface PhraseSource {
  /** Every song of the library, oldest first. */
  songIds(): number[];
  /** A song's name; throws NOT_FOUND when there is no such song. */
  songName(songId: number): string;
  /** A song's MIDI parts with their music; throws NOT_FOUND when there is no such song. */
  partsOf(songId: number): { partId: number; name: string; music: PartMusic }[];
}

/** Fewer phrases than this teach a model nothing worth keeping. */
export const MIN_PHRASES = 8;
/** …and fewer than this left for training once held-out parts are set aside. */
export const MIN_TRAINING_PHRASES = 4;

export interface CorpusRequest {
  /** Empty: every song. */
  songIds: readonly number[];
  bars: number;
  seed: string;
}

export interface BuiltCorpus {
  corpus: PhraseCorpus;
  summary: PhraseCorpusSummary;
  /** The songs' names, in the order asked for (the whole library's when none was). */
  songNames: string[];
}

/** The corpus of a request, or a one-line refusal when it holds too few phrases. */
export function buildCorpus(source: PhraseSource, request: CorpusRequest): BuiltCorpus {
  const chosen = request.songIds.length > 0;
  const songIds = chosen ? [...new Set(request.songIds)] : source.songIds();
  const songNames = songIds.map((songId) => source.songName(songId));
  const phrases: Phrase[] = [];
  const sources: Omit<PhraseSourceInfo, 'heldOut'>[] = [];
  const taken = new Set<string>();
  songIds.forEach((songId, index) => {
    for (const part of source.partsOf(songId)) {
      if (part.music.channel === GM_DRUM_CHANNEL) continue;
      const name = uniqueName(`${songNames[index]!} · ${part.name}`, taken);
      const cut = cutPhrases(part.music, request.bars, name);
      if (cut.length === 0) continue;
      phrases.push(...cut);
      sources.push({ name, songId, partId: part.partId, phrases: cut.length });
    }
  });
  const where = chosen ? (songIds.length === 1 ? `song ${songIds[0]!}` : 'the chosen songs') : 'the library';
  if (phrases.length === 0) {
    throw new AppError('INVALID_INPUT', `${where} has no MIDI phrases of ${request.bars} bars to learn from (drum parts are left out): import a .mid file first`);
  }
  if (phrases.length < MIN_PHRASES) {
    throw new AppError(
      'INVALID_INPUT',
      `${where} has ${phrases.length} MIDI phrase${phrases.length === 1 ? '' : 's'} of ${request.bars} bars; a phrase model needs at least ${MIN_PHRASES} (add MIDI parts or choose shorter phrases)`,
    );
  }
  const split = splitPhrases(phrases, { seed: request.seed });
  if (split.train.length < MIN_TRAINING_PHRASES) {
    throw new AppError(
      'INVALID_INPUT',
      `${where} leaves ${split.train.length} phrase${split.train.length === 1 ? '' : 's'} of ${request.bars} bars to learn from once whole parts are kept aside to test it; a phrase model needs at least ${MIN_TRAINING_PHRASES}`,
    );
  }
  const heldOut = new Set(split.heldOutSources);
  const corpus: PhraseCorpus = {
    format: 1,
    bars: request.bars,
    train: split.train,
    heldOut: split.heldOut,
    sources: sources.map((info) => ({ ...info, heldOut: heldOut.has(info.name) })),
  };
  const songsUsed = new Set(sources.map((info) => info.songId));
  const summary: PhraseCorpusSummary = {
    songs: songsUsed.size,
    parts: sources.length,
    trainPhrases: split.train.length,
    heldOutPhrases: split.heldOut.length,
    bars: phrases.length * request.bars,
    notes: phrases.reduce((sum, phrase) => sum + phrase.notes.length, 0),
  };
  return { corpus, summary, songNames };
}

/** `name`, or `name (2)`, `name (3)`… when a part of the same name came first. */
function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name} (${n})`;
  taken.add(candidate);
  return candidate;
}
