/**
 * MIDI takes of the phrase models (docs/midi.md "MIDI takes"): made in this process through
 * onnxruntime (milliseconds a token; every run asynchronous, so the event loop stays free; a
 * vary phrase's latent refined once, in slices, refined-latents.ts), kept
 * with the settings and seed that make them again note for note, measured, kept / starred /
 * discarded, regenerated with a new seed, heard through the General MIDI synth, written as a
 * MIDI file, and added to their song as a part.
 *
 * Other features are reached through ports core.ts fills: the phrase models (their DTO and
 * folder), the songs' parts (a phrase's music, a new part), the synth's cached playback, and
 * the MIDI file writer. Seeds: a batch's takes get seed, seed + 1, … (mod 2^64), the first one
 * fresh when none is given, as the audio takes do.
 */
import { randomBytes } from 'node:crypto';
import { AppError, toErrorPayload } from '../../common/errors.js';
import type { PartDto, PartMusic, PartNote } from '../../common/midi.js';
import {
  SLIDER_LIMIT,
  phraseGenerateRequestSchema,
  phrasePreviewRequestSchema,
  phraseQuantizeSchema,
  phraseTakePatchSchema,
  type PhraseGenerateRequest,
  type PhraseModel,
  type PhrasePreviewRequest,
  type PhraseRef,
  type PhraseSliders,
  type PhraseTake,
  type PhraseTakeDetail,
  type PhraseTakeSettings,
} from '../../common/phrases.js';
import type { TakeVerdict } from '../../common/generation.js';
import { mapFrom } from '../../common/tempo-map.js';
import { randomSeed } from '../../node/seeded-random.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { sliderPosition } from '../phrase-models/latent-space.js';
import { ModelKits, type VaryKit } from './model-kits.js';
import { beamFor, checkModelFor, loadPhrase, makeTake, settingsOf, sourcePhrase, type PhraseSources } from './phrase-generation.js';
import type { NewPhraseTake, PhraseTakeRepository } from './phrase-take-repository.js';
import { takeSpan } from './take-span.js';

export type { PhraseSources } from './phrase-generation.js';

/** The phrase models, as their training feature knows them. */
export interface PhraseModelDirectory {
  /** The model, or throws NOT_FOUND. */
  get(modelId: number): PhraseModel;
  /** Its folder (models/phrase-model-files.ts phraseModelDirOf). */
  dirOf(modelId: number): string;
}

/** What a take becomes in its song (PartsService.addPart's input, for a model's part). */
export interface PhraseTakeParts {
  addPart(input: { songId: number; name: string; source: 'model'; settings: Record<string, unknown>; music: PartMusic }): PartDto;
}

/** The synth's cached playback (services/synth/part-playback.ts PartPlayback). */
export interface PhraseTakeAudio {
  playbackOf(music: PartMusic, options: { toBeats?: number }): Promise<{ renderId: string; durationSeconds: number; sampleRate: number }>;
  writeWav(music: PartMusic, destination: string, options: { toBeats?: number }): Promise<{ durationSeconds: number; sampleRate: number }>;
}

export interface PhraseTakesOptions {
  models: PhraseModelDirectory;
  sources: PhraseSources;
  parts: PhraseTakeParts;
  audio: PhraseTakeAudio;
  /** A Standard MIDI File of one part's music (export's writer), bar 1 at tick 0. */
  encodeMidi(name: string, music: PartMusic): Uint8Array;
  /** Takes were made, changed, became parts or were deleted. */
  changed(takeIds: number[], modelIds: number[]): void;
}

const SEED_SPACE = 2n ** 64n;

/** `count` seeds from `first`, wrapping at 2^64, as decimal text. */
export function seedsFrom(first: string, count: number): string[] {
  const start = BigInt(first);
  return Array.from({ length: count }, (_, i) => ((start + BigInt(i)) % SEED_SPACE).toString());
}

export class PhraseTakesService {
  readonly #repo: PhraseTakeRepository;
  readonly #options: PhraseTakesOptions;
  readonly #kits: ModelKits;

  constructor(repo: PhraseTakeRepository, options: PhraseTakesOptions) {
    this.#repo = repo;
    this.#options = options;
    this.#kits = new ModelKits((modelId) => options.models.dirOf(modelId));
  }

