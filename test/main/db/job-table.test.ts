/**
 * The queue moves of the training job tables (db/job-table.ts), on both tables as the migrations
 * made them: the oldest queued job first, one claim per job, cancel and requeue by status, and
 * orphaned running jobs marked interrupted.
 */
import path from 'node:path';
import { openDatabase, type Db } from '../../../src-main/db/database.js';
import { JOB_TABLES, JobTable, type JobTableName } from '../../../src-main/db/job-table.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

interface JobRow {
  status: string;
  owner_pid: number | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** Rows as each table's repository inserts them, queued. */
const INSERT: Record<JobTableName, string> = {
  models: "INSERT INTO models (name, preset, request, status, created_at) VALUES ('m', 'test', '{}', 'queued', '2026-01-01T00:00:00.000Z')",
  phrase_models:
    "INSERT INTO phrase_models (kind, name, preset, request, status, created_at) VALUES ('continue', 'm', 'test', '{}', 'queued', '2026-01-01T00:00:00.000Z')",
};

describe.each(Object.values(JOB_TABLES))('JobTable over %s', (table) => {
  let dir: string;
  let db: Db;
  let jobs: JobTable;
  const insert = (): number => Number(db.prepare(INSERT[table]).run().lastInsertRowid);
  const row = (id: number): JobRow => db.prepare<[number], JobRow>(`SELECT status, owner_pid, error, started_at, finished_at FROM ${table} WHERE id = ?`).get(id)!;

  beforeEach(async () => {
    dir = await makeTempDir();
    db = openDatabase(path.join(dir, 'eureka.db'));
    jobs = new JobTable(db, table);
  });
  afterEach(async () => {
    db.close();
    await removeDir(dir);
  });

  it('hands out the oldest queued job, and claims it for one process only', () => {
    expect(jobs.nextQueued()).toBeNull();
    const first = insert();
    const second = insert();
    expect(jobs.nextQueued()).toBe(first);
    expect(jobs.claim(first, 4242)).toBe(true);
    expect(jobs.claim(first, 4343)).toBe(false);
    expect(row(first)).toMatchObject({ status: 'running', owner_pid: 4242, error: null, finished_at: null });
    expect(row(first).started_at).not.toBeNull();
    expect(jobs.nextQueued()).toBe(second);
  });

  it('cancels only a queued job and queues again only a resumable one', () => {
    const id = insert();
    expect(jobs.requeue(id)).toBe(false);
    expect(jobs.cancelQueued(id)).toBe(true);
    expect(row(id).status).toBe('cancelled');
    expect(jobs.cancelQueued(id)).toBe(false);
    expect(jobs.requeue(id)).toBe(true);
    expect(row(id).status).toBe('queued');
    expect(jobs.claim(id, 4242)).toBe(true);
    expect(jobs.requeue(id)).toBe(false);
    expect(jobs.cancelQueued(id)).toBe(false);
  });

  it('marks running jobs whose process is gone as interrupted, and leaves the live ones', () => {
    const gone = insert();
    const live = insert();
    const queued = insert();
    jobs.claim(gone, 1001);
    jobs.claim(live, 1002);
    expect(jobs.markOrphansInterrupted((pid) => pid === 1002)).toEqual([gone]);
    expect(row(gone)).toMatchObject({ status: 'interrupted', owner_pid: null, error: 'the process that was training it stopped' });
    expect(row(gone).finished_at).not.toBeNull();
    expect(row(live)).toMatchObject({ status: 'running', owner_pid: 1002 });
    expect(row(queued).status).toBe('queued');
  });
});
