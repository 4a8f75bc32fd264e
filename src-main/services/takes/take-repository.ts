/**
 * SQL for the takes table (migration 0003). Status changes are single UPDATEs guarded by the
 * status they expect, like the models table, so the app and a CLI sharing the database never
 * both finish or fail the same take. The service owns files; this file only records paths.
 */
import { AppError } from '../../common/errors.js';
import {
  holdsSeedlessAudio,
  isSeedless,
  seedlessTakeExists,
  takeCheckpointSchema,
  takeSchema,
  takeSettingsSchema,
  type Take,
  type TakeCheckpoint,
  type TakePatch,
  type TakeSettings,
} from '../../common/generation.js';
import { takeRenderSchema, type TakeRender } from '../../common/take-render.js';
import type { Db } from '../../db/database.js';

interface TakeRow {
  id: number;
  model_id: number;
  clip_id: number | null;
  song_id: number | null;
  batch_id: string;
  name: string;
  mode: string;
  settings: string;
  seed: string;
  checkpoint: string | null;
  status: string;
  error: string | null;
  verdict: string;
  starred: number;
  sample_rate: number | null;
  duration: number | null;
  loudness: number | null;
  source_loudness: number | null;
  execution_provider: string | null;
  generate_seconds: number | null;
  file: string | null;
  render: string | null;
  owner_pid: number | null;
  created_at: string;
  finished_at: string | null;
}

/** Which takes a query is about: one model's, every model's of a clip, or all. */
export interface TakeFilter {
  modelId?: number;
  clipId?: number;
}

/** What a finished take records besides its status. */
export interface ReadyFields {
  /** Relative to the data folder. */
  file: string;
  sampleRate: number;
  durationSeconds: number;
  loudnessLufs: number | null;
  sourceLoudnessLufs: number | null;
  executionProvider: 'cpu' | 'cuda';
  generateSeconds: number;
  /** What the file is, as the worker reports it (absent: not known, stored as NULL). */
  render?: TakeRender;
}

const now = (): string => new Date().toISOString();

