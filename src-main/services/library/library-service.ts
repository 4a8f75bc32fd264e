/**
 * The library: songs, the bounces imported into them, and the clips cut from those bounces.
 *
 * Import goes one file at a time, and is atomic per file: the header is checked first (a file
 * over the limits is refused before it is read whole or decoded), then the bytes are decoded
 * and checked before anything is written; then the original and its playback copy go into the
 * content-addressed store together with the rows (storeImport). If any step fails, the files
 * this import created are removed and no row remains: a bad file leaves the library exactly as
 * it was; if the process is killed, the next start removes what it left. A file whose bytes the
 * library holds already (same SHA-256) is not imported again unless asked (`again`): the
 * answer names the song that has it. Deleting a song or clip is library-deletion.ts.
 */
import path from 'node:path';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import {
  clipDraftSchema,
  clipPatchSchema,
  type AudioFile,
  type Clip,
  type ClipDraft,
  type ClipPatch,
  type ImportDuplicate,
  type ImportProgress,
  type Song,
} from '../../common/dto.js';
import type { DeletionSummary, DeletionTarget } from '../../common/deletion.js';
import { AppError, toErrorPayload, type ErrorPayload } from '../../common/errors.js';
import type { MusicalTime, MusicalTimePatch } from '../../common/musical-time.js';
import type { AudioProcessor } from '../audio/processor.js';
import { checkHeader as checkAudioHeader } from '../audio/decode.js';
import { AudioStore, derivedFrom, derivedKey, isRenderedKey, sha256Hex, storeKey, type StagedFile } from '../store/audio-store.js';
import { describeFsError } from '../store/atomic-write.js';
import { defaultHole } from '../../common/clip-geometry.js';
import { MAX_IMPORT_BYTES, type LibraryLimits } from '../../common/limits.js';
import { pausePoint } from '../../node/pause-point.js';
import { float32Bytes, readFloat32File } from '../models/float32-file.js';
import { checkClipRegion, type ClipRegion } from './clip-rules.js';
import { LibraryDeletion, NO_DEPENDENTS, type LibraryDependents } from './library-deletion.js';
import type { MidiImports } from './midi-imports.js';
import type { MusicalValues } from './musical-time-repository.js';
import type { PartDto } from '../../common/midi.js';
import type { LibraryRepository } from './library-repository.js';
import { estimatedMusicalValues, SongMusicalTime } from './song-musical-time.js';


export interface ImportInput {
  /** The file's name on the user's disk (only the base name is kept). */
  name: string;
  data: Uint8Array;
}

export interface ImportOptions {
  /** Put every file into this song… */
  songId?: number;
  /** …or into one new song with this name; by default each file makes its own song. */
  songName?: string;
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Where these files stand in a larger import sent in pieces (a web upload is one file per
   * request): progress counts them as files `index`… of `total`.
   */
  position?: { index: number; total: number };
  /** Import files whose bytes the library holds already, too (by default they are left alone and listed). */
  again?: boolean;
}

export interface ImportResult {
  files: AudioFile[];
  failures: { name: string; error: ErrorPayload }[];
  /** Files left alone because the library holds the same bytes: the song that has them. */
  duplicates: ImportDuplicate[];
  /** The parts made from the MIDI files among them (midi-imports.ts). */
  parts: PartDto[];
}

/** Called with the ids of songs whose files or clips changed. */
export type LibraryChangeListener = (songIds: number[]) => void;

export class LibraryService {
  readonly #deletion: LibraryDeletion;
  readonly #musicalTime: SongMusicalTime;

  constructor(
    private readonly repository: LibraryRepository,
    private readonly store: AudioStore,
    private readonly processor: AudioProcessor,
    private readonly limits: LibraryLimits,
    private readonly onChange: LibraryChangeListener = () => {},
    /** What other features made from the library's clips (core.ts: models, takes, listening sessions). */
    dependents: LibraryDependents = NO_DEPENDENTS,
    /** Where MIDI files go (core.ts: the parts feature); without it they are refused as audio that cannot be decoded. */
    private readonly midi: MidiImports | null = null,
  ) {
    this.#deletion = new LibraryDeletion(repository, store, dependents);
    this.#musicalTime = new SongMusicalTime(repository, store, processor, onChange);
  }

  // ---- musical time (song-musical-time.ts)

  /** Sets a song's tempo, signature, bar 1 or key as the user gives them. */
  async setMusicalTime(songId: number, patch: MusicalTimePatch): Promise<Song> {
    await this.#musicalTime.set(songId, patch);
    return this.getSong(songId);
  }

