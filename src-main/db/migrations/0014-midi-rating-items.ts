/**
 * 0014: listening sessions of MIDI material (docs/listening-tests.md "Sessions of MIDI takes").
 * The answer key (`session_items`) learns to name what a MIDI item is: `phrase_take_id`, the
 * phrase model's take a generated item renders, with `phrase_model_id`, its model; `phrase`,
 * where a real item's phrase comes from (JSON: a held-out phrase of a model's corpus, or bars
 * of a song's part). No foreign keys, like the other provenance columns (migration 0005): a
 * deleted take must not rewrite a finished experiment's key.
 *
 * A generated item used to need a `take_id`; it now needs a take or a MIDI take, never both,
 * and a real item names neither. SQLite cannot change a CHECK in place, so the table is
 * rebuilt its documented way (a new table, the rows copied, the old one dropped, the new one
 * renamed, its triggers made again, those of 0005 and 0007 word for word).
 */
export const migration0014 = {
  version: 14,
  name: 'midi-rating-items',
  rebuildsTables: true,
  sql: `
CREATE TABLE session_items_midi (
  session_id      INTEGER NOT NULL REFERENCES rating_sessions(id),
  idx             INTEGER NOT NULL CHECK (idx >= 0),
  origin          TEXT NOT NULL CHECK (origin IN ('generated', 'real', 'catch')),
  catch_kind      TEXT CHECK (catch_kind IS NULL OR catch_kind IN ('lowpass', 'repeat')),
  repeat_of       INTEGER,
  expected        TEXT NOT NULL CHECK (expected IN ('real', 'fake')),
  take_id         INTEGER,
  clip_id         INTEGER,
  model_id        INTEGER,
  song_id         INTEGER,
  preset          TEXT,
  epochs          INTEGER,
  mode            TEXT,
  length_seconds  REAL,
  source_file_id  INTEGER,
  source_start    REAL NOT NULL CHECK (source_start >= 0),
  file            TEXT NOT NULL CHECK (file GLOB '[0-9a-f]*.wav' AND length(file) = 36),
  loudness        REAL NOT NULL,
  true_peak       REAL NOT NULL,
  x_of            INTEGER CHECK (x_of IS NULL OR x_of >= 0),
  phrase_take_id  INTEGER,
  phrase_model_id INTEGER,
  phrase          TEXT CHECK (phrase IS NULL OR json_valid(phrase)),
  PRIMARY KEY (session_id, idx),
  CHECK ((origin = 'catch') = (catch_kind IS NOT NULL)),
  CHECK ((catch_kind IS 'repeat') = (repeat_of IS NOT NULL)),
  CHECK (origin <> 'generated' OR take_id IS NOT NULL OR phrase_take_id IS NOT NULL),
  CHECK (take_id IS NULL OR phrase_take_id IS NULL),
  CHECK (origin <> 'real' OR (take_id IS NULL AND phrase_take_id IS NULL))
);
INSERT INTO session_items_midi (session_id, idx, origin, catch_kind, repeat_of, expected, take_id, clip_id, model_id, song_id,
  preset, epochs, mode, length_seconds, source_file_id, source_start, file, loudness, true_peak, x_of)
SELECT session_id, idx, origin, catch_kind, repeat_of, expected, take_id, clip_id, model_id, song_id,
  preset, epochs, mode, length_seconds, source_file_id, source_start, file, loudness, true_peak, x_of FROM session_items;
DROP TABLE session_items;
ALTER TABLE session_items_midi RENAME TO session_items;

CREATE TRIGGER session_items_fixed_once_rated BEFORE INSERT ON session_items
  WHEN EXISTS (SELECT 1 FROM raters WHERE session_id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'the items of a rating session are fixed once it has raters'); END;
CREATE TRIGGER session_items_immutable BEFORE UPDATE ON session_items
BEGIN SELECT RAISE(ABORT, 'the items of a rating session cannot change'); END;
CREATE TRIGGER session_items_kept BEFORE DELETE ON session_items
  WHEN (SELECT status FROM rating_sessions WHERE id = OLD.session_id) IS NOT 'deleting'
BEGIN SELECT RAISE(ABORT, 'the items of a rating session cannot be deleted'); END;
CREATE TRIGGER session_items_x_of_known BEFORE INSERT ON session_items
  WHEN NEW.x_of IS NOT NULL AND NOT EXISTS
    (SELECT 1 FROM session_items WHERE session_id = NEW.session_id AND idx = NEW.x_of AND x_of IS NULL)
BEGIN SELECT RAISE(ABORT, 'an X rendering must name a stimulus of its own session stored before it'); END;
`,
};
