/**
 * From a request to MIDI takes (docs/midi.md "MIDI takes"): the settings each take is made with
 * (checked against the model in one line), the phrases it starts from, and one take's notes —
 *
 * - continue: the `from` phrase encoded as the context, ended on its closing bar line, and
 *   continued for `bars` bars (phrase-runtime.ts, as lm-sample.ts's continuePhrase does); the
 *   take is the new bars only, right after the phrase, the velocity in force carried on;
 * - vary: `from` encoded to its refined latent (refined-latents.ts: the encoder's mean refined
 *   against the decoder; the mean itself for a model without its checkpoint), or the latent's
 *   centre without one, placed on the
 *   sliders (latent-space.ts sliderLatent: a slider's value is a position) and decoded for the
 *   model's bars, over `from`'s own bars;
 * - interpolate: `from` and `to` encoded (refined, as vary's), the latent `fraction` of the way between, decoded over
 *   `from`'s bars.
 * A vary or interpolate latent decodes at temperature 0 to the likeliest phrase of a beam search
 * (the settings' `beam`, beam-search.ts), above 0 to a draw from the seeded stream.
 *
 * Then snapped (services/phrases/quantize.ts: the grid; key-of-notes.ts: the key) and measured
 * (phrase-metrics.ts). A take's music carries the part's own tempo and meter maps, program and
 * channel, so its notes sit in the song's beats and play as the part does.
 */
import { AppError } from '../../common/errors.js';
import type { PartMusic, PartNote } from '../../common/midi.js';
import { parseKey } from '../../common/musical-time.js';
import {
  MAX_PHRASE_TAKES_PER_REQUEST,
  VARY_BEAM_WIDTH,
  phraseQuantizeSchema,
  type PhraseModel,
  type PhraseRef,
  type PhraseTakeLatent,
  type PhraseTakeMetrics,
  type PhraseTakeSettings,
  type phraseGenerateRequestSchema,
} from '../../common/phrases.js';
import { barAtBeats, beatsAtBar } from '../../common/tempo-map.js';
import type { z } from 'zod';
import { interpolateLatent, sliderLatent } from '../phrase-models/latent-space.js';
import { keyOfPhrase, notesInKey } from '../phrases/key-of-notes.js';
import { phraseMetrics, topLine } from '../phrases/phrase-metrics.js';
import { quantizeNotes } from '../phrases/quantize.js';
import { BAR, decode, describeToken, encode } from '../phrases/tokens.js';
import type { ModelKit, VaryKit } from './model-kits.js';
import type { SourcePhrase } from './refined-latents.js';
import { takeSpan } from './take-span.js';

type ParsedRequest = z.output<typeof phraseGenerateRequestSchema>;

/** The songs' parts, as this feature needs them (core.ts fills it from the parts feature and the library). */
export interface PhraseSources {
  /** A part's music (its own maps: the song's beats) and name; NOT_FOUND when there is none. */
  partMusic(partId: number): PartMusic & { name: string };
  /** The song a part belongs to. */
  partSong(partId: number): number;
  /** The song's key where its musical time names one ("A minor"), else null. */
  songKey(songId: number): string | null;
}

/** Bars added by a continuation when the request names none. */
export const DEFAULT_CONTINUE_BARS = 4;
/**
 * A copied run this long (notes of the top line) is a tune, not a figure: shorter shared runs —
 * a scale step, an arpeggio, a bass walk — recur in any music of a style, and the test corpus's
 * own pieces share runs of 5–6 notes; eight notes are two bars of quarter notes, the length at
 * which a listener hears a quotation.
 */
export const NEAR_COPY_NOTES = 8;
/** …and it must be most of the take: a long take that quotes one bar of its training is not a copy. */
export const NEAR_COPY_SHARE = 0.75;

/** A phrase of a part as generation reads it. */
export interface LoadedPhrase {
  ref: PhraseRef;
  music: PartMusic & { name: string };
  songId: number;
  fromBeats: number;
  toBeats: number;
}

