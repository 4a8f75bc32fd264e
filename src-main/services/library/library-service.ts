/**
 * The library: songs, the bounces imported into them, and the clips cut from those bounces.
 *
 * Import is atomic per file: the bytes are decoded and checked before anything is written;
 * then the original and its playback copy go into the content-addressed store, and the rows
 * are inserted in one transaction. If any step fails, the files this import created are
 * removed and no row remains: a bad file leaves the library exactly as it was.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  clipDraftSchema,
  clipPatchSchema,
  type AudioFile,
  type Clip,
  type ClipDraft,
  type ClipPatch,
  type ImportProgress,
  type Song,
} from '../../common/dto.js';
import { AppError, toErrorPayload, type ErrorPayload } from '../../common/errors.js';
import type { AudioProcessor } from '../audio/processor.js';
import { AudioStore, sha256Hex, storeKey } from '../store/audio-store.js';
import { defaultHole } from '../../common/clip-geometry.js';
import { checkClipRegion, type ClipRegion } from './clip-rules.js';
import type { LibraryRepository } from './library-repository.js';

export interface LibraryLimits {
  /** Longest file accepted on import, seconds. */
  maxImportSeconds: number;
  /** Longest clip, seconds. */
  maxClipSeconds: number;
}

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
}

export interface ImportResult {
  files: AudioFile[];
  failures: { name: string; error: ErrorPayload }[];
}

/** Called with the ids of songs whose files or clips changed. */
export type LibraryChangeListener = (songIds: number[]) => void;

export class LibraryService {
  constructor(
    private readonly repository: LibraryRepository,
    private readonly store: AudioStore,
    private readonly processor: AudioProcessor,
    private readonly limits: LibraryLimits,
    private readonly onChange: LibraryChangeListener = () => {},
  ) {}

  // ---- songs and files

  listSongs(): Song[] {
    const filesBySong = this.repository.filesBySong();
    return this.repository.songs().map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      clipCount: row.clip_count,
      files: filesBySong.get(row.id) ?? [],
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
    };
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

  async importFiles(inputs: ImportInput[], options: ImportOptions = {}): Promise<ImportResult> {
    if (inputs.length === 0) throw new AppError('INVALID_INPUT', 'nothing to import');
    if (options.songId !== undefined) this.getSong(options.songId); // NOT_FOUND before any work
    const result: ImportResult = { files: [], failures: [] };
    let targetSongId = options.songId;
    const report = (index: number, name: string, phase: ImportProgress['phase'], within: number, error?: string) =>
      options.onProgress?.({
        index,
        total: inputs.length,
        name,
        phase,
        fraction: Math.min(1, (index + within) / inputs.length),
        ...(error === undefined ? {} : { error }),
      });

    for (const [index, input] of inputs.entries()) {
      const name = path.basename(input.name);
      try {
        report(index, name, 'decoding', 0.05);
        const audio = await this.processor.process(name, input.data, { maxSeconds: this.limits.maxImportSeconds });
        report(index, name, 'storing', 0.8);
        const file = await this.storeImport(
          name,
          input.data,
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
    const changed = [...new Set(result.files.map((file) => file.songId))];
    if (changed.length > 0) this.onChange(changed);
    return result;
  }

  /** Reads files from disk and imports them (the CLI's path). */
  async importPaths(paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
    const inputs: ImportInput[] = [];
    const failures: ImportResult['failures'] = [];
    for (const filePath of paths) {
      try {
        inputs.push({ name: path.basename(filePath), data: await readFile(filePath) });
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : toErrorPayload(error).message;
        failures.push({ name: filePath, error: { code: 'INVALID_INPUT', message: `${filePath}: ${reason}` } });
      }
    }
    const imported = inputs.length > 0 ? await this.importFiles(inputs, options) : { files: [], failures: [] };
    return { files: imported.files, failures: [...failures, ...imported.failures] };
  }

  private async storeImport(
    name: string,
    bytes: Uint8Array,
    audio: Awaited<ReturnType<AudioProcessor['process']>>,
    song: number | { newSongName: string },
  ): Promise<AudioFile> {
    const sha256 = sha256Hex(bytes);
    const originalKey = storeKey('files', sha256, `.${audio.format}`);
    const playbackKey = storeKey('playback', sha256, '.wav');
    const created: string[] = [];
    try {
      if ((await this.store.put(originalKey, bytes)).created) created.push(originalKey);
      if ((await this.store.put(playbackKey, audio.playbackWav)).created) created.push(playbackKey);
      // A new song and its first file land together or not at all.
      const fileId = this.repository.transaction(() =>
        this.repository.insertFile(
          {
            songId: typeof song === 'number' ? song : this.repository.insertSong(song.newSongName, nowIso()),
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
        ),
      );
      return this.getFile(fileId);
    } catch (error) {
      for (const key of created) await this.store.remove(key).catch(() => undefined);
      if (error instanceof AppError) throw new AppError(error.code, `${name}: ${error.message}`);
      throw new AppError('STORAGE', `${name}: could not be saved to the library (${toErrorPayload(error).message})`);
    }
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

  deleteClip(clipId: number): void {
    const clip = this.getClip(clipId);
    this.repository.deleteClip(clipId);
    this.onChange([clip.songId]);
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
    const cacheKey = storeKey(
      'derived',
      sha256Hex(new TextEncoder().encode(`${keys.sha256}:${clip.start}:${clip.end}:${sampleRate}:mono:v1`)),
      '.f32',
    );
    if (await this.store.has(cacheKey)) {
      const cached = await readFile(this.store.pathOf(cacheKey));
      const samples = new Float32Array(cached.byteLength / 4);
      new Uint8Array(samples.buffer).set(cached);
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
    await this.store.put(cacheKey, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    return { samples, path: this.store.pathOf(cacheKey) };
  }
}

function completeRegion(region: ClipRegion): ClipRegion {
  if (region.label === 'gap' && region.holeStart === null && region.holeEnd === null) {
    return { ...region, ...defaultHole(region.start, region.end) };
  }
  return region;
}

function songNameFromFile(name: string): string {
  const base = name.replace(/\.[^.]+$/, '').trim();
  return (base.length > 0 ? base : name).slice(0, 200);
}

function nowIso(): string {
  return new Date().toISOString();
}
