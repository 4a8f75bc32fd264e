/**
 * 0004: take_metrics — what the metrics service measured of a take (services/metrics), one row
 * per take. `json` holds the measurement (TakeMetrics plus the few feature statistics the
 * diversity of a model's takes needs), so changing the ranking weights or the copy limit
 * re-scores stored rows without decoding audio again. `version` is the measurement's version:
 * rows of an older one are recomputed on demand. A take's row goes with the take (and so with
 * its model).
 */
export const migration0004 = {
  version: 4,
  name: 'take-metrics',
  sql: `
CREATE TABLE take_metrics (
  take_id      INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
  version      INTEGER NOT NULL CHECK (version > 0),
  json         TEXT NOT NULL,
  computed_at  TEXT NOT NULL
);
`,
};
