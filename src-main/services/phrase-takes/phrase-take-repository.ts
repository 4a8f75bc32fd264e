/**
 * SQL for the MIDI takes table (migration 0013 `phrase_takes`): rows ↔ the contract's
 * PhraseTake. A take's notes are its `music` (a PartMusic JSON in its song's beats) and its
 * settings JSON is everything besides model and seed that made them, so a take is made again
 * note for note. Where the take sits (startBeats, lengthBeats) is not stored: it follows from
 * the settings and the music's meter map (take-span.ts), the same computation that placed it.
 */
import { AppError } from '../../common/errors.js';
import { partMusicSchema, type PartMusic } from '../../common/midi.js';
import {
  phraseTakeMetricsSchema,
  phraseTakeSchema,
  phraseTakeSettingsSchema,
  type PhraseTake,
  type PhraseTakeMetrics,
  type PhraseTakeSettings,
} from '../../common/phrases.js';
import type { TakeVerdict } from '../../common/generation.js';
import type { Db } from '../../db/database.js';
import { takeSpan } from './take-span.js';

interface PhraseTakeRow {
  id: number;
  model_id: number;
  song_id: number | null;
  batch_id: string;
  name: string;
  mode: string;
  settings: string;
  seed: string;
  status: string;
  error: string | null;
  verdict: string;
  starred: number;
  music: string | null;
  metrics: string | null;
  part_id: number | null;
  generate_seconds: number | null;
  created_at: string;
}

/** One take of a batch as made: ready with its notes and measures, or failed with the reason. */
export type NewPhraseTake =
  | { settings: PhraseTakeSettings; seed: string; songId: number | null; music: PartMusic; metrics: PhraseTakeMetrics; generateSeconds: number }
  | { settings: PhraseTakeSettings; seed: string; songId: number | null; error: string };

export class PhraseTakeRepository {
  constructor(private readonly db: Db) {}

  /** Inserts a batch's takes in one transaction, named "Take N" on from the model's count; their ids in order. */
  insertBatch(modelId: number, batchId: string, takes: readonly NewPhraseTake[]): number[] {
    const insert = this.db.prepare(
      `INSERT INTO phrase_takes (model_id, song_id, batch_id, name, mode, settings, seed, status, error, music, metrics, generate_seconds, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const run = this.db.transaction(() => {
      const row = this.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM phrase_takes WHERE model_id = ?').get(modelId);
      const first = (row?.n ?? 0) + 1;
      const created = new Date().toISOString();
      return takes.map((take, i) => {
        const settings = JSON.stringify(phraseTakeSettingsSchema.parse(take.settings));
        const ready = 'music' in take;
        return Number(
          insert.run(
            modelId,
            take.songId,
            batchId,
            `Take ${first + i}`,
            take.settings.mode,
            settings,
            take.seed,
            ready ? 'ready' : 'failed',
            ready ? null : take.error,
            ready ? JSON.stringify(partMusicSchema.parse(take.music)) : null,
            ready ? JSON.stringify(phraseTakeMetricsSchema.parse(take.metrics)) : null,
            ready ? take.generateSeconds : null,
            created,
          ).lastInsertRowid,
        );
      });
    });
    return run.immediate();
  }

  get(id: number): PhraseTake {
    return toTake(this.#row(id));
  }

  /** A take with its notes (null for a failed one). */
  detail(id: number): PhraseTake & { music: PartMusic | null } {
    const row = this.#row(id);
    return { ...toTake(row), music: musicOf(row) };
  }

  /** A model's takes, newest first. */
  list(modelId: number): PhraseTake[] {
    return this.db.prepare<[number], PhraseTakeRow>('SELECT * FROM phrase_takes WHERE model_id = ? ORDER BY id DESC').all(modelId).map(toTake);
  }

  /** Every ready take's id (the renderings the app's start keeps). */
  readyIds(): number[] {
    return this.db.prepare<[], { id: number }>("SELECT id FROM phrase_takes WHERE status = 'ready' ORDER BY id").all().map((row) => row.id);
  }

  /** A batch's takes in the order they were made. */
  batch(batchId: string): PhraseTake[] {
    return this.db.prepare<[string], PhraseTakeRow>('SELECT * FROM phrase_takes WHERE batch_id = ? ORDER BY id').all(batchId).map(toTake);
  }

  update(id: number, patch: { verdict?: TakeVerdict | undefined; starred?: boolean | undefined }): PhraseTake {
    this.#row(id);
    if (patch.verdict !== undefined) this.db.prepare('UPDATE phrase_takes SET verdict = ? WHERE id = ?').run(patch.verdict, id);
    if (patch.starred !== undefined) this.db.prepare('UPDATE phrase_takes SET starred = ? WHERE id = ?').run(patch.starred ? 1 : 0, id);
    return this.get(id);
  }

  /** Records the song part a take became. */
  setPart(id: number, partId: number): PhraseTake {
    this.db.prepare('UPDATE phrase_takes SET part_id = ? WHERE id = ?').run(partId, id);
    return this.get(id);
  }

  /** Deletes a model's discarded takes; their ids. */
  deleteDiscarded(modelId: number): number[] {
    const run = this.db.transaction(() => {
      const ids = this.db
        .prepare<[number], { id: number }>("SELECT id FROM phrase_takes WHERE model_id = ? AND verdict = 'discarded' ORDER BY id")
        .all(modelId)
        .map((row) => row.id);
      this.db.prepare("DELETE FROM phrase_takes WHERE model_id = ? AND verdict = 'discarded'").run(modelId);
      return ids;
    });
    return run.immediate();
  }

  #row(id: number): PhraseTakeRow {
    const row = this.db.prepare<[number], PhraseTakeRow>('SELECT * FROM phrase_takes WHERE id = ?').get(id);
    if (!row) throw new AppError('NOT_FOUND', `there is no MIDI take ${id}`);
    return row;
  }
}

function musicOf(row: PhraseTakeRow): PartMusic | null {
  if (row.music === null) return null;
  const parsed = partMusicSchema.safeParse(JSON.parse(row.music));
  if (!parsed.success) throw new AppError('INTERNAL', `MIDI take ${row.id} has damaged notes: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

function toTake(row: PhraseTakeRow): PhraseTake {
  const music = musicOf(row);
  const settings = phraseTakeSettingsSchema.safeParse(JSON.parse(row.settings));
  const span = settings.success && music !== null ? takeSpan(settings.data, music.meterMap) : { startBeats: 0, lengthBeats: 0 };
  const parsed = phraseTakeSchema.safeParse({
    id: row.id,
    modelId: row.model_id,
    songId: row.song_id,
    batchId: row.batch_id,
    name: row.name,
    settings: settings.success ? settings.data : null,
    seed: row.seed,
    status: row.status,
    error: row.error,
    verdict: row.verdict,
    starred: row.starred === 1,
    noteCount: music?.notes.length ?? 0,
    startBeats: span.startBeats,
    lengthBeats: span.lengthBeats,
    metrics: row.metrics === null ? null : JSON.parse(row.metrics),
    partId: row.part_id,
    generateSeconds: row.generate_seconds,
    createdAt: row.created_at,
  });
  if (!parsed.success) throw new AppError('INTERNAL', `MIDI take ${row.id} has a damaged row: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
