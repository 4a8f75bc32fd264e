/**
 * SQL for the take_metrics table (migration 0004): one stored measurement per take, as JSON,
 * with the measurement version it was made with. The service decides what the JSON holds and
 * parses it; rows of another version are treated as missing (read returns null), so a changed
 * measurement recomputes on demand and an old row is simply overwritten.
 */
import type { Db } from '../../db/database.js';

interface MetricsRow {
  take_id: number;
  version: number;
  json: string;
  computed_at: string;
}

/** A stored row: the JSON as written, not yet parsed. */
export interface StoredRow {
  takeId: number;
  version: number;
  json: string;
  computedAt: string;
}

export class MetricsRepository {
  constructor(private readonly db: Db) {}

  /** The row of a take measured with `version`, else null (none, or an older measurement). */
  read(takeId: number, version: number): StoredRow | null {
    const row = this.db
      .prepare<[number, number], MetricsRow>('SELECT * FROM take_metrics WHERE take_id = ? AND version = ?')
      .get(takeId, version);
    return row ? toStored(row) : null;
  }

  /** The rows of `version` among the given takes, keyed by take id. */
  readMany(takeIds: readonly number[], version: number): Map<number, StoredRow> {
    const found = new Map<number, StoredRow>();
    // SQLite's default limit on bound parameters is 32766; a model's takes fit many times over,
    // but chunk anyway so no caller has to think about it.
    for (let first = 0; first < takeIds.length; first += 500) {
      const chunk = takeIds.slice(first, first + 500);
      const rows = this.db
        .prepare<unknown[], MetricsRow>(`SELECT * FROM take_metrics WHERE version = ? AND take_id IN (${chunk.map(() => '?').join(', ')})`)
        .all(version, ...chunk);
      for (const row of rows) found.set(row.take_id, toStored(row));
    }
    return found;
  }

  /** Stores (or replaces) a take's measurement. */
  write(takeId: number, version: number, json: string, computedAt: string): void {
    this.db
      .prepare(
        `INSERT INTO take_metrics (take_id, version, json, computed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (take_id) DO UPDATE SET version = excluded.version, json = excluded.json, computed_at = excluded.computed_at`,
      )
      .run(takeId, version, json, computedAt);
  }

  /** How many rows there are (of any version): diagnostics and tests. */
  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM take_metrics').get()?.n ?? 0;
  }
}

function toStored(row: MetricsRow): StoredRow {
  return { takeId: row.take_id, version: row.version, json: row.json, computedAt: row.computed_at };
}
