/**
 * The material of a listening session of MIDI takes (docs/listening-tests.md "Sessions of MIDI
 * takes"): the phrase models' takes on the generated side, real phrases on the other, every
 * one made into music the synth renders the same way, so that only the notes tell them apart:
 *
 * - one General MIDI program and channel for all (the first take's, by id), no pitch bends;
 * - one tempo for all (the first take's song's, where that take starts), so no item plays
 *   faster because its song did;
 * - one length: the shortest take's, at that tempo, at most the draft's item length (30 s
 *   unless asked), every item cut to the same beats from its first beat;
 * - one grid: every item's notes go through the phrase tokens (services/phrases/tokens.ts:
 *   onsets and lengths on the 1/12-beat grid, velocities in 8 bins), the only notes a model
 *   can write, so a real phrase loses what the models could never make (human timing, exact
 *   velocities), as a real excerpt loses what lies above the band in an audio session;
 * - real phrases, in the order they are tried: the held-out phrases of the takes' models (the
 *   corpus each model kept aside and never learned), then bars of the takes' songs' own parts
 *   (never a part a take became), each as long as the items.
 *
 * The items are then made like any other (item-audio.ts: fades, DC, loudness, true-peak guard,
 * one file format). Every random choice comes from the session's seed.
 */
import { AppError } from '../../common/errors.js';
import type { TakeVerdict } from '../../common/generation.js';
import type { PartMusic, PartNote } from '../../common/midi.js';
import type { PhraseTakeDetail } from '../../common/phrases.js';
import { MAX_ITEM_SECONDS, MIN_ITEM_SECONDS } from '../../common/rating.js';
import { beatsPerBarOf, mapFrom } from '../../common/tempo-map.js';
import { seededRandom, shuffled } from '../../node/seeded-random.js';
import { cutPhrases, MAX_PHRASE_BARS, MIN_PHRASE_BARS, type Phrase } from '../phrases/phrases.js';
import { decode, encode } from '../phrases/tokens.js';
import type { ItemRates } from './item-audio.js';
import type { StoredItem } from './rating-repository.js';

/** The synth's rate for MIDI items, and so their band and file rate (browsers play it). */
export const MIDI_SESSION_RATE = 32_000;
/** Audio rendered past an item's end, so the item's cut has the margin item-audio.ts wants. */
const RENDER_TAIL_SECONDS = 0.25;

/** A phrase model's take as a session needs it (the core wires the phrase-takes feature). */
export interface SessionPhraseTake {
  id: number;
  modelId: number;
  songId: number | null;
  status: 'ready' | 'failed';
  verdict: TakeVerdict;
  /** continue, vary or interpolate. */
  mode: string;
  /** Its notes in its song's beats, with the song's maps; null when it failed. */
  music: PartMusic | null;
  /** Where it begins in its song, beats from bar 1, and how long it is. */
  startBeats: number;
  lengthBeats: number;
}

/** What a MIDI session reads (wired in core.ts). */
export interface SessionPhraseSources {
  /** The take (AppError NOT_FOUND when there is none). */
  take(takeId: number): SessionPhraseTake;
  /** The model's held-out phrases, as its corpus.json keeps them (services/models/phrase-model-files.ts). */
  heldOutPhrases(modelId: number): Promise<Phrase[]>;
  /** The song's parts someone played or imported, with their music (a part a take became is left out). */
  songParts(songId: number): { partId: number; music: PartMusic }[];
  /** The General MIDI synth: `music` from `fromBeats` to `toBeats` plus `tailSeconds`, at `sampleRate`. */
  render(
    music: PartMusic,
    options: { sampleRate: number; fromBeats: number; toBeats: number; tailSeconds: number },
  ): Promise<{ channels: Float32Array[]; sampleRate: number }>;
}

