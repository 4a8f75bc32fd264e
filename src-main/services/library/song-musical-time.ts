/**
 * A song's musical time in the library: what the import's analysis stores (the estimates of
 * the song's newest bounce; a value the user set is never overwritten), what the user sets,
 * and the analysis of songs imported before it existed (migration 0009): each one's newest
 * file is decoded again and analysed, on demand (`ensure`: the CLI, the export) or for all of
 * them in the background (`backfill`: the app and web mode at start).
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors.js';
import {
  DEFAULT_TEMPO,
  keyName,
  musicalTimePatchSchema,
  type MusicalTime,
  type MusicalTimePatch,
} from '../../common/musical-time.js';
import type { MusicalTimeEstimate } from '../audio/analysis/musical-time.js';
import type { AudioProcessor } from '../audio/processor.js';
import type { AudioStore } from '../store/audio-store.js';
import type { LibraryRepository } from './library-repository.js';
import type { MusicalValues } from './musical-time-repository.js';

/**
 * What an analysis stores: the estimates, or the defaults where it found nothing (120 BPM and
 * bar 1 at the start without a clear beat, no key without a clear one). The signature is not
 * estimated, so an analysis leaves it alone.
 */
export function estimatedMusicalValues(estimate: MusicalTimeEstimate | null): MusicalValues {
  const beat = estimate?.beat ?? null;
  const key = estimate?.key ?? null;
  return {
    tempo: beat ? { bpm: beat.bpm, source: 'estimated' } : { bpm: DEFAULT_TEMPO, source: 'default' },
    downbeat: beat ? { seconds: beat.downbeatSeconds, source: 'estimated' } : { seconds: 0, source: 'default' },
    key: key ? { name: keyName(key.tonic, key.mode), source: 'estimated' } : { name: null, source: 'default' },
  };
}

export class SongMusicalTime {
  /** Analyses under way, by song id (two callers wait for the same one). */
  readonly #pending = new Map<number, Promise<MusicalTime>>();
  #backfill: Promise<number[]> | null = null;
  #stopped = false;

  constructor(
    private readonly repository: LibraryRepository,
    private readonly store: AudioStore,
    private readonly processor: AudioProcessor,
    private readonly onChange: (songIds: number[]) => void,
  ) {}

  /**
   * Sets what the user gave (each field becomes the user's); NOT_FOUND for no such song. A song
   * not analysed yet is analysed first, so the fields the user leaves alone get estimates.
   */
  async set(songId: number, patch: MusicalTimePatch): Promise<void> {
    const parsed = musicalTimePatchSchema.safeParse(patch);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('INVALID_INPUT', `${issue.path.join('.') || 'musical time'}: ${issue.message}`);
    }
    const { tempo, timeSignature, downbeatSeconds, key } = parsed.data;
    if (tempo === undefined && timeSignature === undefined && downbeatSeconds === undefined && key === undefined) {
      throw new AppError('INVALID_INPUT', 'nothing to change: give a tempo, time signature, downbeat or key');
    }
    await this.ensure(songId);
    const written = this.repository.transaction(() =>
      this.repository.musicalTimes.write(
        songId,
        {
          ...(tempo === undefined ? {} : { tempo: { bpm: tempo, source: 'user' } }),
          ...(timeSignature === undefined ? {} : { timeSignature: { value: timeSignature, source: 'user' } }),
          ...(downbeatSeconds === undefined ? {} : { downbeat: { seconds: downbeatSeconds, source: 'user' } }),
          ...(key === undefined ? {} : { key: { name: key, source: 'user' } }),
        },
        true,
      ),
    );
    if (!written) throw new AppError('NOT_FOUND', `there is no song ${songId}`);
    this.onChange([songId]);
  }

  /** The song's musical time, analysing its newest file first when it has none yet. */
  async ensure(songId: number): Promise<MusicalTime> {
    const stored = this.repository.musicalTimes.get(songId);
    if (stored) return stored;
    if (!this.repository.song(songId)) throw new AppError('NOT_FOUND', `there is no song ${songId}`);
    const running = this.#pending.get(songId);
    if (running) return running;
    const analysis = this.#analyse(songId).finally(() => this.#pending.delete(songId));
    this.#pending.set(songId, analysis);
    return analysis;
  }

  /**
   * Analyses every song that has no musical time yet, one after another; resolves with their
   * ids. A second call while one runs joins it. `stop` ends it after the song in hand.
   */
  backfill(): Promise<number[]> {
    this.#backfill ??= (async () => {
      const done: number[] = [];
      for (const songId of this.repository.musicalTimes.unanalysed()) {
        if (this.#stopped) break;
        try {
          await this.ensure(songId);
          done.push(songId);
        } catch {
          // A song deleted meanwhile; the next start tries what is left.
        }
      }
      return done;
    })().finally(() => {
      this.#backfill = null;
    });
    return this.#backfill;
  }

  /** Stops a running backfill after its current song and waits for it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#backfill?.catch(() => undefined);
    await Promise.allSettled(this.#pending.values());
  }

  async #analyse(songId: number): Promise<MusicalTime> {
    const file = this.repository.latestFileOfSong(songId);
    const keys = file ? this.repository.fileKeys(file.id) : undefined;
    let estimate: MusicalTimeEstimate | null = null;
    if (keys) {
      try {
        estimate = await this.processor.estimateMusicalTime(keys.originalName, await readFile(this.store.pathOf(keys.storeKey)));
      } catch {
        // An original that can no longer be read or decoded gets the defaults: the grid is
        // still usable and the user can set the true values.
      }
    }
    this.repository.transaction(() => {
      // An import may have analysed a newer bounce meanwhile: keep its estimate.
      if (this.repository.musicalTimes.get(songId) === null) {
        this.repository.musicalTimes.write(songId, estimatedMusicalValues(estimate), false);
      }
    });
    const time = this.repository.musicalTimes.get(songId);
    if (!time) throw new AppError('NOT_FOUND', `there is no song ${songId}`);
    this.onChange([songId]);
    return time;
  }
}
