/**
 * 0011: a deleted song's numbers are never given out again. SQLite gives a new row one more
 * than the largest id in its table, so once songs could be deleted, deleting the newest song
 * and importing again would hand the new song, its file, clips, models and takes the numbers
 * of the deleted ones. Listening sessions name takes, clips and models by number on purpose
 * (their answer key must not change, migration 0005), so their ratings would then show on
 * takes nobody rated; a model or takes folder left by a process killed mid-delete would be
 * found by the new model of the same number; and an id in someone's script would silently
 * point at something else. AUTOINCREMENT makes SQLite remember the largest id ever used.
 *
 * SQLite cannot add AUTOINCREMENT in place, so each table is rebuilt (its documented way: a
 * new table, the rows copied, the old one dropped, the new one renamed, its indexes and
 * triggers made again). The rebuild starts from each table's CREATE statement as stored, so
 * columns added by earlier migrations come along; foreign keys are off meanwhile
 * (`rebuildsTables`), so dropping a table cascades nowhere, and checked before commit.
 */
import type Database from 'better-sqlite3';

/** Every table whose rows can be deleted and whose ids other records name. */
const TABLES = ['songs', 'files', 'clips', 'models', 'takes'] as const;

export const migration0011 = {
  version: 11,
  name: 'ids-never-reused',
  rebuildsTables: true,
  sql: '',
  apply(db: Database.Database): void {
    // The rename below must not re-check other tables' triggers against a table that is,
    // for a moment, dropped; nothing names the temporary table, so nothing needs rewriting.
    const legacy = Number(db.pragma('legacy_alter_table', { simple: true }));
    db.pragma('legacy_alter_table = ON');
    try {
      for (const table of TABLES) rebuildWithAutoincrement(db, table);
    } finally {
      db.pragma(`legacy_alter_table = ${legacy}`);
    }
  },
};

const ID_COLUMN = /^(\s*id\s+INTEGER\s+PRIMARY\s+KEY)(\s*,)/im;
const CREATE_TABLE = /^CREATE\s+TABLE\s+(?:"[^"]+"|\w+)/i;

function rebuildWithAutoincrement(db: Database.Database, table: string): void {
  const row = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  if (!row) throw new Error(`migration 11: there is no table ${table}`);
  if (/\bAUTOINCREMENT\b/i.test(row.sql)) return;
  if (!ID_COLUMN.test(row.sql) || !CREATE_TABLE.test(row.sql)) throw new Error(`migration 11: ${table} has no "id INTEGER PRIMARY KEY" column to keep`);
  const temporary = `${table}_ids_kept`;
  const created = row.sql.replace(ID_COLUMN, '$1 AUTOINCREMENT$2').replace(CREATE_TABLE, `CREATE TABLE ${temporary}`);
  const attached = db
    .prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid")
    .all(table);
  db.exec(created);
  db.exec(`INSERT INTO ${temporary} SELECT * FROM ${table}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${temporary} RENAME TO ${table}`);
  for (const { sql } of attached) db.exec(sql);
}