/** The part's phrase, refused in one line past the part's end or where no note starts. */
export function loadPhrase(sources: PhraseSources, ref: PhraseRef): LoadedPhrase {
  const music = sources.partMusic(ref.partId);
  const lengthBeats = Math.max(0, ...music.notes.map((note) => note.startBeats + note.durationBeats));
  const partBars = lengthBeats <= 0 ? 0 : Math.max(1, Math.ceil(barAtBeats(music.meterMap, lengthBeats) - 1 - 1e-6));
  const lastBar = ref.startBar + ref.bars - 1;
  const where = `part ${ref.partId} “${music.name}”`;
  if (lastBar > partBars) {
    throw new AppError('INVALID_INPUT', `${where} has ${partBars} bar${partBars === 1 ? '' : 's'}: bars ${ref.startBar}–${lastBar} go past its end`);
  }
  const fromBeats = beatsAtBar(music.meterMap, ref.startBar);
  const toBeats = beatsAtBar(music.meterMap, ref.startBar + ref.bars);
  if (!music.notes.some((note) => note.startBeats >= fromBeats - 1e-6 && note.startBeats < toBeats - 1e-6)) {
    throw new AppError('INVALID_INPUT', `${where} has no notes in bars ${ref.startBar}–${lastBar}`);
  }
  return { ref, music, songId: sources.partSong(ref.partId), fromBeats, toBeats };
}

/** The phrase's tokens from BOS to EOS (tokens.ts, on the part's bars). */
export function phraseTokensOf(phrase: LoadedPhrase): number[] {
  return encode(phrase.music, phrase.fromBeats, phrase.toBeats);
}

function whyNotDone(model: PhraseModel): string | null {
  switch (model.status) {
    case 'done':
      return null;
    case 'queued':
      return 'is still waiting to train';
    case 'running':
      return 'is still training';
    case 'failed':
      return `failed to train${model.error ? ` (${model.error})` : ''}`;
    case 'cancelled':
    case 'interrupted':
      return 'stopped before it finished training: resume it first';
  }
}

/** Refuses a model that cannot make takes of `mode`, in one line. */
export function checkModelFor(model: PhraseModel, mode: PhraseTakeSettings['mode']): void {
  const why = whyNotDone(model);
  if (why !== null) throw new AppError('INVALID_INPUT', `phrase model ${model.id} ${why}; it makes takes once it is done`);
  const kind = mode === 'continue' ? 'continue' : 'vary';
  if (model.kind !== kind) {
    const makes = model.kind === 'continue' ? 'continue takes' : 'vary and interpolate takes';
    throw new AppError('INVALID_INPUT', `phrase model ${model.id} is a ${model.kind} model: it makes ${makes}, not ${mode} takes`);
  }
}

/** The settings of each take a request makes, checked against the model (see the file comment). */
export function settingsOf(request: ParsedRequest, model: PhraseModel): PhraseTakeSettings[] {
  checkModelFor(model, request.mode);
  const count = request.count;
  if (count > MAX_PHRASE_TAKES_PER_REQUEST) throw new AppError('INVALID_INPUT', `at most ${MAX_PHRASE_TAKES_PER_REQUEST} takes at once`);
  const refuse = (why: string): never => {
    throw new AppError('INVALID_INPUT', why);
  };
  const quantize = phraseQuantizeSchema.parse(request.quantize ?? {});
  if (request.mode !== 'interpolate' && request.to !== undefined) refuse('`to` is the second phrase of an interpolation; a continue or vary take starts from `from` alone');
  if (request.mode !== 'interpolate' && request.fraction !== undefined) refuse('a fraction belongs to interpolate takes');
  if (request.mode !== 'vary' && request.sliders !== undefined) {
    refuse(model.kind === 'continue' ? `sliders belong to vary models; phrase model ${model.id} continues phrases` : 'sliders belong to vary takes; an interpolation moves between two phrases');
  }
  const modelBars = (ref: PhraseRef | undefined, name: string): void => {
    if (ref !== undefined && ref.bars !== model.bars) refuse(`phrase model ${model.id} learned ${model.bars}-bar phrases: ${name} must be ${model.bars} bars, not ${ref.bars}`);
  };
  const base = { from: request.from ?? null, to: request.to ?? null, sliders: null, fraction: null, quantize };
  if (request.mode === 'continue') {
    if (request.from === undefined) refuse('a continuation carries a phrase on: name the part and bars it starts from');
    const temperature = request.temperature ?? 1;
    sameEveryTime(count, temperature);
    return Array.from({ length: count }, () => ({ ...base, mode: 'continue', bars: request.bars ?? DEFAULT_CONTINUE_BARS, temperature }));
  }
  if (request.bars !== undefined && request.bars !== model.bars) refuse(`phrase model ${model.id} writes ${model.bars}-bar phrases, not ${request.bars}`);
  const temperature = request.temperature ?? 0;
  if (request.mode === 'vary') {
    modelBars(request.from, '`from`');
    sameEveryTime(count, temperature);
    return Array.from({ length: count }, () => ({ ...base, mode: 'vary', bars: model.bars, temperature, sliders: request.sliders ?? null, ...beamFor(temperature) }));
  }
  if (request.from === undefined || request.to === undefined) refuse('an interpolation moves between two phrases: name both `from` and `to`');
  modelBars(request.from, '`from`');
  modelBars(request.to, '`to`');
  // One fraction for every take (they differ by seed), or evenly from `from` (0) to `to` (1).
  const fractions =
    request.fraction !== undefined ? Array.from({ length: count }, () => request.fraction!) : count === 1 ? [0.5] : Array.from({ length: count }, (_, i) => i / (count - 1));
  if (request.fraction !== undefined) sameEveryTime(count, temperature);
  return fractions.map((fraction) => ({ ...base, mode: 'interpolate', bars: model.bars, temperature, fraction, ...beamFor(temperature) }));
}

