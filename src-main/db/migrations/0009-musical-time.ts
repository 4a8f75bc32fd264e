/**
 * 0009: musical time per song — tempo (quarter notes per minute), time signature, where bar 1
 * starts (seconds into the song's audio) and key (tonic pitch class C = 0 … B = 11 and mode),
 * each with where it came from: the import's analysis ('estimated'), a default ('default': no
 * clear beat gives 120 BPM, no clear key gives none, the signature is 4/4 until someone sets
 * it), or the user ('user'; re-analysis never overwrites it). docs/architecture.md, Library.
 *
 * Songs imported before this migration have tempo_source NULL: not analysed yet. Their first
 * file is decoded again and analysed after the migration (LibraryService.backfillMusicalTime:
 * in the background when the app or web mode starts, on demand for the CLI and export), which
 * SQL cannot do. Adding columns leaves the tables and their references as they were.
 */
export const migration0009 = {
  version: 9,
  name: 'musical-time',
  sql: `
ALTER TABLE songs ADD COLUMN tempo_bpm REAL CHECK (tempo_bpm IS NULL OR tempo_bpm BETWEEN 20 AND 999);
ALTER TABLE songs ADD COLUMN tempo_source TEXT CHECK (tempo_source IN ('estimated', 'default', 'user')
  AND (tempo_source IS NULL) = (tempo_bpm IS NULL));
ALTER TABLE songs ADD COLUMN beats_per_bar INTEGER NOT NULL DEFAULT 4 CHECK (beats_per_bar BETWEEN 1 AND 99);
ALTER TABLE songs ADD COLUMN beat_unit INTEGER NOT NULL DEFAULT 4 CHECK (beat_unit IN (1, 2, 4, 8, 16));
ALTER TABLE songs ADD COLUMN time_signature_source TEXT NOT NULL DEFAULT 'default'
  CHECK (time_signature_source IN ('estimated', 'default', 'user'));
ALTER TABLE songs ADD COLUMN downbeat_seconds REAL CHECK (downbeat_seconds IS NULL OR downbeat_seconds >= 0);
ALTER TABLE songs ADD COLUMN downbeat_source TEXT CHECK (downbeat_source IN ('estimated', 'default', 'user')
  AND (downbeat_source IS NULL) = (downbeat_seconds IS NULL));
ALTER TABLE songs ADD COLUMN key_tonic INTEGER CHECK (key_tonic IS NULL OR key_tonic BETWEEN 0 AND 11);
ALTER TABLE songs ADD COLUMN key_mode TEXT CHECK ((key_mode IS NULL OR key_mode IN ('major', 'minor'))
  AND (key_mode IS NULL) = (key_tonic IS NULL));
ALTER TABLE songs ADD COLUMN key_source TEXT CHECK (key_source IN ('estimated', 'default', 'user'));
`,
};
