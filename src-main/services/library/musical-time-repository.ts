/**
 * Prepared statements for a song's musical time (the songs table's columns of migration 0009),
 * and the mapping from those columns to the MusicalTime DTO. A song whose tempo_source is NULL
 * has not been analysed yet (imported before the analysis existed).
 */
import type { Db } from '../../db/database.js';
import { keyName, musicalTimeSchema, parseKey, type MusicalSource, type MusicalTime, type TimeSignature } from '../../common/musical-time.js';

interface MusicalRow {
  id: number;
  tempo_bpm: number | null;
  tempo_source: MusicalSource | null;
  beats_per_bar: number;
  beat_unit: number;
  time_signature_source: MusicalSource;
  downbeat_seconds: number | null;
  downbeat_source: MusicalSource | null;
  key_tonic: number | null;
  key_mode: 'major' | 'minor' | null;
  key_source: MusicalSource | null;
}

/** Values to store; each field present is written with its source. */
export interface MusicalValues {
  tempo?: { bpm: number; source: MusicalSource };
  timeSignature?: { value: TimeSignature; source: MusicalSource };
  downbeat?: { seconds: number; source: MusicalSource };
  /** `name` null: no key. */
  key?: { name: string | null; source: MusicalSource };
}

const COLUMNS = `id, tempo_bpm, tempo_source, beats_per_bar, beat_unit, time_signature_source,
  downbeat_seconds, downbeat_source, key_tonic, key_mode, key_source`;

export class MusicalTimeRepository {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      one: db.prepare(`SELECT ${COLUMNS} FROM songs WHERE id = ?`),
      all: db.prepare(`SELECT ${COLUMNS} FROM songs`),
      unanalysed: db.prepare('SELECT id FROM songs WHERE tempo_source IS NULL ORDER BY id'),
      // A field the user set keeps its value (and its source) unless `force` (the user again).
      write: db.prepare(`UPDATE songs SET
          tempo_bpm = CASE WHEN @hasTempo AND (@force OR tempo_source IS NOT 'user') THEN @tempo ELSE tempo_bpm END,
          tempo_source = CASE WHEN @hasTempo AND (@force OR tempo_source IS NOT 'user') THEN @tempoSource ELSE tempo_source END,
          beats_per_bar = CASE WHEN @hasSignature AND (@force OR time_signature_source IS NOT 'user') THEN @numerator ELSE beats_per_bar END,
          beat_unit = CASE WHEN @hasSignature AND (@force OR time_signature_source IS NOT 'user') THEN @denominator ELSE beat_unit END,
          time_signature_source = CASE WHEN @hasSignature AND (@force OR time_signature_source IS NOT 'user') THEN @signatureSource ELSE time_signature_source END,
          downbeat_seconds = CASE WHEN @hasDownbeat AND (@force OR downbeat_source IS NOT 'user') THEN @downbeat ELSE downbeat_seconds END,
          downbeat_source = CASE WHEN @hasDownbeat AND (@force OR downbeat_source IS NOT 'user') THEN @downbeatSource ELSE downbeat_source END,
          key_tonic = CASE WHEN @hasKey AND (@force OR key_source IS NOT 'user') THEN @keyTonic ELSE key_tonic END,
          key_mode = CASE WHEN @hasKey AND (@force OR key_source IS NOT 'user') THEN @keyMode ELSE key_mode END,
          key_source = CASE WHEN @hasKey AND (@force OR key_source IS NOT 'user') THEN @keySource ELSE key_source END
        WHERE id = @id`),
    };
  }

  /** The song's musical time; null when it was not analysed yet (or there is no such song). */
  get(songId: number): MusicalTime | null {
    const row = this.statements.one.get(songId) as MusicalRow | undefined;
    return row ? toMusicalTime(row) : null;
  }

  /** Every analysed song's musical time, by song id. */
  all(): Map<number, MusicalTime> {
    const times = new Map<number, MusicalTime>();
    for (const row of this.statements.all.all() as MusicalRow[]) {
      const time = toMusicalTime(row);
      if (time) times.set(row.id, time);
    }
    return times;
  }

  /** Ids of the songs not analysed yet, oldest first. */
  unanalysed(): number[] {
    return (this.statements.unanalysed.all() as { id: number }[]).map((row) => row.id);
  }

  /**
   * Writes `values`. An analysis (`force` false) leaves every field the user set as it is; the
   * user's own change (`force` true) overwrites. Returns whether the song exists.
   */
  write(songId: number, values: MusicalValues, force: boolean): boolean {
    const key = values.key?.name == null ? null : parseKey(values.key.name);
    return (
      this.statements.write.run({
        id: songId,
        force: force ? 1 : 0,
        hasTempo: values.tempo ? 1 : 0,
        tempo: values.tempo?.bpm ?? null,
        tempoSource: values.tempo?.source ?? null,
        hasSignature: values.timeSignature ? 1 : 0,
        numerator: values.timeSignature?.value.numerator ?? null,
        denominator: values.timeSignature?.value.denominator ?? null,
        signatureSource: values.timeSignature?.source ?? null,
        hasDownbeat: values.downbeat ? 1 : 0,
        downbeat: values.downbeat?.seconds ?? null,
        downbeatSource: values.downbeat?.source ?? null,
        hasKey: values.key ? 1 : 0,
        keyTonic: key?.tonic ?? null,
        keyMode: key?.mode ?? null,
        keySource: values.key?.source ?? null,
      }).changes > 0
    );
  }
}

function toMusicalTime(row: MusicalRow): MusicalTime | null {
  if (row.tempo_source === null || row.tempo_bpm === null) return null;
  return musicalTimeSchema.parse({
    tempo: row.tempo_bpm,
    tempoSource: row.tempo_source,
    timeSignature: { numerator: row.beats_per_bar, denominator: row.beat_unit },
    timeSignatureSource: row.time_signature_source,
    downbeatSeconds: row.downbeat_seconds ?? 0,
    downbeatSource: row.downbeat_source ?? 'default',
    key: row.key_tonic === null || row.key_mode === null ? null : keyName(row.key_tonic, row.key_mode),
    keySource: row.key_source ?? 'default',
  });
}