/** The session's view of a take from what the phrase-takes feature answers. */
export function sessionPhraseTakeOf(detail: PhraseTakeDetail): SessionPhraseTake {
  return {
    id: detail.id,
    modelId: detail.modelId,
    songId: detail.songId,
    status: detail.status,
    verdict: detail.verdict,
    mode: detail.settings.mode,
    music: detail.music,
    startBeats: detail.startBeats,
    lengthBeats: detail.lengthBeats,
  };
}

/** What a MIDI item's key says of it before it has its file. */
export type PhraseKey = Pick<StoredItem, 'origin' | 'expected' | 'phraseTakeId' | 'phraseModelId' | 'phrase' | 'songId' | 'mode' | 'lengthSeconds'>;

/** Music ready for the synth (the session's program, tempo and length) and the key of its item. */
export interface PhraseCandidate {
  /** For refusals: "MIDI take 12", "the held-out phrase "piece 3" from bar 5". */
  name: string;
  music: PartMusic;
  key: PhraseKey;
}

export interface MidiMaterial {
  rates: ItemRates;
  itemSeconds: number;
  /** How many beats of each phrase an item holds, at `tempo`. */
  itemBeats: number;
  tempo: number;
  /** The takes, shuffled by the seed. */
  takes: PhraseCandidate[];
  /** Real phrases in the order to try them. */
  real: PhraseCandidate[];
}

/**
 * The session's MIDI material, or AppError INVALID_INPUT in one line: a take picked twice, a
 * failed take, takes too short for an item.
 */
export async function midiMaterial(
  sources: SessionPhraseSources,
  takeIds: readonly number[],
  options: { seed: string; itemSeconds: number },
): Promise<MidiMaterial> {
  if (new Set(takeIds).size !== takeIds.length) throw new AppError('INVALID_INPUT', 'a MIDI take is picked twice');
  const takes = takeIds.map((id) => {
    const take = sources.take(id);
    if (take.status !== 'ready' || take.music === null) throw new AppError('INVALID_INPUT', `MIDI take ${id} cannot be used: it failed`);
    return take as SessionPhraseTake & { music: PartMusic };
  });
  const first = takes.toSorted((a, b) => a.id - b.id)[0]!;
  const tempo = mapFrom(first.music.tempoMap, first.startBeats)[0]!.bpm;
  const phraseBeats = Math.min(...takes.map((take) => take.lengthBeats));
  const phraseSeconds = (phraseBeats * 60) / tempo;
  // Whole milliseconds, never past the shortest take.
  const itemSeconds = Math.floor(Math.min(options.itemSeconds, phraseSeconds, MAX_ITEM_SECONDS) * 1000) / 1000;
  if (!(itemSeconds >= MIN_ITEM_SECONDS)) {
    throw new AppError(
      'INVALID_INPUT',
      `the shortest MIDI take lasts ${phraseSeconds.toFixed(1)} s at ${round(tempo)} BPM; a listening item lasts at least ${MIN_ITEM_SECONDS} s: pick longer takes`,
    );
  }
  const itemBeats = (itemSeconds * tempo) / 60;
  const shape = (notes: readonly PartNote[]): PartMusic => ({
    program: first.music.program,
    channel: first.music.channel,
    notes: onTokenGrid(cutNotes(notes, itemBeats), itemBeats),
    bends: [],
    tempoMap: [{ beats: 0, bpm: tempo }],
    meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
  });
  const takeCandidates = takes.map((take) => ({
    name: `MIDI take ${take.id}`,
    music: shape(notesFrom(take.music.notes, take.startBeats)),
    key: {
      origin: 'generated' as const,
      expected: 'fake' as const,
      phraseTakeId: take.id,
      phraseModelId: take.modelId,
      phrase: null,
      songId: take.songId,
      mode: take.mode,
      lengthSeconds: (take.lengthBeats * 60) / tempo,
    },
  }));

  const heldOut: PhraseCandidate[] = [];
  for (const modelId of [...new Set(takes.map((take) => take.modelId))].sort((a, b) => a - b)) {
    for (const phrase of await sources.heldOutPhrases(modelId)) {
      if (phrase.toBeats - phrase.fromBeats < itemBeats - 1e-9) continue;
      heldOut.push({
        name: `the held-out phrase "${phrase.source}" from bar ${phrase.startBar}`,
        music: shape(phrase.notes),
        key: realKey({ kind: 'held-out', modelId, source: phrase.source, startBar: phrase.startBar, bars: phrase.bars }, null),
      });
    }
  }
  const songPhrases: PhraseCandidate[] = [];
  for (const songId of [...new Set(takes.flatMap((take) => (take.songId === null ? [] : [take.songId])))].sort((a, b) => a - b)) {
    for (const { partId, music } of sources.songParts(songId)) {
      for (const phrase of partPhrases(music, itemBeats, `part ${partId}`)) {
        songPhrases.push({
          name: `bars ${phrase.startBar}–${phrase.startBar + phrase.bars - 1} of part ${partId}`,
          music: shape(phrase.notes),
          key: realKey({ kind: 'song part', partId, startBar: phrase.startBar, bars: phrase.bars }, songId),
        });
      }
    }
  }
  const heard = (candidate: PhraseCandidate): boolean => candidate.music.notes.length > 0;
  return {
    rates: { bandRate: MIDI_SESSION_RATE, fileRate: MIDI_SESSION_RATE },
    itemSeconds,
    itemBeats,
    tempo,
    takes: shuffled(takeCandidates, seededRandom(options.seed, 'takes')),
    real: [...shuffled(heldOut.filter(heard), seededRandom(options.seed, 'real')), ...shuffled(songPhrases.filter(heard), seededRandom(options.seed, 'real-parts'))],
  };
}

