/**
 * 0008: the `paper` preset. The paper's own recipe, which `studio` used to be, is now `paper`,
 * and `studio` is a cheaper recipe (crops at the fine scales). Every model made before this
 * migration with `studio` (and the preset its stored plan names) becomes `paper`, so no old run
 * claims the new recipe. Rating items keep the preset they recorded: they are an immutable
 * record of what raters heard (their `studio` predates the new recipe). SQLite cannot widen a
 * CHECK in place, so the models table is rebuilt (SQLite's documented way: a new table, the
 * rows copied, the old one dropped and the new one renamed), with foreign keys off meanwhile so
 * dropping it does not cascade to the takes (`rebuildsTables`).
 */
export const migration0008 = {
  version: 8,
  name: 'paper-preset',
  rebuildsTables: true,
  sql: `
CREATE TABLE models_new (
  id              INTEGER PRIMARY KEY,
  clip_id         INTEGER REFERENCES clips(id) ON DELETE SET NULL,
  song_id         INTEGER REFERENCES songs(id) ON DELETE SET NULL,
  name            TEXT NOT NULL,
  preset          TEXT NOT NULL CHECK (preset IN ('studio', 'quick', 'paper', 'test')),
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
INSERT INTO models_new (id, clip_id, song_id, name, preset, request, status, plan, scales_total, scales_done,
                        scales, error, train_seconds, owner_pid, created_at, started_at, finished_at)
SELECT id, clip_id, song_id, name,
       CASE preset WHEN 'studio' THEN 'paper' ELSE preset END,
       request, status,
       CASE WHEN preset = 'studio' AND json_valid(plan) THEN json_set(plan, '$.preset', 'paper') ELSE plan END,
       scales_total, scales_done, scales, error, train_seconds, owner_pid, created_at, started_at, finished_at
FROM models;
DROP TABLE models;
ALTER TABLE models_new RENAME TO models;
CREATE INDEX models_by_clip ON models(clip_id);
CREATE INDEX models_by_status ON models(status);
`,
};