/** At temperature 0 a vary or interpolate take is the likeliest phrase of a beam search (the settings' `beam`). */
export function beamFor(temperature: number): { beam?: number } {
  return temperature === 0 ? { beam: VARY_BEAM_WIDTH } : {};
}

/** At temperature 0 a take is the likeliest notes: several of the same settings would be one take several times. */
function sameEveryTime(count: number, temperature: number): void {
  if (count > 1 && temperature === 0) {
    throw new AppError('INVALID_INPUT', `at temperature 0 every take of these settings has the same notes: ask for 1 take, or raise the temperature`);
  }
}

/** What a take is made of, before it is stored. */
export interface MadeTake {
  music: PartMusic;
  songId: number | null;
  metrics: PhraseTakeMetrics;
  /** How a vary or interpolate take's phrases were encoded (the settings' `latent`); absent where none were. */
  latent?: PhraseTakeLatent;
}

/** One take's notes with the model's kit (see the file comment). */
export async function makeTake(kit: ModelKit, settings: PhraseTakeSettings, seed: string, sources: PhraseSources): Promise<MadeTake> {
  const from = settings.from === null ? null : loadPhrase(sources, settings.from);
  let notes: PartNote[];
  let base: Omit<PartMusic, 'notes'>;
  let latent: PhraseTakeLatent | undefined;
  if (settings.mode === 'continue') {
    if (kit.kind !== 'continue' || from === null) throw new AppError('INTERNAL', 'a continuation needs a continue model and a phrase');
    base = baseOf(from.music);
    const context = phraseTokensOf(from);
    context.pop(); // EOS: the phrase goes on
    context.push(BAR); // encode leaves the closing bar line to the next phrase; the continuation starts there
    const tokens = await kit.lm.continueTokens(context, { bars: settings.bars }, settings.temperature, seed);
    const velocity = context.findLast((token) => describeToken(token).kind === 'velocity');
    notes = decode(velocity === undefined ? tokens : [velocity, ...tokens], from.toBeats);
  } else {
    if (kit.kind !== 'vary') throw new AppError('INTERNAL', 'a variation needs a vary model');
    base = from === null ? centreBase(kit) : baseOf(from.music);
    const z = await latentOf(kit, settings, from, sources);
    if (from !== null) latent = (await kit.latents.refines()) ? 'refined' : 'encoded';
    const startBeats = takeSpan(settings, base.meterMap).startBeats;
    const tokens = settings.temperature === 0 && settings.beam !== undefined ? await kit.vae.decodeBeam(z, settings.bars, settings.beam) : await kit.vae.decode(z, settings.bars, settings.temperature, seed);
    notes = decode(tokens, startBeats);
  }
  const span = takeSpan(settings, base.meterMap);
  const end = span.startBeats + span.lengthBeats;
  notes = quantizeNotes(notes, settings.quantize.grid, base.meterMap, { startBeats: span.startBeats, endBeats: end });
  const songId = from?.songId ?? null;
  if (settings.quantize.toKey && base.channel !== 9) {
    const named = songId === null ? null : sources.songKey(songId);
    const context = from === null ? [] : from.music.notes.filter((note) => note.startBeats >= from.fromBeats && note.startBeats < from.toBeats);
    const key = (named === null ? null : parseKey(named)) ?? keyOfPhrase([...context, ...notes]);
    if (key !== null) notes = notesInKey(notes, key);
  }
  return { music: { ...base, notes }, songId, metrics: measure(kit, notes, span.startBeats, settings.bars), ...(latent === undefined ? {} : { latent }) };
}

