/**
 * 0003: takes — one row per generated audio file, with its provenance (model, checkpoint,
 * mode, settings JSON, seed) so it can be made again bit for bit. `file` is the WAV's path
 * relative to the data folder, NULL before it is written and after "delete discarded".
 * `owner_pid` is the process that accepted the request, set while the take is queued or
 * generating: another process that finds such a row under a dead pid fails it as interrupted.
 * Deleting a model deletes its takes' rows (its files go with the model's folder sweep); a
 * deleted clip or song leaves them.
 */
export const migration0003 = {
  version: 3,
  name: 'takes',
  sql: `
CREATE TABLE takes (
  id                  INTEGER PRIMARY KEY,
  model_id            INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  clip_id             INTEGER REFERENCES clips(id) ON DELETE SET NULL,
  song_id             INTEGER REFERENCES songs(id) ON DELETE SET NULL,
  batch_id            TEXT NOT NULL CHECK (length(batch_id) BETWEEN 1 AND 64),
  name                TEXT NOT NULL,
  mode                TEXT NOT NULL
                      CHECK (mode IN ('new', 'variation', 'gap', 'denoise', 'extend', 'reconstruct')),
  settings            TEXT NOT NULL,
  seed                TEXT NOT NULL,
  checkpoint          TEXT,
  status              TEXT NOT NULL CHECK (status IN ('queued', 'generating', 'ready', 'failed')),
  error               TEXT,
  verdict             TEXT NOT NULL DEFAULT 'undecided' CHECK (verdict IN ('undecided', 'kept', 'discarded')),
  starred             INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
  sample_rate         INTEGER CHECK (sample_rate IS NULL OR sample_rate > 0),
  duration            REAL CHECK (duration IS NULL OR duration > 0),
  loudness            REAL,
  source_loudness     REAL,
  execution_provider  TEXT CHECK (execution_provider IS NULL OR execution_provider IN ('cpu', 'cuda')),
  generate_seconds    REAL CHECK (generate_seconds IS NULL OR generate_seconds >= 0),
  file                TEXT,
  owner_pid           INTEGER,
  created_at          TEXT NOT NULL,
  finished_at         TEXT,
  CHECK ((status IN ('queued', 'generating')) = (owner_pid IS NOT NULL)),
  CHECK (file IS NULL OR status = 'ready')
);
CREATE INDEX takes_by_model ON takes(model_id);
CREATE INDEX takes_by_clip ON takes(clip_id);
CREATE INDEX takes_by_batch ON takes(batch_id);
`,
};
