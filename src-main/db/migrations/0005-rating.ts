/**
 * 0005: blind rating sessions (docs/listening-tests.md).
 *
 * - rating_sessions: what was asked for (the draft, JSON) and what was decided (format, item
 *   length, the band-limit rate `sample_rate` and the items' file rate, the loudness target,
 *   the shuffle seed). Only `status` may change afterwards.
 * - session_items: the answer key — each item's origin, expected answer and provenance (take,
 *   clip, model, preset, epochs, mode), its file name inside data/rating/<session>/, and its
 *   measured loudness and true peak. No foreign keys to takes, clips or models on purpose: a
 *   deleted take must not rewrite a finished experiment's key (and cascades would be updates).
 * - raters: one per listener, with their fixed order (JSON: per position the item indices of
 *   its stimuli) and the audio tokens of those stimuli (JSON, same shape), then the final
 *   questionnaire and the submit time.
 * - item_tokens: token → (rater, position, stimulus, item), the media route's lookup.
 * - ratings: one answer per rater and position.
 *
 * Triggers make the rules the database's own, whoever writes: items, orders and tokens never
 * change; an item list is fixed once raters exist; answers are append-only (the first answer
 * to a position stands, PRIMARY KEY) and refused after the rater submitted or beyond their
 * last position; the final questionnaire and the submit time are fixed once submitted. Rows go
 * only while their session's status is 'deleting' (RatingRepository.deleteSession).
 */
export const migration0005 = {
  version: 5,
  name: 'rating',
  sql: `
CREATE TABLE rating_sessions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  format        TEXT NOT NULL CHECK (format IN ('single', '2afc', 'abx')),
  item_seconds  REAL NOT NULL CHECK (item_seconds > 0),
  sample_rate   INTEGER NOT NULL CHECK (sample_rate > 0),
  file_rate     INTEGER NOT NULL CHECK (file_rate >= sample_rate),
  target_lufs   REAL NOT NULL,
  catch_trials  INTEGER NOT NULL CHECK (catch_trials IN (0, 1)),
  seed          TEXT NOT NULL CHECK (length(seed) BETWEEN 1 AND 20),
  draft         TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'deleting')),
  created_at    TEXT NOT NULL
);

CREATE TABLE session_items (
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
  PRIMARY KEY (session_id, idx),
  CHECK ((origin = 'catch') = (catch_kind IS NOT NULL)),
  CHECK ((catch_kind IS 'repeat') = (repeat_of IS NOT NULL)),
  CHECK (origin <> 'generated' OR take_id IS NOT NULL),
  CHECK (origin <> 'real' OR take_id IS NULL)
);

CREATE TABLE raters (
  id            INTEGER PRIMARY KEY,
  session_id    INTEGER NOT NULL REFERENCES rating_sessions(id),
  name          TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 60),
  trial_order   TEXT NOT NULL CHECK (json_array_length(trial_order) > 0),
  tokens        TEXT NOT NULL CHECK (json_array_length(tokens) = json_array_length(trial_order)),
  final         TEXT,
  submitted_at  TEXT,
  UNIQUE (session_id, name)
);
CREATE INDEX raters_by_session ON raters(session_id);

CREATE TABLE item_tokens (
  token     TEXT PRIMARY KEY CHECK (length(token) = 32 AND token NOT GLOB '*[^0-9a-f]*'),
  rater_id  INTEGER NOT NULL REFERENCES raters(id),
  position  INTEGER NOT NULL CHECK (position >= 1),
  slot      INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 2),
  item_idx  INTEGER NOT NULL CHECK (item_idx >= 0)
) WITHOUT ROWID;
CREATE INDEX item_tokens_by_rater ON item_tokens(rater_id);

CREATE TABLE ratings (
  rater_id     INTEGER NOT NULL REFERENCES raters(id),
  position     INTEGER NOT NULL CHECK (position >= 1),
  answer       TEXT NOT NULL,
  answered_at  TEXT NOT NULL,
  PRIMARY KEY (rater_id, position)
) WITHOUT ROWID;

CREATE TRIGGER rating_sessions_fixed BEFORE UPDATE OF id, name, format, item_seconds, sample_rate, file_rate,
  target_lufs, catch_trials, seed, draft, created_at ON rating_sessions
BEGIN SELECT RAISE(ABORT, 'a rating session cannot change once created'); END;
CREATE TRIGGER rating_sessions_kept BEFORE DELETE ON rating_sessions WHEN OLD.status IS NOT 'deleting'
BEGIN SELECT RAISE(ABORT, 'a rating session is deleted only through deleteSession'); END;

CREATE TRIGGER session_items_fixed_once_rated BEFORE INSERT ON session_items
  WHEN EXISTS (SELECT 1 FROM raters WHERE session_id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'the items of a rating session are fixed once it has raters'); END;
CREATE TRIGGER session_items_immutable BEFORE UPDATE ON session_items
BEGIN SELECT RAISE(ABORT, 'the items of a rating session cannot change'); END;
CREATE TRIGGER session_items_kept BEFORE DELETE ON session_items
  WHEN (SELECT status FROM rating_sessions WHERE id = OLD.session_id) IS NOT 'deleting'
BEGIN SELECT RAISE(ABORT, 'the items of a rating session cannot be deleted'); END;

CREATE TRIGGER raters_order_fixed BEFORE UPDATE OF id, session_id, name, trial_order, tokens ON raters
BEGIN SELECT RAISE(ABORT, 'a rater''s order cannot change'); END;
CREATE TRIGGER raters_final_fixed BEFORE UPDATE OF final, submitted_at ON raters WHEN OLD.submitted_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the rater has submitted; answers are final'); END;
CREATE TRIGGER raters_kept BEFORE DELETE ON raters
  WHEN (SELECT status FROM rating_sessions WHERE id = OLD.session_id) IS NOT 'deleting'
BEGIN SELECT RAISE(ABORT, 'a rater cannot be removed from a rating session'); END;

CREATE TRIGGER item_tokens_immutable BEFORE UPDATE ON item_tokens
BEGIN SELECT RAISE(ABORT, 'audio tokens cannot change'); END;
CREATE TRIGGER item_tokens_kept BEFORE DELETE ON item_tokens
  WHEN (SELECT s.status FROM raters r JOIN rating_sessions s ON s.id = r.session_id WHERE r.id = OLD.rater_id) IS NOT 'deleting'
BEGIN SELECT RAISE(ABORT, 'audio tokens cannot be deleted'); END;

CREATE TRIGGER ratings_append_only BEFORE INSERT ON ratings
BEGIN
  SELECT RAISE(ABORT, 'the rater has submitted; answers are final')
    WHERE (SELECT submitted_at FROM raters WHERE id = NEW.rater_id) IS NOT NULL;
  SELECT RAISE(ABORT, 'there is no such position in the rater''s order')
    WHERE NEW.position > (SELECT json_array_length(trial_order) FROM raters WHERE id = NEW.rater_id);
END;
CREATE TRIGGER ratings_immutable BEFORE UPDATE ON ratings
BEGIN SELECT RAISE(ABORT, 'answers are append-only'); END;
CREATE TRIGGER ratings_kept BEFORE DELETE ON ratings
  WHEN (SELECT s.status FROM raters r JOIN rating_sessions s ON s.id = r.session_id WHERE r.id = OLD.rater_id) IS NOT 'deleting'
BEGIN SELECT RAISE(ABORT, 'answers are append-only'); END;
`,
};
