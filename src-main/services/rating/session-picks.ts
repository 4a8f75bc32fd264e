/**
 * The session builder's choices of material and the making of their items: which takes may
 * go in (explicit ids, or a filter drawn from with the seed), the order real windows are
 * tried in (songs taken in turn, so one long song does not crowd the others out), and
 * ItemMaker, which turns candidates into item files in the staging folder until it has as
 * many as asked, skipping a candidate the audio rules refuse (silent, would clip) and saying
 * which and why when too few are left, and renders an item again as a file of its own (a
 * repeat, a catch trial's partner, an ABX trial's X). A MIDI session's items (midi-material.ts)
 * are rendered by the synth first and then made like the others.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Take } from '../../common/generation.js';
import type { PartMusic } from '../../common/midi.js';
import type { Model } from '../../common/training.js';
import { AppError } from '../../common/errors.js';
import type { sessionDraftSchema } from '../../common/rating.js';
import { decodeAudio } from '../audio/decode.js';
import { mixToMono } from '../audio/resample.js';
import { describeFsError } from '../store/atomic-write.js';
import { makeItemAudio, type ItemAudio, type ItemSpec } from './item-audio.js';
import type { HeldOutLibrary, HeldOutWindow } from './held-out-regions.js';
import type { StoredItem } from './rating-repository.js';
import { renderOptions, type MidiMaterial, type PhraseCandidate, type PhraseKey, type SessionPhraseSources } from './midi-material.js';
import { seededRandom, shuffled } from '../../node/seeded-random.js';

/** Dither seeds are 32-bit (audio/dither.ts). */
const DITHER_SEEDS = 2 ** 32;

type Draft = ReturnType<typeof sessionDraftSchema.parse>;

/** What building a session reads (the core's services fit). */
export interface SessionDeps {
  library: HeldOutLibrary & { playbackPath(fileId: number): string };
  takes: { list(): Take[]; get(takeId: number): Take; filePath(takeId: number): string };
  training: { get(modelId: number): Model };
  dataDir: string;
  /** MIDI takes, real phrases and the synth (absent: this core builds no MIDI sessions). */
  phrases?: SessionPhraseSources;
}

export interface PickedTake {
  take: Take;
  model: Model;
}

/** An item before it has its index. */
export type MadeItem = Omit<StoredItem, 'index'>;

/**
 * The takes to try, in order: explicit ids (each must be usable) shuffled by the seed, or
 * every take the filter matches that is usable, shuffled by the seed. Refuses when fewer than
 * generatedCount can be tried.
 */
export function pickTakes(deps: SessionDeps, draft: Draft, seed: string): PickedTake[] {
  const random = seededRandom(seed, 'takes');
  const models = new Map<number, Model>();
  const modelOf = (take: Take): Model => {
    let model = models.get(take.modelId);
    if (!model) models.set(take.modelId, (model = deps.training.get(take.modelId)));
    return model;
  };
  if (draft.takeIds) {
    if (new Set(draft.takeIds).size !== draft.takeIds.length) throw new AppError('INVALID_INPUT', 'a take is picked twice');
    const picked = draft.takeIds.map((id) => {
      const take = deps.takes.get(id);
      const why = whyUnusable(take, draft.itemSeconds);
      if (why) throw new AppError('INVALID_INPUT', `${takeName(take)} cannot be used: ${why}`);
      return { take, model: modelOf(take) };
    });
    return shuffled(picked, random);
  }
  const filter = draft.takeFilter;
  const matching = deps.takes
    .list()
    .sort((a, b) => a.id - b.id)
    .filter((take) => take.status === 'ready')
    .filter((take) => !filter?.modelIds || filter.modelIds.includes(take.modelId))
    .filter((take) => !filter?.modes || filter.modes.includes(take.settings.mode))
    .filter((take) => !(filter?.starredOnly ?? false) || take.starred)
    .filter((take) => !(filter?.excludeDiscarded ?? true) || take.verdict !== 'discarded')
    .map((take) => ({ take, model: modelOf(take) }))
    .filter(({ model }) => !filter?.presets || filter.presets.includes(model.preset));
  const usable = matching.filter(({ take }) => whyUnusable(take, draft.itemSeconds) === null);
  if (usable.length < draft.generatedCount) {
    const short = matching.length - usable.length;
    throw new AppError(
      'INVALID_INPUT',
      `only ${usable.length} of the ${matching.length} matching takes can be used${short > 0 ? ` (${short} are shorter than ${draft.itemSeconds} s or have no audio)` : ''}; ${draft.generatedCount} were asked for`,
    );
  }
  return shuffled(usable, random);
}