export class TakeRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts one queued row per seed, all in one batch, named "Take N" on from the model's
   * count; returns their ids in seed order. A seedless mode (reconstruction) whose take of this
   * model at `scales` finished scales exists is refused with INVALID_INPUT naming it, checked
   * inside the write transaction so two processes cannot both make it.
   */
  insertBatch(fields: {
    modelId: number;
    clipId: number | null;
    songId: number | null;
    batchId: string;
    settings: TakeSettings;
    seeds: string[];
    ownerPid: number;
    /** The model's finished scales now (what a seedless take would be made from); required for a seedless mode. */
    scales?: number;
  }): number[] {
    const insert = this.db.prepare(
      `INSERT INTO takes (model_id, clip_id, song_id, batch_id, name, mode, settings, seed, status, owner_pid, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
    );
    const run = this.db.transaction(() => {
      const mode = fields.settings.mode;
      if (isSeedless(mode)) {
        if (fields.scales === undefined) throw new AppError('INTERNAL', `a ${mode} take needs the model's finished scales`);
        const made = this.seedlessTake(fields.modelId, mode, fields.scales);
        if (made !== null) throw new AppError('INVALID_INPUT', seedlessTakeExists(mode, made.id));
      }
      const row = this.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM takes WHERE model_id = ?').get(fields.modelId);
      const first = (row?.n ?? 0) + 1;
      const created = now();
      const settings = JSON.stringify(takeSettingsSchema.parse(fields.settings));
      return fields.seeds.map((seed, i) =>
        Number(
          insert.run(
            fields.modelId,
            fields.clipId,
            fields.songId,
            fields.batchId,
            `Take ${first + i}`,
            fields.settings.mode,
            settings,
            seed,
            fields.ownerPid,
            created,
          ).lastInsertRowid,
        ),
      );
    });
    // IMMEDIATE: the seedless check and the insert see the same database (another process's write waits).
    return run.immediate();
  }

  /** The take holding a seedless mode's audio for this model at `scales` (common/generation.ts holdsSeedlessAudio), oldest first, or null. */
  seedlessTake(modelId: number, mode: TakeSettings['mode'], scales: number): Take | null {
    const rows = this.db
      .prepare<[number, string], TakeRow>("SELECT * FROM takes WHERE model_id = ? AND mode = ? AND status != 'failed' ORDER BY id")
      .all(modelId, mode);
    return rows.map(toTake).find((take) => holdsSeedlessAudio(take, scales)) ?? null;
  }

  find(id: number): Take | null {
    const row = this.#row(id);
    return row ? toTake(row) : null;
  }

  get(id: number): Take {
    const take = this.find(id);
    if (!take) throw new AppError('NOT_FOUND', `there is no take ${id}`);
    return take;
  }

  /** The file of a take, relative to the data folder, or null. */
  file(id: number): string | null {
    return this.#row(id)?.file ?? null;
  }

  /** Newest first. */
  list(filter: TakeFilter = {}): Take[] {
    const { where, params } = whereOf(filter);
    return this.db
      .prepare<unknown[], TakeRow>(`SELECT * FROM takes ${where} ORDER BY id DESC`)
      .all(...params)
      .map(toTake);
  }

  /** A batch's takes in the order they were queued. */
  batch(batchId: string): Take[] {
    return this.db.prepare<[string], TakeRow>('SELECT * FROM takes WHERE batch_id = ? ORDER BY id').all(batchId).map(toTake);
  }

  /** queued → generating, with the checkpoint it is made from; false when it is not queued. */
  start(id: number, checkpoint: TakeCheckpoint): boolean {
    const result = this.db
      .prepare("UPDATE takes SET status = 'generating', checkpoint = ? WHERE id = ? AND status = 'queued'")
      .run(JSON.stringify(takeCheckpointSchema.parse(checkpoint)), id);
    return result.changes === 1;
  }

  /** generating → ready; false when the take was not generating (cancelled or deleted meanwhile). */
  finishReady(id: number, fields: ReadyFields): boolean {
    const result = this.db
      .prepare(
        `UPDATE takes SET status = 'ready', error = NULL, owner_pid = NULL, finished_at = ?, file = ?,
           sample_rate = ?, duration = ?, loudness = ?, source_loudness = ?, execution_provider = ?, generate_seconds = ?, render = ?
         WHERE id = ? AND status = 'generating'`,
      )
      .run(
        now(),
        fields.file,
        fields.sampleRate,
        fields.durationSeconds,
        fields.loudnessLufs,
        fields.sourceLoudnessLufs,
        fields.executionProvider,
        fields.generateSeconds,
        fields.render === undefined ? null : JSON.stringify(takeRenderSchema.parse(fields.render)),
        id,
      );
    return result.changes === 1;
  }

  /** queued/generating → failed with the reason; returns the ids that changed. */
  fail(ids: readonly number[], error: string): number[] {
    const update = this.db.prepare(
      `UPDATE takes SET status = 'failed', error = ?, owner_pid = NULL, finished_at = ?
       WHERE id = ? AND status IN ('queued', 'generating')`,
    );
    const run = this.db.transaction(() => ids.filter((id) => update.run(error, now(), id).changes === 1));
    return run();
  }

  /** Ids of a batch's takes that are still queued or generating. */
  unfinished(batchId: string): { id: number; ownerPid: number }[] {
    return this.db
      .prepare<[string], { id: number; owner_pid: number }>(
        "SELECT id, owner_pid FROM takes WHERE batch_id = ? AND status IN ('queued', 'generating') ORDER BY id",
      )
      .all(batchId)
      .map((row) => ({ id: row.id, ownerPid: row.owner_pid }));
  }

  update(id: number, patch: TakePatch): Take {
    this.get(id);
    if (patch.verdict !== undefined) this.db.prepare('UPDATE takes SET verdict = ? WHERE id = ?').run(patch.verdict, id);
    if (patch.starred !== undefined) this.db.prepare('UPDATE takes SET starred = ? WHERE id = ?').run(patch.starred ? 1 : 0, id);
    return this.get(id);
  }

  /** Discarded takes that still have a file: id, model and relative path. */
  discardedFiles(filter: TakeFilter): { id: number; modelId: number; file: string }[] {
    const { where, params } = whereOf(filter, ["verdict = 'discarded'", 'file IS NOT NULL']);
    return this.db
      .prepare<unknown[], { id: number; model_id: number; file: string }>(`SELECT id, model_id, file FROM takes ${where} ORDER BY id`)
      .all(...params)
      .map((row) => ({ id: row.id, modelId: row.model_id, file: row.file }));
  }

  /** Forgets a take's file (it was deleted); the row and its provenance stay. */
  clearFile(id: number): void {
    this.db.prepare('UPDATE takes SET file = NULL WHERE id = ?').run(id);
  }

  /** Fails queued/generating takes whose owner process is gone; returns their ids. */
  markOrphansFailed(isAlive: (pid: number) => boolean): number[] {
    const rows = this.db
      .prepare<[], { id: number; owner_pid: number }>("SELECT id, owner_pid FROM takes WHERE status IN ('queued', 'generating')")
      .all();
    const orphans = rows.filter((row) => !isAlive(row.owner_pid)).map((row) => row.id);
    return this.fail(orphans, 'interrupted: the process that was generating it stopped');
  }

  /** Models of these takes (for change events). */
  modelIdsOf(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare<unknown[], { model_id: number }>(`SELECT DISTINCT model_id FROM takes WHERE id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids);
    return rows.map((row) => row.model_id);
  }

  #row(id: number): TakeRow | undefined {
    return this.db.prepare<[number], TakeRow>('SELECT * FROM takes WHERE id = ?').get(id);
  }
}

function whereOf(filter: TakeFilter, extra: string[] = []): { where: string; params: number[] } {
  const clauses = [...extra];
  const params: number[] = [];
  if (filter.modelId !== undefined) {
    clauses.push('model_id = ?');
    params.push(filter.modelId);
  }
  if (filter.clipId !== undefined) {
    clauses.push('clip_id = ?');
    params.push(filter.clipId);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toTake(row: TakeRow): Take {
  const parsed = takeSchema.safeParse({
    id: row.id,
    modelId: row.model_id,
    clipId: row.clip_id,
    songId: row.song_id,
    batchId: row.batch_id,
    name: row.name,
    settings: JSON.parse(row.settings),
    seed: row.seed,
    checkpoint: row.checkpoint === null ? null : JSON.parse(row.checkpoint),
    status: row.status,
    error: row.error,
    verdict: row.verdict,
    starred: row.starred === 1,
    sampleRate: row.sample_rate,
    durationSeconds: row.duration,
    loudnessLufs: row.loudness,
    sourceLoudnessLufs: row.source_loudness,
    executionProvider: row.execution_provider,
    generateSeconds: row.generate_seconds,
    render: row.render === null ? null : JSON.parse(row.render),
    hasFile: row.file !== null,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  });
  if (!parsed.success) throw new AppError('INTERNAL', `take ${row.id} has a damaged row: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
