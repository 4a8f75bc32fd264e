/**
 * The session builder's choices of material and the making of their items: which takes may
 * go in (explicit ids, or a filter drawn from with the seed), the order real windows are
 * tried in (songs taken in turn, so one long song does not crowd the others out), and
 * ItemMaker, which turns candidates into item files in the staging folder until it has as
 * many as asked, skipping a candidate the audio rules refuse (silent, would clip) and saying
 * which and why when too few are left, and renders an item again as a file of its own (a
 * repeat, a catch trial's partner, an ABX trial's X).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Take } from '../../common/generation.js';
import type { Model } from '../../common/training.js';
import { AppError } from '../../common/errors.js';
import type { sessionDraftSchema } from '../../common/rating.js';
import { decodeAudio } from '../audio/decode.js';
import { mixToMono } from '../audio/resample.js';
import { describeFsError } from '../store/atomic-write.js';
import { makeItemAudio, type ItemAudio, type ItemSpec } from './item-audio.js';
import type { HeldOutLibrary, HeldOutWindow } from './held-out-regions.js';
import type { StoredItem } from './rating-repository.js';
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

  constructor(
    private readonly deps: SessionDeps,
    private readonly staging: string,
    private readonly spec: Omit<ItemSpec, 'lowpassHz' | 'ditherSeed'>,
    seed: string,
  ) {
    this.#firstDitherSeed = Math.floor(seededRandom(seed, 'dither')() * DITHER_SEEDS);
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
    if (item.sourceFileId === null) throw new AppError('INTERNAL', 'an item has neither a take nor a source file');
    const source = await this.#fileAudio(item.sourceFileId);
    return this.#write(await makeItemAudio(source.mono, source.rate, item.sourceStart, this.#spec(lowpassHz)));
  }

  /** The spec of the next rendering: its own dither seed. */
  #spec(lowpassHz: number | null): ItemSpec {
    const ditherSeed = (this.#firstDitherSeed + this.#renderings++) % DITHER_SEEDS;
    return { ...this.spec, lowpassHz, ditherSeed };
  }

  async #takeAudio(takeId: number, name: string, start: number): Promise<ItemAudio> {
    const bytes = await readFile(this.deps.takes.filePath(takeId));
    const decoded = await decodeAudio(bytes, name);
    return makeItemAudio(mixToMono(decoded.channels), decoded.sampleRate, start, this.#spec(null));
  }

  async #firstPassing<T>(candidates: readonly T[], count: number, what: string, nameOf: (c: T) => string, make: (c: T) => Promise<MadeItem>): Promise<MadeItem[]> {
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
      const why = refusal ? `; ${refusal}` : what === 'takes' ? '' : `: mark more clips of the takes' songs val or test, or shorten the items`;
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
    };
  }
}