function whyUnusable(take: Take, seconds: number): string | null {
  if (take.status !== 'ready') return `it is ${take.status}`;
  if (!take.hasFile) return 'its audio was deleted';
  if ((take.durationSeconds ?? 0) < seconds) return `it is ${(take.durationSeconds ?? 0).toFixed(1)} s long, shorter than the ${seconds} s items`;
  return null;
}

function takeName(take: Take): string {
  return `${take.name} (take ${take.id})`;
}

/**
 * What an item's audio is made from: a take, a MIDI take, a real phrase, or a file region. A
 * repeat or a low-passed copy shares its original's; the order keeps items of one source apart.
 */
export function itemSource(item: Pick<StoredItem, 'takeId' | 'phraseTakeId' | 'phrase' | 'sourceFileId' | 'sourceStart'>): string {
  if (item.takeId !== null) return `take:${item.takeId}`;
  if (item.phraseTakeId !== null) return `phrase-take:${item.phraseTakeId}`;
  if (item.phrase !== null) return `phrase:${JSON.stringify(item.phrase)}`;
  return `region:${item.sourceFileId}:${item.sourceStart}`;
}

/** The source of a MIDI candidate's item (itemSource). */
export function candidateSource(key: PhraseKey): string {
  return itemSource({ takeId: null, sourceFileId: null, sourceStart: 0, ...key });
}

/** Windows in the order to try them: each song's shuffled, the songs taken in turn in a shuffled order. */
export function pickWindows(windows: readonly HeldOutWindow[], random: () => number): HeldOutWindow[] {
  const bySong = new Map<number, HeldOutWindow[]>();
  for (const window of windows) bySong.set(window.songId, [...(bySong.get(window.songId) ?? []), window]);
  const queues = shuffled([...bySong.values()], random).map((list) => shuffled(list, random));
  const out: HeldOutWindow[] = [];
  for (let round = 0; out.length < windows.length; round++) {
    for (const queue of queues) {
      const next = queue[round];
      if (next) out.push(next);
    }
  }
  return out;
}

/**
 * Makes item files in a staging folder. Every rendering, kept or refused, takes the next dither
 * seed after one drawn from the session seed ("dither" stream): the same session seed makes the
 * same files, and no two renderings of a session share a dither.
 */
export class ItemMaker {
  #decoded: { fileId: number; rate: number; mono: Float32Array } | null = null;
  #renderings = 0;
  readonly #firstDitherSeed: number;
  /** A MIDI item's music by its source (itemSource), to render it again. */
  readonly #phraseMusic = new Map<string, PartMusic>();

  constructor(
    private readonly deps: SessionDeps,
    private readonly staging: string,
    private readonly spec: Omit<ItemSpec, 'lowpassHz' | 'ditherSeed'>,
    seed: string,
    /** A MIDI session's material (how its phrases are rendered). */
    private readonly midi: MidiMaterial | null = null,
  ) {
    this.#firstDitherSeed = Math.floor(seededRandom(seed, 'dither')() * DITHER_SEEDS);
  }

