/**
 * The queue moves of a persisted training job table (models, migration 0002; phrase_models,
 * migration 0013), which keep a job's `status`, `owner_pid`, `error` and times the same way:
 * take the oldest queued job, claim it for a process, cancel it while queued, queue it again,
 * and mark running jobs whose process is gone as interrupted. A table's repository extends
 * this class with what it records beyond that (plans, scales, steps, evaluations).
 */
import { RESUMABLE_STATUSES } from '../common/training.js';
import type { Db } from './database.js';

/** The job tables; the name goes into SQL text, so it is one of these constants, never input. */
export const JOB_TABLES = { models: 'models', phraseModels: 'phrase_models' } as const;
export type JobTableName = (typeof JOB_TABLES)[keyof typeof JOB_TABLES];

const now = (): string => new Date().toISOString();

export class JobTable {
  constructor(
    protected readonly db: Db,
    private readonly table: JobTableName,
  ) {}

  /** The oldest queued job's id, or null. */
  nextQueued(): number | null {
    const row = this.db.prepare<[], { id: number }>(`SELECT id FROM ${this.table} WHERE status = 'queued' ORDER BY id LIMIT 1`).get();
    return row?.id ?? null;
  }

  /** queued → running under this process; false when someone else took it (or it is not queued). */
  claim(id: number, pid: number): boolean {
    const result = this.db
      .prepare(
        `UPDATE ${this.table} SET status = 'running', owner_pid = ?, error = NULL,
           started_at = coalesce(started_at, ?), finished_at = NULL
         WHERE id = ? AND status = 'queued'`,
      )
      .run(pid, now(), id);
    return result.changes === 1;
  }

  /** queued → cancelled (a job that never started this time). */
  cancelQueued(id: number): boolean {
    return this.db.prepare(`UPDATE ${this.table} SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'queued'`).run(now(), id).changes === 1;
  }

  /** failed/cancelled/interrupted → queued. */
  requeue(id: number): boolean {
    const result = this.db
      .prepare(`UPDATE ${this.table} SET status = 'queued', error = NULL WHERE id = ? AND status IN (${RESUMABLE_STATUSES.map(() => '?').join(', ')})`)
      .run(id, ...RESUMABLE_STATUSES);
    return result.changes === 1;
  }

  /** Marks running jobs whose owner process is gone as interrupted; returns their ids. */
  markOrphansInterrupted(isAlive: (pid: number) => boolean): number[] {
    const rows = this.db.prepare<[], { id: number; owner_pid: number }>(`SELECT id, owner_pid FROM ${this.table} WHERE status = 'running'`).all();
    const orphans = rows.filter((row) => !isAlive(row.owner_pid)).map((row) => row.id);
    const mark = this.db.prepare(
      `UPDATE ${this.table} SET status = 'interrupted', owner_pid = NULL, finished_at = ?,
         error = 'the process that was training it stopped' WHERE id = ? AND status = 'running'`,
    );
    for (const id of orphans) mark.run(now(), id);
    return orphans;
  }
}