  /** A model's takes, newest first (NOT_FOUND for a model that does not exist). */
  list(modelId: number): PhraseTake[] {
    this.#options.models.get(modelId);
    return this.#repo.list(modelId);
  }

  /** A take with its notes, and the notes of the phrase it was made from while its part still holds them. */
  get(takeId: number): PhraseTakeDetail {
    const take = this.#repo.detail(takeId);
    return { ...take, phrase: this.#phraseOf(take)?.notes ?? null };
  }

  /** A batch's takes in the order they were made. */
  batch(batchId: string): PhraseTake[] {
    return this.#repo.batch(batchId);
  }

  /**
   * Makes `count` takes (seeds seed, seed + 1, …) and stores them in one transaction: ready, or
   * failed with the reason where the model itself failed. A request the model cannot serve is
   * refused in one line before anything is made.
   */
  async generate(input: PhraseGenerateRequest): Promise<{ batchId: string; takes: PhraseTake[] }> {
    const request = phraseGenerateRequestSchema.parse(input);
    const model = this.#options.models.get(request.modelId);
    const settings = settingsOf(request, model);
    // Bad phrases are refused now, in one line, rather than as failed takes.
    for (const ref of [request.from, request.to]) if (ref !== undefined) loadPhrase(this.#options.sources, ref);
    return this.#make(model, settings, seedsFrom(request.seed ?? randomSeed(), request.count));
  }

  /** One take with the same model and settings as `takeId`, and a fresh seed. */
  async regenerate(takeId: number): Promise<{ batchId: string; takes: PhraseTake[] }> {
    const take = this.#repo.get(takeId);
    const model = this.#options.models.get(take.modelId);
    checkModelFor(model, take.settings.mode);
    return this.#make(model, [take.settings], [randomSeed()]);
  }

  update(takeId: number, patch: { verdict?: TakeVerdict; starred?: boolean }): PhraseTake {
    const parsed = phraseTakePatchSchema.parse(patch);
    const take = this.#repo.update(takeId, parsed);
    this.#options.changed([take.id], [take.modelId]);
    return take;
  }

  /** Deletes a model's discarded takes, rows and notes (a part made from one stays: it is music of its own). */
  deleteDiscarded(modelId: number): { deleted: number } {
    this.#options.models.get(modelId);
    const ids = this.#repo.deleteDiscarded(modelId);
    if (ids.length > 0) this.#options.changed(ids, [modelId]);
    return { deleted: ids.length };
  }

  /** A vary model's sliders, and where `from` (its refined latent) sits on them (clamped to ±SLIDER_LIMIT). */
  async sliders(modelId: number, from?: PhraseRef): Promise<PhraseSliders> {
    const kit = await this.#varyKit(modelId, 'sliders');
    let position: number[] | null = null;
    if (from !== undefined) {
      const [mean] = await kit.latents.of([sourcePhrase(this.#modelPhrase(kit, from))]);
      position = sliderPosition(kit.space, mean!).map((value) => Math.max(-SLIDER_LIMIT, Math.min(SLIDER_LIMIT, value)));
    }
    return { count: kit.space.directions.length, limit: SLIDER_LIMIT, spreads: kit.space.spreads, explained: kit.space.explained, position, characters: kit.space.characters ?? null };
  }

  /** Slider positions decoded into notes, not stored (the Sliders panel, as the sliders move). */
  async preview(input: PhrasePreviewRequest): Promise<{ music: PartMusic; startBeats: number }> {
    const request = phrasePreviewRequestSchema.parse(input);
    const kit = await this.#varyKit(request.modelId, 'a preview');
    if (request.from !== undefined) this.#modelPhrase(kit, request.from);
    const settings: PhraseTakeSettings = {
      mode: 'vary',
      from: request.from ?? null,
      to: null,
      bars: kit.bars,
      temperature: request.temperature,
      sliders: request.sliders,
      fraction: null,
      quantize: phraseQuantizeSchema.parse(request.quantize ?? {}),
      // Decoded as a kept take of these settings is (settingsOf): what is heard is what is kept.
      ...beamFor(request.temperature),
    };
    const made = await makeTake(kit, settings, request.seed ?? randomSeed(), this.#options.sources);
    return { music: made.music, startBeats: takeSpan(settings, made.music.meterMap).startBeats };
  }

  /**
   * A take as audio: its own bars from their first beat, rendered by the General MIDI synth
   * (cached); `withPhrase`, a continuation from the first beat of the phrase it carries on, that
   * phrase's notes and then its own, so the songwriter hears whether it follows on.
   */
  async audio(takeId: number, options: { withPhrase?: boolean } = {}): Promise<{ renderId: string; durationSeconds: number; sampleRate: number }> {
    const { music, lengthBeats } = options.withPhrase ? this.#heardAfterPhrase(takeId) : this.#heard(takeId);
    return this.#options.audio.playbackOf(music, { toBeats: lengthBeats });
  }

  /** What every ready take sounds like, as audio() renders it: the renderings worth keeping in the cache. */
  sounds(): { music: PartMusic; options: { toBeats: number } }[] {
    return this.#repo.readyIds().map((takeId) => {
      const { music, lengthBeats } = this.#heard(takeId);
      return { music, options: { toBeats: lengthBeats } };
    });
  }

  /** Writes a take's WAV (as audio() renders it) to `destination`. */
  async writeWav(takeId: number, destination: string): Promise<{ durationSeconds: number; sampleRate: number }> {
    const { music, lengthBeats } = this.#heard(takeId);
    return this.#options.audio.writeWav(music, destination, { toBeats: lengthBeats });
  }

  /** Writes a take as a Standard MIDI File: its notes where they sit in the song, with the part's tempo and meter. */
  async writeMidi(takeId: number, destination: string): Promise<{ notes: number }> {
    const take = this.#ready(takeId);
    await writeFileAtomic(destination, this.#options.encodeMidi(take.name, take.music), 'the MIDI file');
    return { notes: take.music.notes.length };
  }

  /** Adds a take to its song as a new part (source 'model') where the take sits; records the part on the take. */
  addToSong(takeId: number): PartDto {
    const take = this.#ready(takeId);
    if (take.partId !== null) throw new AppError('INVALID_INPUT', `take ${take.id} is in its song already, as part ${take.partId}`);
    if (take.songId === null) {
      throw new AppError('INVALID_INPUT', `take ${take.id} has no song: it was made from no phrase of one (or its song was deleted)`);
    }
    if (take.music.notes.length === 0) throw new AppError('INVALID_INPUT', `take ${take.id} has no notes to add`);
    const model = this.#options.models.get(take.modelId);
    const part = this.#options.parts.addPart({
      songId: take.songId,
      name: `${model.name} · ${take.name}`,
      source: 'model',
      settings: { phraseModelId: model.id, phraseTakeId: take.id, seed: take.seed, ...take.settings },
      music: take.music,
    });
    this.#repo.setPart(take.id, part.id);
    this.#options.changed([take.id], [take.modelId]);
    return part;
  }

  /** After phrase models changed (trained again, deleted): their open sessions close and reopen on next use. */
  async modelsChanged(modelIds: readonly number[]): Promise<void> {
    await this.#kits.close(modelIds);
  }

  async dispose(): Promise<void> {
    await this.#kits.closeAll();
  }

  async #make(model: PhraseModel, settings: PhraseTakeSettings[], seeds: string[]): Promise<{ batchId: string; takes: PhraseTake[] }> {
    const kit = await this.#kits.of(model);
    const made: NewPhraseTake[] = [];
    for (const [i, takeSettings] of settings.entries()) {
      const seed = seeds[i]!;
      const started = performance.now();
      try {
        const { latent, ...take } = await makeTake(kit, takeSettings, seed, this.#options.sources);
        // How its phrases were encoded this time (a regenerated take's may differ from its source's).
        const settingsMade: PhraseTakeSettings = { ...takeSettings };
        delete settingsMade.latent;
        if (latent !== undefined) settingsMade.latent = latent;
        made.push({ settings: settingsMade, seed, ...take, generateSeconds: (performance.now() - started) / 1000 });
      } catch (error) {
        // A phrase that went between the check and now is refused whole; a model that fails is a failed take.
        if (error instanceof AppError && error.code !== 'INTERNAL') throw error;
        const songId = takeSettings.from === null ? null : this.#songOf(takeSettings.from.partId);
        made.push({ settings: takeSettings, seed, songId, error: toErrorPayload(error).message });
      }
    }
    const batchId = randomBytes(8).toString('hex');
    const ids = this.#repo.insertBatch(model.id, batchId, made);
    this.#options.changed(ids, [model.id]);
    return { batchId, takes: this.#repo.batch(batchId) };
  }

  #songOf(partId: number): number | null {
    try {
      return this.#options.sources.partSong(partId);
    } catch {
      return null;
    }
  }

  async #varyKit(modelId: number, what: string): Promise<VaryKit> {
    const model = this.#options.models.get(modelId);
    if (model.kind !== 'vary') throw new AppError('INVALID_INPUT', `${what}: sliders belong to vary models; phrase model ${model.id} continues phrases`);
    checkModelFor(model, 'vary');
    const kit = await this.#kits.of(model);
    if (kit.kind !== 'vary') throw new AppError('INTERNAL', `phrase model ${model.id}'s export is not a vary model's`);
    return kit;
  }

  /** A phrase of the model's length, loaded. */
  #modelPhrase(kit: VaryKit, ref: PhraseRef): ReturnType<typeof loadPhrase> {
    if (ref.bars !== kit.bars) throw new AppError('INVALID_INPUT', `phrase model ${kit.modelId} learned ${kit.bars}-bar phrases: \`from\` must be ${kit.bars} bars, not ${ref.bars}`);
    return loadPhrase(this.#options.sources, ref);
  }

  #ready(takeId: number): PhraseTake & { music: PartMusic } {
    const take = this.#repo.detail(takeId);
    if (take.music === null) throw new AppError('INVALID_INPUT', `take ${takeId} failed, so it has no notes${take.error ? ` (${take.error})` : ''}`);
    return { ...take, music: take.music };
  }

  /** The `from` phrase's notes (those that start in its bars, cut at its end) and where it starts, or null when the part no longer has it. */
  #phraseOf(take: PhraseTake): { notes: PartNote[]; fromBeats: number } | null {
    const ref = take.settings.from;
    if (ref === null) return null;
    let phrase: ReturnType<typeof loadPhrase>;
    try {
      phrase = loadPhrase(this.#options.sources, ref);
    } catch {
      return null; // the part was deleted or cut shorter since: the take stands alone
    }
    const notes = phrase.music.notes
      .filter((note) => note.startBeats >= phrase.fromBeats - 1e-6 && note.startBeats < phrase.toBeats - 1e-6)
      .map((note) => ({ ...note, durationBeats: Math.min(note.durationBeats, phrase.toBeats - note.startBeats) }));
    return { notes, fromBeats: phrase.fromBeats };
  }

  /** A continuation with the phrase it carries on before it, as heard from the phrase's first beat. */
  #heardAfterPhrase(takeId: number): { music: PartMusic; lengthBeats: number } {
    const take = this.#ready(takeId);
    if (take.settings.mode !== 'continue') throw new AppError('INVALID_INPUT', `take ${takeId} is a ${take.settings.mode === 'vary' ? 'variation' : 'blend'}: it sits over its phrase, so only a continuation plays after it`);
    const phrase = this.#phraseOf(take);
    if (phrase === null) throw new AppError('NOT_FOUND', `the phrase take ${takeId} carries on is no longer in its part`);
    return this.#shifted({ ...take.music, notes: [...phrase.notes, ...take.music.notes] }, phrase.fromBeats, take.startBeats + take.lengthBeats);
  }

  /** The take's own bars, shifted to start at beat 0 with the maps in force there, as the synth plays it. */
  #heard(takeId: number): { music: PartMusic; lengthBeats: number } {
    const take = this.#ready(takeId);
    return this.#shifted(take.music, take.startBeats, take.startBeats + take.lengthBeats);
  }

  /** `music` from `start` to `end` (beats), moved to start at beat 0 with the maps in force there. */
  #shifted(source: PartMusic, start: number, end: number): { music: PartMusic; lengthBeats: number } {
    const music: PartMusic = {
      ...source,
      notes: source.notes.map((note) => ({ ...note, startBeats: Math.max(0, note.startBeats - start) })),
      bends: [],
      tempoMap: mapFrom(source.tempoMap, start, end),
      meterMap: mapFrom(source.meterMap, start, end),
    };
    return { music, lengthBeats: end - start };
  }
}