  /** The song's musical time, analysing its newest file first if it was imported before the analysis existed. */
  ensureMusicalTime(songId: number): Promise<MusicalTime> {
    return this.#musicalTime.ensure(songId);
  }

  /** Analyses every song that has no musical time yet (the follow-up of migration 0009); their ids. */
  backfillMusicalTime(): Promise<number[]> {
    return this.#musicalTime.backfill();
  }

  /** Ends a running backfill after its current song (the core's dispose). */
  stopMusicalTime(): Promise<void> {
    return this.#musicalTime.stop();
  }

  // ---- songs and files

  listSongs(): Song[] {
    const filesBySong = this.repository.filesBySong();
    const musicalTimes = this.repository.musicalTimes.all();
    return this.repository.songs().map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      clipCount: row.clip_count,
      files: filesBySong.get(row.id) ?? [],
      musicalTime: musicalTimes.get(row.id) ?? null,
    }));
  }

  getSong(songId: number): Song {
    const row = this.repository.song(songId);
    if (!row) throw new AppError('NOT_FOUND', `there is no song ${songId}`);
    return {
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      clipCount: row.clip_count,
      files: this.repository.filesOfSong(songId),
      musicalTime: this.repository.musicalTimes.get(songId),
    };
  }

  /** Whether there is such a song. */
  hasSong(songId: number): boolean {
    return this.repository.song(songId) !== undefined;
  }

  /**
   * A new song with the musical time given (a MIDI file's own tempo and signature), inside the
   * caller's transaction when there is one (the parts feature's import: song and parts land
   * together); its id. The caller reports the change once its transaction committed.
   */
  createSong(name: string, time: MusicalValues): number {
    return this.repository.transaction(() => {
      const songId = this.repository.insertSong(name, nowIso());
      this.repository.musicalTimes.write(songId, time, false);
      return songId;
    });
  }

  renameSong(songId: number, name: string): Song {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) {
      throw new AppError('INVALID_INPUT', 'a song name needs 1 to 200 characters');
    }
    if (!this.repository.renameSong(songId, trimmed)) {
      throw new AppError('NOT_FOUND', `there is no song ${songId}`);
    }
    this.onChange([songId]);
    return this.getSong(songId);
  }

  /** What deleting a song or clip would remove and keep, and what stops it now. */
  describeDeletion(target: DeletionTarget): DeletionSummary {
    return this.#deletion.describe(target);
  }

  /** Deletes a song, its files, clips, their models and takes (library-deletion.ts); resolves with what went. */
  async deleteSong(songId: number): Promise<DeletionSummary> {
    const summary = await this.#deletion.deleteSong(songId);
    this.onChange([songId]);
    return summary;
  }

  getFile(fileId: number): AudioFile {
    const file = this.repository.file(fileId);
    if (!file) throw new AppError('NOT_FOUND', `there is no file ${fileId}`);
    return file;
  }

  /** Absolute path of the 16-bit WAV the UI streams for a file. */
  playbackPath(fileId: number): string {
    const keys = this.repository.fileKeys(fileId);
    if (!keys) throw new AppError('NOT_FOUND', `there is no file ${fileId}`);
    return this.store.pathOf(keys.playbackKey);
  }

  /** Absolute path of the original bytes as imported. */
  originalPath(fileId: number): string {
    const keys = this.repository.fileKeys(fileId);
    if (!keys) throw new AppError('NOT_FOUND', `there is no file ${fileId}`);
    return this.store.pathOf(keys.storeKey);
  }

  // ---- import

  /** Imports bytes already in memory (IPC, a web upload, the demo), one file after another. */
  async importFiles(inputs: ImportInput[], options: ImportOptions = {}): Promise<ImportResult> {
    if (inputs.length === 0) throw new AppError('INVALID_INPUT', 'nothing to import');
    return this.importEach(
      inputs.map((input) => ({ name: path.basename(input.name), load: () => Promise.resolve(input.data) })),
      options,
    );
  }

  /**
   * Imports files from disk (the CLI's path), reading each only when its turn comes, and only
   * its first bytes until its header passed: a two-hour WAV is refused without reading its
   * 635 MB, let alone decoding them.
   */
  async importPaths(paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
    if (paths.length === 0) return { files: [], failures: [], duplicates: [], parts: [] };
    return this.importEach(
      paths.map((filePath) => ({ name: path.basename(filePath), load: () => this.readImport(filePath) })),
      options,
    );
  }

  /**
   * The header check of a file about to be sent whole (a web upload's first bytes): refuses
   * it (AppError) when what its header declares is over the limits, before the rest arrives.
   */
  checkHeader(name: string, head: Uint8Array, fileSize: number): void {
    if (this.midi?.accepts(name)) return this.midi.checkHeader(name, head, fileSize);
    if (fileSize > MAX_IMPORT_BYTES) throw tooManyBytes(name);
    checkAudioHeader(head, name, { maxSeconds: this.limits.maxImportSeconds, fileSize });
  }

  private async importEach(pending: PendingImport[], options: ImportOptions): Promise<ImportResult> {
    if (options.songId !== undefined) this.getSong(options.songId); // NOT_FOUND before any work
    const result: ImportResult = { files: [], failures: [], duplicates: [], parts: [] };
    const first = options.position?.index ?? 0;
    const total = options.position?.total ?? pending.length;
    let targetSongId = options.songId;
    const report = (index: number, name: string, phase: ImportProgress['phase'], within: number, error?: string) =>
      options.onProgress?.({
        index: first + index,
        total,
        name,
        phase,
        fraction: Math.min(1, (first + index + within) / total),
        ...(error === undefined ? {} : { error }),
      });

    for (const [index, { name, load }] of pending.entries()) {
      try {
        report(index, name, 'reading', 0);
        const loaded = await load();
        if (!(loaded instanceof Uint8Array)) {
          result.failures.push({ name: loaded.listedAs, error: loaded.error });
          report(index, name, 'failed', 1, loaded.error.message);
          continue;
        }
        this.checkHeader(name, loaded, loaded.byteLength);
        const sha256 = sha256Hex(loaded);
        if (this.midi?.accepts(name)) {
          const known = options.again ? undefined : this.midi.duplicateOf(sha256);
          if (known) result.duplicates.push({ name, songId: known.songId, songName: known.songName, fileId: null, midiFileId: known.midiFileId });
          else {
            report(index, name, 'decoding', 0.05);
            const imported = await this.midi.importMidi(name, loaded, targetSongId ?? { newSongName: options.songName ?? songNameFromFile(name) });
            if (options.songName !== undefined) targetSongId = imported.songId;
            result.parts.push(...imported.parts);
          }
          report(index, name, 'done', 1);
          continue;
        }
        const existing = options.again ? undefined : this.repository.firstWithHash(sha256);
        if (existing) {
          result.duplicates.push({ name, ...existing });
          report(index, name, 'done', 1);
          continue;
        }
        report(index, name, 'decoding', 0.05);
        const audio = await this.processor.process(name, loaded, { maxSeconds: this.limits.maxImportSeconds });
        report(index, name, 'storing', 0.8);
        const file = await this.storeImport(
          name,
          sha256,
          loaded,
          audio,
          targetSongId ?? { newSongName: options.songName ?? songNameFromFile(name) },
        );
        // With --song NAME every later file joins the song the first successful one created.
        if (options.songName !== undefined) targetSongId = file.songId;
        result.files.push(file);
        report(index, name, 'done', 1);
      } catch (error) {
        const payload = toErrorPayload(error);
        result.failures.push({ name, error: payload });
        report(index, name, 'failed', 1, payload.message);
      }
    }
    const changed = [...new Set([...result.files, ...result.parts].map((made) => made.songId))];
    if (changed.length > 0) this.onChange(changed);
    return result;
  }

  /**
   * A file's bytes once its size and header passed (AppError otherwise), or why it could not
   * be read, listed under the path as given ("nope.wav: no such file").
   */
  private async readImport(filePath: string): Promise<Uint8Array | Unreadable> {
    const name = path.basename(filePath);
    let handle: FileHandle;
    try {
      handle = await open(filePath, 'r');
    } catch (error) {
      return unreadable(filePath, error);
    }
    try {
      const facts = await handle.stat();
      if (!facts.isFile()) return unreadable(filePath, Object.assign(new Error('not a file'), { code: 'EISDIR' }));
      const head = new Uint8Array(Math.min(facts.size, HEAD_BYTES));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      this.checkHeader(name, head.subarray(0, bytesRead), facts.size);
      if (bytesRead === facts.size) return head;
      return await handle.readFile();
    } catch (error) {
      if (error instanceof AppError) throw error;
      return unreadable(filePath, error);
    } finally {
      await handle.close();
    }
  }

  /**
   * Puts the original and its playback copy into the store and inserts the row that names
   * them, so that a process killed at any step leaves nothing a later start cannot recognise:
   * both files are written and flushed under temporary names carrying this process's id (swept
   * once it is gone), then renamed into place inside the write transaction that inserts the
   * row. No process can be between placing and committing while another holds the write lock,
   * so a store file without a row is never a live import's: the start-up sweep removes it
   * (removeUnreferencedFiles).
   */
  private async storeImport(
    name: string,
    sha256: string,
    bytes: Uint8Array,
    audio: Awaited<ReturnType<AudioProcessor['process']>>,
    song: number | { newSongName: string },
  ): Promise<AudioFile> {
    const originalKey = storeKey('files', sha256, `.${audio.format}`);
    const playbackKey = storeKey('playback', sha256, '.wav');
    const staged: StagedFile[] = [];
    try {
      staged.push(await this.store.stage(originalKey, bytes));
      staged.push(await this.store.stage(playbackKey, audio.playbackWav));
      pausePoint('import:staged');
      // A new song and its first file land together or not at all.
      const fileId = this.repository.transaction(() => {
        const placed: string[] = [];
        try {
          for (const file of staged) if (this.store.placeSync(file)) placed.push(file.key);
          pausePoint('import:placed');
          const songId = typeof song === 'number' ? song : this.repository.insertSong(song.newSongName, nowIso());
          // The song's grid and key follow its newest bounce, except what the user set.
          this.repository.musicalTimes.write(songId, estimatedMusicalValues(audio.musicalTime), false);
          return this.repository.insertFile(
            {
              songId,
              originalName: name,
              format: audio.format,
              sha256,
              sizeBytes: bytes.byteLength,
              storeKey: originalKey,
              playbackKey,
              sampleRate: audio.sampleRate,
              channels: audio.channels,
              frames: audio.frames,
              durationSeconds: audio.durationSeconds,
              peakDbfs: audio.peakDbfs,
              loudnessLufs: audio.loudnessLufs,
            },
            nowIso(),
          );
        } catch (error) {
          // Still under the write lock: what this import placed is nobody else's yet.
          for (const key of placed) removeQuietly(() => this.store.removeSync(key));
          throw error;
        }
      });
      return this.getFile(fileId);
    } catch (error) {
      for (const file of staged) await this.store.discard(file);
      if (error instanceof AppError) throw new AppError(error.code, `${name}: ${error.message}`);
      throw new AppError('STORAGE', `${name}: could not be saved to the library (${toErrorPayload(error).message})`);
    }
  }

  /**
   * Removes the store's originals and playback copies that no file row names, and derived audio
   * of files no row has: what an import killed between placing its files and committing its
   * row left, and what a delete killed before removing its files left (library-deletion.ts).
   * Runs under the write lock, so no live import is between those steps. Returns the keys removed.
   */
  removeUnreferencedFiles(): string[] {
    return this.repository.transaction(() => {
      const named = this.repository.storedKeys();
      const hashed = this.repository.storedHashes();
      const orphans = [
        // Rendered playback copies (MIDI parts) belong to no file row: a cache the synth floor keeps.
        ...[...this.store.keysSync('files'), ...this.store.keysSync('playback')].filter((key) => !named.has(key) && !isRenderedKey(key)),
        // Derived audio named by its recipe alone (before derivedKey) has no file to ask: a cache, made again when needed.
        ...this.store.keysSync('derived').filter((key) => !hashed.has(derivedFrom(key) ?? '')),
      ];
      for (const key of orphans) removeQuietly(() => this.store.removeSync(key));
      return orphans;
    });
  }

  // ---- clips

  listClips(songId?: number): Clip[] {
    if (songId !== undefined) this.getSong(songId);
    return this.repository.clips(songId);
  }

  getClip(clipId: number): Clip {
    const clip = this.repository.clip(clipId);
    if (!clip) throw new AppError('NOT_FOUND', `there is no clip ${clipId}`);
    return clip;
  }

  addClip(draft: ClipDraft): Clip {
    const parsed = clipDraftSchema.parse(draft);
    const song = this.getSong(parsed.songId);
    const file =
      parsed.fileId === undefined ? this.repository.latestFileOfSong(song.id) : this.repository.file(parsed.fileId);
    if (!file || file.songId !== song.id) {
      throw new AppError(
        'NOT_FOUND',
        parsed.fileId === undefined
          ? `song ${song.id} has no audio file`
          : `song ${song.id} has no file ${parsed.fileId}`,
      );
    }
    const region = completeRegion({
      start: parsed.start,
      end: parsed.end,
      label: parsed.label,
      holeStart: parsed.holeStart ?? null,
      holeEnd: parsed.holeEnd ?? null,
    });
    checkClipRegion(region, { durationSeconds: file.durationSeconds, name: song.name }, this.limits.maxClipSeconds);
    const clipId = this.repository.insertClip(
      { fileId: file.id, ...region, split: parsed.split, notes: parsed.notes },
      nowIso(),
    );
    this.onChange([song.id]);
    return this.getClip(clipId);
  }

  updateClip(clipId: number, patch: ClipPatch): Clip {
    const changes = clipPatchSchema.parse(patch);
    const clip = this.getClip(clipId);
    const file = this.getFile(clip.fileId);
    const song = this.getSong(clip.songId);
    const label = changes.label ?? clip.label;
    const start = changes.start ?? clip.start;
    const end = changes.end ?? clip.end;
    // Leaving "gap" drops the hole; a moved gap clip keeps its hole unless one is given.
    const region = completeRegion({
      start,
      end,
      label,
      holeStart: label === 'gap' ? (changes.holeStart === undefined ? clip.holeStart : changes.holeStart) : null,
      holeEnd: label === 'gap' ? (changes.holeEnd === undefined ? clip.holeEnd : changes.holeEnd) : null,
    });
    checkClipRegion(region, { durationSeconds: file.durationSeconds, name: song.name }, this.limits.maxClipSeconds);
    this.repository.updateClip(
      clipId,
      { ...region, split: changes.split ?? clip.split, notes: changes.notes ?? clip.notes },
      nowIso(),
    );
    this.onChange([song.id]);
    return this.getClip(clipId);
  }

  /**
   * Deletes a clip; when models were made from it, they and their takes go too, which the
   * caller must have confirmed (`withModels`, else refused saying what would go).
   */
  async deleteClip(clipId: number, options: { withModels?: boolean } = {}): Promise<DeletionSummary> {
    const clip = this.getClip(clipId);
    const summary = await this.#deletion.deleteClip(clipId, options.withModels ?? false);
    this.onChange([clip.songId]);
    return summary;
  }

  // ---- training audio

  /**
   * The clip as mono float samples at `sampleRate`, ready for the trainer. Cached in the store
   * (raw little-endian float32, keyed by file, region and rate), so a resumed training reads the exact
   * same samples.
   */
  async trainingAudio(clipId: number, sampleRate: number): Promise<{ samples: Float32Array; path: string }> {
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192_000) {
      throw new AppError('INVALID_INPUT', `training sample rate ${sampleRate} Hz is out of range (1000-192000)`);
    }
    const clip = this.getClip(clipId);
    const keys = this.repository.fileKeys(clip.fileId);
    if (!keys) throw new AppError('NOT_FOUND', `there is no file ${clip.fileId}`);
    const cacheKey = derivedKey(keys.sha256, `${clip.start}:${clip.end}:${sampleRate}:mono:v1`, '.f32');
    if (await this.store.has(cacheKey)) {
      const samples = await readFloat32File(this.store.pathOf(cacheKey));
      return { samples, path: this.store.pathOf(cacheKey) };
    }
    const bytes = await readFile(this.store.pathOf(keys.storeKey));
    const samples = await this.processor.prepareTraining({
      name: keys.originalName,
      bytes,
      startSeconds: clip.start,
      endSeconds: clip.end,
      sampleRate,
    });
    await this.store.put(cacheKey, float32Bytes(samples));
    return { samples, path: this.store.pathOf(cacheKey) };
  }
}

