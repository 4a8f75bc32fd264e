/**
 * Opens the library database: WAL journal (readers never block the writer, a crash mid-write
 * leaves the last commit intact), foreign keys on, and pending migrations applied, each in
 * its own transaction together with the user_version bump, so a failed migration changes
 * nothing.
 */
import Database from 'better-sqlite3';
import { AppError } from '../common/errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path to a better_sqlite3.node built for this runtime (Electron needs its own ABI). */
  nativeBinding?: string;
  readonly?: boolean;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (error) {
    throw new AppError('STORAGE', `cannot open the library database ${file}: ${String(error)}`);
  }
  try {
    db.pragma('busy_timeout = 5000'); // the CLI and the app may share a data directory
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL'); // with WAL: durable at checkpoints, never corrupt
    migrate(db, MIGRATIONS);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Applies migrations newer than the database's user_version, in order. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError(
      'STORAGE',
      `the library database is version ${current}, newer than this Eureka (${latest}); update Eureka`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction: it is switched around it.
    const foreignKeys = Number(db.pragma('foreign_keys', { simple: true }));
    if (migration.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        migration.apply?.(db);
        if (migration.rebuildsTables && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new AppError('STORAGE', `migration ${migration.version} (${migration.name}) would break the library's references`);
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    } finally {
      if (migration.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys}`);
    }
  }
}