/** How a candidate is rendered for an item of `itemSeconds`: its beats and a short tail for the cut's margin. */
export function renderOptions(material: Pick<MidiMaterial, 'rates' | 'itemBeats'>): { sampleRate: number; fromBeats: number; toBeats: number; tailSeconds: number } {
  return { sampleRate: material.rates.bandRate, fromBeats: 0, toBeats: material.itemBeats, tailSeconds: RENDER_TAIL_SECONDS };
}

function realKey(phrase: NonNullable<StoredItem['phrase']>, songId: number | null): PhraseKey {
  return { origin: 'real', expected: 'real', phraseTakeId: null, phraseModelId: null, phrase, songId, mode: null, lengthSeconds: null };
}

/** Notes that begin at or after `startBeats`, moved to beats from it. */
function notesFrom(notes: readonly PartNote[], startBeats: number): PartNote[] {
  return notes.filter((note) => note.startBeats >= startBeats - 1e-9).map((note) => ({ ...note, startBeats: Math.max(0, note.startBeats - startBeats) }));
}

/** Notes that begin before `beats`, cut there (as a part clip cuts them). */
function cutNotes(notes: readonly PartNote[], beats: number): PartNote[] {
  return notes
    .filter((note) => note.startBeats < beats - 1e-9)
    .map((note) => ({ ...note, durationBeats: Math.min(note.durationBeats, beats - note.startBeats) }))
    .toSorted((a, b) => a.startBeats - b.startBeats || a.pitch - b.pitch);
}

/** Notes as the phrase tokens carry them: on the 1/12-beat grid, velocities at their bin's middle. */
function onTokenGrid(notes: readonly PartNote[], beats: number): PartNote[] {
  return decode(encode({ notes, meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }] }, 0, beats), 0);
}

/** A part's phrases of whole bars that hold at least `beats` (phrases.ts cuts them). */
function partPhrases(music: PartMusic, beats: number, source: string): Phrase[] {
  const perBar = beatsPerBarOf(music.meterMap[0]!.timeSignature);
  const bars = Math.max(MIN_PHRASE_BARS, Math.ceil(beats / perBar - 1e-9));
  if (bars > MAX_PHRASE_BARS) return [];
  return cutPhrases(music, bars, source).filter((phrase) => phrase.toBeats - phrase.fromBeats >= beats - 1e-9);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
