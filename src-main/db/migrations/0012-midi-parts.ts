/**
 * 0012: MIDI parts (docs/midi.md). `midi_files` are imported Standard MIDI Files: their
 * original bytes sit in the store's `midi/` area under `store_key`, byte for byte. `parts` are
 * the music itself — a track of an imported file, a transcription of a clip or take, or what a
 * model wrote — with its notes, pitch bends, tempo map and meter map as JSON in beats (quarter
 * notes from bar 1; common/midi.ts holds the schemas they are read back through). `part_clips`
 * cut a part by bars, as clips cut a bounce by seconds.
 *
 * A song's parts and MIDI files go with it; a part's clips go with the part. The clip or take
 * a part was transcribed from may go without it (the part is still the music it was). Ids are
 * AUTOINCREMENT from the start, as every library table is since migration 0011: a deleted
 * part's number never names another one.
 */
export const migration0012 = {
  version: 12,
  name: 'midi-parts',
  sql: `
CREATE TABLE midi_files (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  song_id        INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
  original_name  TEXT NOT NULL,
  sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
  size_bytes     INTEGER NOT NULL CHECK (size_bytes > 0),
  store_key      TEXT NOT NULL,
  ppq            INTEGER NOT NULL CHECK (ppq > 0),
  format         INTEGER NOT NULL CHECK (format IN (0, 1)),
  track_count    INTEGER NOT NULL CHECK (track_count >= 1),
  created_at     TEXT NOT NULL
);
CREATE INDEX midi_files_by_song ON midi_files(song_id);
CREATE INDEX midi_files_by_sha ON midi_files(sha256);

CREATE TABLE parts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  song_id         INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
  midi_file_id    INTEGER REFERENCES midi_files(id) ON DELETE SET NULL,
  track_index     INTEGER CHECK (track_index IS NULL OR track_index >= 0),
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  program         INTEGER NOT NULL CHECK (program BETWEEN 0 AND 127),
  channel         INTEGER NOT NULL CHECK (channel BETWEEN 0 AND 15),
  source          TEXT NOT NULL CHECK (source IN ('midi-file', 'transcription', 'model')),
  source_clip_id  INTEGER REFERENCES clips(id) ON DELETE SET NULL,
  source_take_id  INTEGER REFERENCES takes(id) ON DELETE SET NULL,
  settings        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
  notes           TEXT NOT NULL CHECK (json_valid(notes)),
  bends           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(bends)),
  tempo_map       TEXT NOT NULL CHECK (json_valid(tempo_map)),
  meter_map       TEXT NOT NULL CHECK (json_valid(meter_map)),
  note_count      INTEGER NOT NULL CHECK (note_count >= 0),
  length_beats    REAL NOT NULL CHECK (length_beats >= 0),
  created_at      TEXT NOT NULL,
  CHECK ((source = 'midi-file') = (midi_file_id IS NOT NULL OR track_index IS NOT NULL))
);
CREATE INDEX parts_by_song ON parts(song_id);
CREATE INDEX parts_by_midi_file ON parts(midi_file_id);

CREATE TABLE part_clips (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  part_id      INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
  start_bar    INTEGER NOT NULL CHECK (start_bar >= 1),
  length_bars  INTEGER NOT NULL CHECK (length_bars >= 1),
  label        TEXT NOT NULL DEFAULT '' CHECK (length(label) <= 200),
  notes        TEXT NOT NULL DEFAULT '',
  split        TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'val', 'test')),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX part_clips_by_part ON part_clips(part_id);
`,
};
