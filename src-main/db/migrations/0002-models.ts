/**
 * 0002: models — one row per training run of a clip, doubling as the persisted job queue.
 * `plan` is the resolved TrainingPlan (JSON) once planned; `scales` the finished scales'
 * records (JSON array). `owner_pid` is the process that runs the job while status is 'running':
 * another process that finds the row running under a dead pid marks it interrupted. A deleted
 * clip leaves its models (they keep their own copy of the training signal).
 */
export const migration0002 = {
  version: 2,
  name: 'models',
  sql: `
CREATE TABLE models (
  id              INTEGER PRIMARY KEY,
  clip_id         INTEGER REFERENCES clips(id) ON DELETE SET NULL,
  song_id         INTEGER REFERENCES songs(id) ON DELETE SET NULL,
  name            TEXT NOT NULL,
  preset          TEXT NOT NULL CHECK (preset IN ('studio', 'quick', 'test')),
  request         TEXT NOT NULL,
  status          TEXT NOT NULL
                  CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  plan            TEXT,
  scales_total    INTEGER CHECK (scales_total IS NULL OR scales_total > 0),
  scales_done     INTEGER NOT NULL DEFAULT 0 CHECK (scales_done >= 0),
  scales          TEXT NOT NULL DEFAULT '[]',
  error           TEXT,
  train_seconds   REAL NOT NULL DEFAULT 0 CHECK (train_seconds >= 0),
  owner_pid       INTEGER,
  created_at      TEXT NOT NULL,
  started_at      TEXT,
  finished_at     TEXT,
  CHECK ((status = 'running') = (owner_pid IS NOT NULL))
);
CREATE INDEX models_by_clip ON models(clip_id);
CREATE INDEX models_by_status ON models(status);
`,
};