  /**
   * MIDI items (a session of MIDI takes): the first `count` candidates whose rendering passes,
   * each rendered by the synth from its first beat (low-passed when `lowpassHz` is set).
   */
  async phrases(candidates: readonly PhraseCandidate[], count: number, lowpassHz: number | null, what: 'MIDI takes' | 'real phrases'): Promise<MadeItem[]> {
    return this.#firstPassing(candidates, count, what, (c) => c.name, async (candidate) => {
      const source = candidateSource(candidate.key);
      this.#phraseMusic.set(source, candidate.music);
      return { ...this.#blank(), ...candidate.key, sourceStart: 0, ...(await this.#write(await this.#phraseAudio(candidate.music, lowpassHz))) };
    });
  }

  /** Items of the first `count` candidates whose audio passes, cut from each take's middle. */
  async takes(candidates: readonly PickedTake[], count: number): Promise<MadeItem[]> {
    return this.#firstPassing(candidates, count, 'takes', ({ take }) => takeName(take), async ({ take, model }) => {
      const start = Math.max(0, ((take.durationSeconds ?? 0) - this.spec.seconds) / 2);
      const audio = await this.#takeAudio(take.id, takeName(take), start);
      return {
        ...this.#blank(),
        origin: 'generated',
        expected: 'fake',
        takeId: take.id,
        clipId: take.clipId,
        modelId: take.modelId,
        songId: take.songId,
        preset: model.preset,
        epochs: model.plan?.epochsPerScale ?? null,
        mode: take.settings.mode,
        lengthSeconds: take.durationSeconds,
        sourceStart: start,
        ...(await this.#write(audio)),
      };
    });
  }

  /** Items of the first `count` windows whose audio passes (low-passed when `lowpassHz` is set). */
  async windows(windows: readonly HeldOutWindow[], count: number, lowpassHz: number | null): Promise<MadeItem[]> {
    return this.#firstPassing(windows, count, 'real excerpts', (w) => `the excerpt at ${w.start.toFixed(1)} s`, async (window) => {
      const source = await this.#fileAudio(window.fileId);
      const audio = await makeItemAudio(source.mono, source.rate, window.start, this.#spec(lowpassHz));
      return {
        ...this.#blank(),
        origin: 'real',
        expected: 'real',
        clipId: window.clipId,
        songId: window.songId,
        sourceFileId: window.fileId,
        sourceStart: window.start,
        ...(await this.#write(audio)),
      };
    });
  }

  /**
   * A take's or an excerpt's item made again from its source, as its own file with its own
   * dither: the same audio within 2 LSB, never the same bytes, so a hash of the files cannot
   * pair a presentation with another. A low-passed catch item is made again with the low-pass
   * it was made with (`lowpassHz`, which every other item must not be given).
   */
  async again(item: MadeItem, lowpassHz: number | null): Promise<Pick<StoredItem, 'file' | 'loudnessLufs' | 'truePeakDbtp'>> {
    if ((item.catchKind === 'lowpass') !== (lowpassHz !== null)) {
      throw new AppError('INTERNAL', 'a low-passed catch item, and only one, is made again with its low-pass');
    }
    if (item.takeId !== null) return this.#write(await this.#takeAudio(item.takeId, `take ${item.takeId}`, item.sourceStart));
    if (item.phraseTakeId !== null || item.phrase !== null) {
      const music = this.#phraseMusic.get(itemSource(item));
      if (!music) throw new AppError('INTERNAL', 'a MIDI item is made again before it was made');
      return this.#write(await this.#phraseAudio(music, lowpassHz));
    }
    if (item.sourceFileId === null) throw new AppError('INTERNAL', 'an item has neither a take nor a source file');
    const source = await this.#fileAudio(item.sourceFileId);
    return this.#write(await makeItemAudio(source.mono, source.rate, item.sourceStart, this.#spec(lowpassHz)));
  }

  /** The spec of the next rendering: its own dither seed. */
  #spec(lowpassHz: number | null): ItemSpec {
    const ditherSeed = (this.#firstDitherSeed + this.#renderings++) % DITHER_SEEDS;
    return { ...this.spec, lowpassHz, ditherSeed };
  }

  /** A MIDI item's audio: the synth's rendering, mixed to mono, made into an item from its start. */
  async #phraseAudio(music: PartMusic, lowpassHz: number | null): Promise<ItemAudio> {
    if (!this.midi || !this.deps.phrases) throw new AppError('INTERNAL', 'a MIDI item in a session without MIDI material');
    const rendered = await this.deps.phrases.render(music, renderOptions(this.midi));
    return makeItemAudio(mixToMono(rendered.channels), rendered.sampleRate, 0, this.#spec(lowpassHz));
  }

  async #takeAudio(takeId: number, name: string, start: number): Promise<ItemAudio> {
    const bytes = await readFile(this.deps.takes.filePath(takeId));
    const decoded = await decodeAudio(bytes, name);
    return makeItemAudio(mixToMono(decoded.channels), decoded.sampleRate, start, this.#spec(null));
  }

  async #firstPassing<T>(candidates: readonly T[], count: number, what: 'takes' | 'real excerpts' | 'MIDI takes' | 'real phrases', nameOf: (c: T) => string, make: (c: T) => Promise<MadeItem>): Promise<MadeItem[]> {
    const made: MadeItem[] = [];
    let refusal: string | null = null;
    for (const candidate of candidates) {
      if (made.length === count) break;
      try {
        made.push(await make(candidate));
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'INVALID_INPUT') throw error;
        refusal ??= `${nameOf(candidate)} ${error.message}`;
      }
    }
    if (made.length < count) {
      const hint = {
        takes: '',
        'MIDI takes': '',
        'real excerpts': `: mark more clips of the takes' songs val or test, or shorten the items`,
        'real phrases': `: train the takes' model with more songs (so it holds some out), add parts to the takes' songs, or shorten the items`,
      }[what];
      const why = refusal ? `; ${refusal}` : hint;
      throw new AppError('INVALID_INPUT', `only ${made.length} ${what} of ${this.spec.seconds} s could be made, ${count} were asked for${why}`);
    }
    return made;
  }

  async #fileAudio(fileId: number): Promise<{ rate: number; mono: Float32Array }> {
    if (this.#decoded?.fileId !== fileId) {
      this.#decoded = null; // one song file in memory at a time
      const bytes = await readFile(this.deps.library.playbackPath(fileId)).catch(() => {
        throw new AppError('NOT_FOUND', "the song's audio is missing from the library store");
      });
      const decoded = await decodeAudio(bytes, 'the song');
      this.#decoded = { fileId, rate: decoded.sampleRate, mono: mixToMono(decoded.channels) };
    }
    return this.#decoded;
  }

  /** Writes an item under a random name; its path and measurements. */
  async #write(audio: ItemAudio): Promise<Pick<StoredItem, 'file' | 'loudnessLufs' | 'truePeakDbtp'>> {
    const file = path.join(this.staging, `${randomBytes(16).toString('hex')}.wav`);
    try {
      await writeFile(file, audio.bytes);
    } catch (error) {
      throw new AppError('STORAGE', `cannot write the session's audio (${describeFsError(error)})`);
    }
    return { file, loudnessLufs: audio.loudnessLufs, truePeakDbtp: audio.truePeakDbtp };
  }

  #blank(): Omit<MadeItem, 'origin' | 'expected' | 'file' | 'loudnessLufs' | 'truePeakDbtp' | 'sourceStart'> {
    return {
      catchKind: null,
      repeatOf: null,
      xOf: null,
      takeId: null,
      clipId: null,
      modelId: null,
      songId: null,
      preset: null,
      epochs: null,
      mode: null,
      lengthSeconds: null,
      sourceFileId: null,
      phraseTakeId: null,
      phraseModelId: null,
      phrase: null,
    };
  }
}
