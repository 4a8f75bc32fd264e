/**
 * SQL for the phrase_models table (migration 0013): one row per phrase model, which is also the
 * persisted job queue. Every status change is one UPDATE guarded by the status it expects, so
 * two processes on one database (the app and a CLI) never both claim a job; a running row names
 * its owner process (the table's CHECK keeps owner_pid set exactly while running).
 */
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { idSchema } from '../../common/dto.js';
import {
  MAX_PHRASE_BARS,
  MIN_PHRASE_BARS,
  phraseCorpusSummarySchema,
  phraseEvaluationSchema,
  phraseModelSchema,
  type PhraseCorpusSummary,
  type PhraseEvaluation,
  type PhraseModel,
  type PhraseModelKind,
  type PhrasePreset,
} from '../../common/phrases.js';
import { seedTextSchema, type ModelStatus } from '../../common/training.js';
import type { Db } from '../../db/database.js';
import { JOB_TABLES, JobTable } from '../../db/job-table.js';

/** What a phrase model was asked for (stored as JSON in `request`). */
export const phraseJobRequestSchema = z.object({
  songIds: z.array(idSchema),
  bars: z.number().int().min(MIN_PHRASE_BARS).max(MAX_PHRASE_BARS),
  budgetSeconds: z.number().positive(),
  seed: seedTextSchema,
});
export type PhraseJobRequest = z.infer<typeof phraseJobRequestSchema>;

interface PhraseModelRow {
  id: number;
  kind: string;
  name: string;
  preset: string;
  request: string;
  status: string;
  corpus: string | null;
  steps_done: number;
  steps_total: number | null;
  evaluation: string | null;
  error: string | null;
  train_seconds: number;
  owner_pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const now = (): string => new Date().toISOString();

export class PhraseModelRepository extends JobTable {
  constructor(db: Db) {
    super(db, JOB_TABLES.phraseModels);
  }

  insert(fields: { kind: PhraseModelKind; name: string; preset: PhrasePreset; request: PhraseJobRequest; corpus: PhraseCorpusSummary }): number {
    const result = this.db
      .prepare(
        `INSERT INTO phrase_models (kind, name, preset, request, status, corpus, created_at)
         VALUES (?, ?, ?, ?, 'queued', ?, ?)`,
      )
      .run(fields.kind, fields.name, fields.preset, JSON.stringify(phraseJobRequestSchema.parse(fields.request)), JSON.stringify(fields.corpus), now());
    return Number(result.lastInsertRowid);
  }

  find(id: number): PhraseModel | null {
    const row = this.db.prepare<[number], PhraseModelRow>('SELECT * FROM phrase_models WHERE id = ?').get(id);
    return row ? toPhraseModel(row) : null;
  }

  get(id: number): PhraseModel {
    const model = this.find(id);
    if (!model) throw new AppError('NOT_FOUND', `there is no phrase model ${id}`);
    return model;
  }

  request(id: number): PhraseJobRequest {
    const row = this.db.prepare<[number], { request: string }>('SELECT request FROM phrase_models WHERE id = ?').get(id);
    if (!row) throw new AppError('NOT_FOUND', `there is no phrase model ${id}`);
    return phraseJobRequestSchema.parse(JSON.parse(row.request));
  }

  /** Newest first. */
  list(): PhraseModel[] {
    return this.db.prepare<[], PhraseModelRow>('SELECT * FROM phrase_models ORDER BY id DESC').all().map(toPhraseModel);
  }

  /** The steps the budget bought (set once, when the job first plans). */
  setStepsTotal(id: number, steps: number): void {
    this.db.prepare("UPDATE phrase_models SET steps_total = ? WHERE id = ? AND status = 'running'").run(steps, id);
  }

  /** The step a resume would go on from (its state is saved). */
  setStepsDone(id: number, steps: number): void {
    this.db.prepare("UPDATE phrase_models SET steps_done = ? WHERE id = ? AND status = 'running'").run(steps, id);
  }

  /** running → a final status, with the attempt's wall time added. */
  finish(
    id: number,
    outcome: { status: Exclude<ModelStatus, 'queued' | 'running'>; error: string | null; seconds: number; stepsDone?: number; evaluation?: PhraseEvaluation },
  ): void {
    this.db
      .prepare(
        `UPDATE phrase_models SET status = ?, error = ?, owner_pid = NULL, finished_at = ?,
           train_seconds = train_seconds + ?,
           steps_done = coalesce(?, steps_done), evaluation = coalesce(?, evaluation)
         WHERE id = ? AND status = 'running'`,
      )
      .run(
        outcome.status,
        outcome.error,
        now(),
        outcome.seconds,
        outcome.stepsDone ?? null,
        outcome.evaluation ? JSON.stringify(outcome.evaluation) : null,
        id,
      );
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM phrase_models WHERE id = ?').run(id);
  }
}

function toPhraseModel(row: PhraseModelRow): PhraseModel {
  const request = phraseJobRequestSchema.safeParse(JSON.parse(row.request));
  const parsed = phraseModelSchema.safeParse({
    id: row.id,
    kind: row.kind,
    name: row.name,
    preset: row.preset,
    bars: request.success ? request.data.bars : null,
    songIds: request.success ? request.data.songIds : null,
    seed: request.success ? request.data.seed : null,
    budgetSeconds: request.success ? request.data.budgetSeconds : null,
    status: row.status,
    corpus: row.corpus === null ? null : phraseCorpusSummarySchema.safeParse(JSON.parse(row.corpus)).data ?? null,
    stepsDone: row.steps_done,
    stepsTotal: row.steps_total,
    evaluation: row.evaluation === null ? null : phraseEvaluationSchema.safeParse(JSON.parse(row.evaluation)).data ?? null,
    error: row.error,
    trainSeconds: row.train_seconds,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: null,
  });
  if (!parsed.success) throw new AppError('INTERNAL', `phrase model ${row.id} has a damaged row: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
