/**
 * Deleting a song or a clip, with what goes with it (common/deletion.ts says what that is and
 * why listening sessions stay). The library owns songs, files and clips; the models made from
 * clips and their takes belong to other features, which this file sees only as
 * {@link LibraryDependents} (core.ts fills it in with the training, takes and rating services).
 *
 * A song goes in steps, each one atomic, in an order that a process killed between any two
 * leaves either the song still there (delete it again) or only files that the next start
 * removes:
 *   1. its models, one by one (the training service deletes the row, then its folder; a folder
 *      left without its row goes at the next start, core.ts; their takes' rows go by cascade,
 *      the takes folders with them or at the next start), then its MIDI parts and MIDI files
 *      (the parts feature: rows, then the originals no other song's file names);
 *   2. its rows, in one transaction (files and clips by cascade);
 *   3. the store files no file row names any more (originals, playback copies and derived
 *      audio are content-addressed and may be another song's too), under the write lock, so an
 *      import placing the same bytes meanwhile keeps them; a process killed before this step
 *      leaves files the next start's sweep removes (LibraryService.removeUnreferencedFiles).
 */
import { whatGoes, takesWorkAlong, type DeletionSummary, type DeletionTarget, type KeptSession } from '../../common/deletion.js';
import { AppError } from '../../common/errors.js';
import { formatSeconds } from '../../common/format-time.js';
import { pausePoint } from '../../node/pause-point.js';
import type { AudioStore } from '../store/audio-store.js';
import type { LibraryRepository } from './library-repository.js';

/** What a delete is about, as the features that depend on the library are asked about it. */
export interface DependentScope {
  /** The song deleted (its models whose clip is gone count too), or null when a clip is. */
  songId: number | null;
  clipIds: number[];
  /** The song's imported files (a listening session's real items name them). */
  fileIds: number[];
}

/** What other features hold of a scope. */
export interface DependentFacts {
  /** Models made from its clips (or of the song), and their takes: they go with it. */
  models: number;
  takes: number;
  /** A song's MIDI parts (services/parts/): they go with it. */
  parts: number;
  /** Listening sessions with items from it: they stay. */
  sessions: KeptSession[];
  /** Why it cannot go now (a model training or making takes), one sentence each. */
  blockers: string[];
}

/** The other features' part in a delete (core.ts: models, takes, listening sessions). */
export interface LibraryDependents {
  describe(scope: DependentScope): DependentFacts;
  /** Deletes the models of the scope, their takes and their folders, and a song's parts. Rejects when one cannot go. */
  remove(scope: DependentScope): Promise<void>;
}

/** A library on its own (tests of the library alone): nothing depends on it. */
export const NO_DEPENDENTS: LibraryDependents = {
  describe: () => ({ models: 0, takes: 0, parts: 0, sessions: [], blockers: [] }),
  remove: () => Promise.resolve(),
};

interface Scoped {
  scope: DependentScope;
  name: string;
  files: number;
  clips: number;
}

export class LibraryDeletion {
  constructor(
    private readonly repository: LibraryRepository,
    private readonly store: AudioStore,
    private readonly dependents: LibraryDependents,
  ) {}

  /** What deleting it would remove and keep, and what stops it now (NOT_FOUND for no such song or clip). */
  describe(target: DeletionTarget): DeletionSummary {
    return this.#summary(target, this.#scope(target));
  }

  /** Deletes a song with everything that goes with it; resolves with what went. */
  async deleteSong(songId: number): Promise<DeletionSummary> {
    const target: DeletionTarget = { kind: 'song', songId };
    const scoped = this.#scope(target);
    const summary = this.#summary(target, scoped);
    refuseBlocked(`song ${songId}`, summary);
    const stored = scoped.scope.fileIds.flatMap((fileId) => this.repository.fileKeys(fileId) ?? []);
    await this.dependents.remove(scoped.scope);
    this.repository.transaction(() => this.repository.deleteSong(songId));
    pausePoint('delete:committed');
    this.#removeUnused(
      stored.flatMap((keys) => [keys.storeKey, keys.playbackKey]),
      stored.map((keys) => keys.sha256),
    );
    return summary;
  }

  /**
   * Deletes a clip. When models were made from it they and their takes go too, which the caller
   * must have confirmed (`withModels`): refused otherwise, saying what would go.
   */
  async deleteClip(clipId: number, withModels: boolean): Promise<DeletionSummary> {
    const target: DeletionTarget = { kind: 'clip', clipId };
    const scoped = this.#scope(target);
    const summary = this.#summary(target, scoped);
    refuseBlocked(`clip ${clipId}`, summary);
    if (takesWorkAlong(summary) && !withModels) {
      throw new AppError('INVALID_INPUT', `clip ${clipId} takes ${whatGoes(summary)} with it: confirm that they go too`);
    }
    await this.dependents.remove(scoped.scope);
    this.repository.deleteClip(clipId);
    return summary;
  }

  #summary(target: DeletionTarget, scoped: Scoped): DeletionSummary {
    return { target, name: scoped.name, files: scoped.files, clips: scoped.clips, ...this.dependents.describe(scoped.scope) };
  }

  #scope(target: DeletionTarget): Scoped {
    if (target.kind === 'song') {
      const song = this.repository.song(target.songId);
      if (!song) throw new AppError('NOT_FOUND', `there is no song ${target.songId}`);
      const fileIds = this.repository.filesOfSong(song.id).map((file) => file.id);
      const clipIds = this.repository.clips(song.id).map((clip) => clip.id);
      return { scope: { songId: song.id, clipIds, fileIds }, name: song.name, files: fileIds.length, clips: clipIds.length };
    }
    const clip = this.repository.clip(target.clipId);
    if (!clip) throw new AppError('NOT_FOUND', `there is no clip ${target.clipId}`);
    const songName = this.repository.song(clip.songId)?.name ?? `song ${clip.songId}`;
    return {
      scope: { songId: null, clipIds: [clip.id], fileIds: [] },
      // As the training service names the models of a clip.
      name: `${songName} · ${formatSeconds(clip.start)}–${formatSeconds(clip.end)}`,
      files: 0,
      clips: 1,
    };
  }

  /** Removes the store files of these keys and file hashes that no file row names any more (see the top). */
  #removeUnused(keys: string[], hashes: string[]): void {
    try {
      this.repository.transaction(() => {
        const named = this.repository.storedKeys();
        const hashed = this.repository.storedHashes();
        const unused = [
          ...keys.filter((key) => !named.has(key)),
          ...[...new Set(hashes)].filter((hash) => !hashed.has(hash)).flatMap((hash) => this.store.derivedKeysSync(hash)),
        ];
        for (const key of unused) this.store.removeSync(key);
      });
    } catch {
      // The rows are gone; what could not be removed now is unreferenced, and the next start's sweep removes it.
    }
  }
}

function refuseBlocked(what: string, summary: DeletionSummary): void {
  if (summary.blockers.length > 0) {
    throw new AppError('INVALID_INPUT', `${what} cannot be deleted now: ${summary.blockers.join('; ')}`);
  }
}
