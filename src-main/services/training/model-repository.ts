/**
 * SQL for the models table (migration 0002): one row per training run, which is also the
 * persisted job queue. Every status change is one UPDATE guarded by the status it expects, so
 * two processes sharing the database (the app and a CLI) cannot both claim a job.
 */
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import {
  modelSchema,
  scaleRecordSchema,
  trainingPlanSchema,
  type Model,
  type ModelStatus,
  type PresetName,
  type ScaleRecord,
  type TrainingPlan,
} from '../../common/training.js';
import type { Db } from '../../db/database.js';
import { JOB_TABLES, JobTable } from '../../db/job-table.js';

/** What a job was asked for (stored as JSON in `request`). */
export const jobRequestSchema = z.object({
  budgetSeconds: z.number().positive().nullable(),
  device: z.enum(['cpu', 'cuda']),
  deviceReason: z.string(),
  seed: z.string(),
  /** The mode asked for, or null for the preset's. */
  mode: z.enum(['normal', 'denoising']).nullable().default(null),
  /** quick: refuse a budget the cheapest settings exceed, or train them anyway. */
  overBudget: z.enum(['refuse', 'cheapest']).optional(),
});
export type JobRequest = z.infer<typeof jobRequestSchema>;

interface ModelRow {
  id: number;
  clip_id: number | null;
  song_id: number | null;
  name: string;
  preset: string;
  request: string;
  status: string;
  plan: string | null;
  scales_total: number | null;
  scales_done: number;
  scales: string;
  error: string | null;
  train_seconds: number;
  owner_pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const now = (): string => new Date().toISOString();

export class ModelRepository extends JobTable {
  constructor(db: Db) {
    super(db, JOB_TABLES.models);
  }

  insert(fields: { clipId: number; songId: number; name: string; preset: PresetName; request: JobRequest }): number {
    const result = this.db
      .prepare(
        `INSERT INTO models (clip_id, song_id, name, preset, request, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?)`,
      )
      .run(fields.clipId, fields.songId, fields.name, fields.preset, JSON.stringify(fields.request), now());
    return Number(result.lastInsertRowid);
  }

  /** The model, or null. */
  find(id: number): Model | null {
    const row = this.db.prepare<[number], ModelRow>('SELECT * FROM models WHERE id = ?').get(id);
    return row ? toModel(row) : null;
  }

  get(id: number): Model {
    const model = this.find(id);
    if (!model) throw new AppError('NOT_FOUND', `there is no model ${id}`);
    return model;
  }

  request(id: number): JobRequest {
    const row = this.db.prepare<[number], { request: string }>('SELECT request FROM models WHERE id = ?').get(id);
    if (!row) throw new AppError('NOT_FOUND', `there is no model ${id}`);
    return jobRequestSchema.parse(JSON.parse(row.request));
  }

  list(clipId?: number): Model[] {
    const rows =
      clipId === undefined
        ? this.db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY id DESC').all()
        : this.db.prepare<[number], ModelRow>('SELECT * FROM models WHERE clip_id = ? ORDER BY id DESC').all(clipId);
    return rows.map(toModel);
  }

  setPlan(id: number, plan: TrainingPlan): void {
    this.db
      .prepare("UPDATE models SET plan = ?, scales_total = ? WHERE id = ? AND status = 'running'")
      .run(JSON.stringify(plan), plan.scales.length, id);
  }

  setScalesTotal(id: number, scalesTotal: number): void {
    this.db.prepare('UPDATE models SET scales_total = ? WHERE id = ?').run(scalesTotal, id);
  }

  /** Records a finished scale (replacing an older record of the same scale). */
  addScale(id: number, record: ScaleRecord, scalesTotal: number): void {
    const update = this.db.transaction(() => {
      const model = this.get(id);
      const scales = [...model.scales.filter((s) => s.scale !== record.scale), record].sort((a, b) => a.scale - b.scale);
      this.db
        .prepare('UPDATE models SET scales = ?, scales_total = ?, scales_done = max(scales_done, ?) WHERE id = ?')
        .run(JSON.stringify(scales), scalesTotal, record.scale + 1, id);
    });
    update();
  }

  /** running → a final status, with the attempt's wall time added. */
  finish(
    id: number,
    outcome: { status: Exclude<ModelStatus, 'queued' | 'running'>; error: string | null; seconds: number; scalesDone?: number; scalesTotal?: number },
  ): void {
    this.db
      .prepare(
        `UPDATE models SET status = ?, error = ?, owner_pid = NULL, finished_at = ?,
           train_seconds = train_seconds + ?,
           scales_done = coalesce(?, scales_done), scales_total = coalesce(?, scales_total)
         WHERE id = ? AND status = 'running'`,
      )
      .run(outcome.status, outcome.error, now(), outcome.seconds, outcome.scalesDone ?? null, outcome.scalesTotal ?? null, id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM models WHERE id = ?').run(id);
  }
}

function toModel(row: ModelRow): Model {
  const parsed = modelSchema.safeParse({
    id: row.id,
    clipId: row.clip_id,
    songId: row.song_id,
    name: row.name,
    preset: row.preset,
    status: row.status,
    plan: row.plan === null ? null : trainingPlanSchema.parse(JSON.parse(row.plan)),
    scalesTotal: row.scales_total,
    scalesDone: row.scales_done,
    scales: z.array(scaleRecordSchema).parse(JSON.parse(row.scales)),
    error: row.error,
    trainSeconds: row.train_seconds,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: null,
  });
  if (!parsed.success) throw new AppError('INTERNAL', `model ${row.id} has a damaged row: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
