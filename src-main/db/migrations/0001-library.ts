/**
 * 0001: the library — songs, their imported files, and clips cut from those files.
 * Times are seconds (REAL); timestamps ISO-8601 UTC text. A clip's song is its file's song
 * (not stored twice). Deleting a song removes its files' rows and clips; the audio store is
 * cleaned by the service, not by SQL.
 */
export const migration0001 = {
  version: 1,
  name: 'library',
  sql: `
CREATE TABLE songs (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  TEXT NOT NULL
);

CREATE TABLE files (
  id                INTEGER PRIMARY KEY,
  song_id           INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
  original_name     TEXT NOT NULL,
  format            TEXT NOT NULL CHECK (format IN ('wav', 'aiff', 'flac', 'mp3', 'caf')),
  sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
  size_bytes        INTEGER NOT NULL CHECK (size_bytes > 0),
  store_key         TEXT NOT NULL,
  playback_key      TEXT NOT NULL,
  sample_rate       INTEGER NOT NULL CHECK (sample_rate > 0),
  channels          INTEGER NOT NULL CHECK (channels > 0),
  frames            INTEGER NOT NULL CHECK (frames > 0),
  duration_seconds  REAL NOT NULL CHECK (duration_seconds > 0),
  peak_dbfs         REAL NOT NULL,
  loudness_lufs     REAL,
  created_at        TEXT NOT NULL
);
CREATE INDEX files_by_song ON files(song_id);
CREATE INDEX files_by_sha ON files(sha256);

CREATE TABLE clips (
  id             INTEGER PRIMARY KEY,
  file_id        INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  start_seconds  REAL NOT NULL CHECK (start_seconds >= 0),
  end_seconds    REAL NOT NULL CHECK (end_seconds > start_seconds),
  label          TEXT NOT NULL CHECK (label IN ('U', 'V', 'gap')),
  split          TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'val', 'test')),
  hole_start     REAL,
  hole_end       REAL,
  notes          TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  CHECK ((label = 'gap') = (hole_start IS NOT NULL AND hole_end IS NOT NULL)),
  CHECK (hole_start IS NULL OR (hole_start > start_seconds AND hole_end < end_seconds
                                AND hole_end > hole_start))
);
CREATE INDEX clips_by_file ON clips(file_id);
`,
};
