/**
 * 0013: phrase models and their MIDI takes (docs/midi.md "Phrase models in the app").
 *
 * `phrase_models` is one training run of a phrase model (`continue`: the LSTM language model;
 * `vary`: the LSTM VAE) on the MIDI parts of chosen songs (or the whole library), doubling as
 * its persisted job queue like `models`: `owner_pid` is set while it runs. `request` is what was
 * asked (JSON: songs, phrase bars, budget, seed); `corpus` the phrases it learned from, counted
 * (JSON, set when the job starts); `evaluation` its held-out figures (JSON, set when it ends).
 * Songs are named in `request` without a foreign key: a model keeps its own copy of the phrases
 * (`phrase-models/<id>/corpus.json`), so deleting a song leaves it, as a clip's models stay.
 *
 * `phrase_takes` is one generated phrase: its notes (`music`, a PartMusic JSON, in the song's
 * beats), the settings and seed that make it again note for note, its measures (`metrics`), the
 * verdict and star, and `part_id`, the song part it became when the songwriter added it to the
 * song. Takes go with their model by cascade; a deleted song leaves them (song_id NULL).
 */
export const migration0013 = {
  version: 13,
  name: 'phrase-models',
  sql: `
CREATE TABLE phrase_models (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL CHECK (kind IN ('continue', 'vary')),
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  preset          TEXT NOT NULL CHECK (preset IN ('test', 'quick', 'studio')),
  request         TEXT NOT NULL CHECK (json_valid(request)),
  status          TEXT NOT NULL
                  CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  corpus          TEXT CHECK (corpus IS NULL OR json_valid(corpus)),
  steps_done      INTEGER NOT NULL DEFAULT 0 CHECK (steps_done >= 0),
  steps_total     INTEGER CHECK (steps_total IS NULL OR steps_total > 0),
  evaluation      TEXT CHECK (evaluation IS NULL OR json_valid(evaluation)),
  error           TEXT,
  train_seconds   REAL NOT NULL DEFAULT 0 CHECK (train_seconds >= 0),
  owner_pid       INTEGER,
  created_at      TEXT NOT NULL,
  started_at      TEXT,
  finished_at     TEXT,
  CHECK ((status = 'running') = (owner_pid IS NOT NULL))
);
CREATE INDEX phrase_models_by_status ON phrase_models(status);

CREATE TABLE phrase_takes (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id          INTEGER NOT NULL REFERENCES phrase_models(id) ON DELETE CASCADE,
  song_id           INTEGER REFERENCES songs(id) ON DELETE SET NULL,
  batch_id          TEXT NOT NULL CHECK (length(batch_id) BETWEEN 1 AND 64),
  name              TEXT NOT NULL,
  mode              TEXT NOT NULL CHECK (mode IN ('continue', 'vary', 'interpolate')),
  settings          TEXT NOT NULL CHECK (json_valid(settings)),
  seed              TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('ready', 'failed')),
  error             TEXT,
  verdict           TEXT NOT NULL DEFAULT 'undecided' CHECK (verdict IN ('undecided', 'kept', 'discarded')),
  starred           INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
  music             TEXT CHECK (music IS NULL OR json_valid(music)),
  metrics           TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
  part_id           INTEGER REFERENCES parts(id) ON DELETE SET NULL,
  generate_seconds  REAL CHECK (generate_seconds IS NULL OR generate_seconds >= 0),
  created_at        TEXT NOT NULL,
  CHECK ((status = 'ready') = (music IS NOT NULL))
);
CREATE INDEX phrase_takes_by_model ON phrase_takes(model_id);
CREATE INDEX phrase_takes_by_batch ON phrase_takes(batch_id);
`,
};