function completeRegion(region: ClipRegion): ClipRegion {
  if (region.label === 'gap' && region.holeStart === null && region.holeEnd === null) {
    return { ...region, ...defaultHole(region.start, region.end) };
  }
  return region;
}

/** Bytes read from the start of a file on disk to check its header before the rest is read. */
const HEAD_BYTES = 1024 * 1024;

/** One file waiting its turn: read (and its header checked) only when it comes. */
interface PendingImport {
  /** The base name: what messages start with and a new song is named after. */
  name: string;
  load(): Promise<Uint8Array | Unreadable>;
}

/** A file that could not be read, listed under the path as given. */
interface Unreadable {
  listedAs: string;
  error: ErrorPayload;
}

function unreadable(filePath: string, error: unknown): Unreadable {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : describeFsError(error);
  return { listedAs: filePath, error: { code: 'INVALID_INPUT', message: `${filePath}: ${reason}` } };
}

function tooManyBytes(name: string): AppError {
  return new AppError('TOO_LONG', `${name}: larger than 1 GiB, the most Eureka imports in one file`);
}

/** Runs a removal whose failure must not hide the error being handled. */
function removeQuietly(remove: () => void): void {
  try {
    remove();
  } catch {
    // The start-up sweep removes it next time.
  }
}

function songNameFromFile(name: string): string {
  const base = name.replace(/\.[^.]+$/, '').trim();
  return (base.length > 0 ? base : name).slice(0, 200);
}

function nowIso(): string {
  return new Date().toISOString();
}