/** The latent a vary or interpolate take decodes. */
async function latentOf(kit: VaryKit, settings: PhraseTakeSettings, from: LoadedPhrase | null, sources: PhraseSources): Promise<Float32Array> {
  if (settings.mode === 'interpolate') {
    if (from === null || settings.to === null || settings.fraction === null) throw new AppError('INTERNAL', 'an interpolation needs two phrases and a fraction');
    const [a, b] = await kit.latents.of([sourcePhrase(from), sourcePhrase(loadPhrase(sources, settings.to))]);
    return interpolateLatent(a!, b!, settings.fraction);
  }
  const mean = from === null ? null : (await kit.latents.of([sourcePhrase(from)]))[0]!;
  if (settings.sliders === null) return mean ?? kit.space.mean;
  return sliderLatent(kit.space, mean, settings.sliders);
}

/** A phrase as the refined latents' cache knows it: where it is, and its tokens. */
export function sourcePhrase(phrase: LoadedPhrase): SourcePhrase {
  const { ref } = phrase;
  return { where: `${phrase.songId}:${ref.partId}:${ref.startBar}:${ref.bars}`, tokens: phraseTokensOf(phrase) };
}

/** A part's program, channel and maps: the take plays as the part does, in the song's beats. */
function baseOf(music: PartMusic): Omit<PartMusic, 'notes'> {
  return { program: music.program, channel: music.channel, bends: [], tempoMap: music.tempoMap, meterMap: music.meterMap };
}

/** A variation of the latent's centre has no song: a piano at 120 BPM in the meter most of the model's phrases are in. */
function centreBase(kit: VaryKit): Omit<PartMusic, 'notes'> {
  return { program: 0, channel: 0, bends: [], tempoMap: [{ beats: 0, bpm: 120 }], meterMap: [{ beats: 0, timeSignature: kit.timeSignature }] };
}

/** The take's measures, its notes counted from its start, and the copy check against the model's training phrases. */
export function measure(kit: Pick<ModelKit, 'copies' | 'train'>, songNotes: readonly PartNote[], startBeats: number, bars: number): PhraseTakeMetrics {
  const notes = songNotes.map((note) => ({ ...note, startBeats: note.startBeats - startBeats }));
  const figures = phraseMetrics(notes, bars);
  const copy = kit.copies.longestCopy(notes);
  const lineNotes = topLine(notes).length;
  const phrase = copy.at === null ? undefined : kit.train[copy.at.phrase];
  let copiedFrom: string | null = null;
  if (copy.at !== null && phrase !== undefined) {
    const shift = copy.at.semitones;
    const moved = shift === 0 ? '' : `, ${Math.abs(shift)} semitone${Math.abs(shift) === 1 ? '' : 's'} ${shift > 0 ? 'up' : 'down'}`;
    copiedFrom = `${phrase.source}, bars ${phrase.startBar}–${phrase.startBar + phrase.bars - 1} from its note ${copy.at.phraseOnset + 1}${moved}`;
  }
  return {
    pitchCount: figures.pitchCount,
    pitchEntropy: figures.pitchEntropyBits,
    pitchRange: figures.pitchRangeSemitones,
    notesPerBar: figures.notesPerBar,
    polyphony: figures.meanPolyphony,
    copiedNotes: copy.notes,
    nearCopy: copy.notes >= NEAR_COPY_NOTES && copy.notes >= NEAR_COPY_SHARE * lineNotes,
    copiedFrom,
  };
}
