/**
 * Every migration, in order. Add a file `NNNN-name.ts` and list it here; never edit one that
 * has shipped (databases in the wild have already applied it).
 */
import type Database from 'better-sqlite3';
import { migration0001 } from './0001-library.js';
import { migration0002 } from './0002-models.js';
import { migration0003 } from './0003-takes.js';
import { migration0004 } from './0004-take-metrics.js';
import { migration0005 } from './0005-rating.js';
import { migration0006 } from './0006-rater-access.js';
import { migration0007 } from './0007-abx-x-renderings.js';
import { migration0008 } from './0008-paper-preset.js';
import { migration0009 } from './0009-musical-time.js';
import { migration0010 } from './0010-take-render.js';
import { migration0011 } from './0011-ids-never-reused.js';
import { migration0012 } from './0012-midi-parts.js';
import { migration0013 } from './0013-phrase-models.js';
import { migration0014 } from './0014-midi-rating-items.js';

export interface Migration {
  /** Strictly increasing from 1; stored in PRAGMA user_version once applied. */
  version: number;
  name: string;
  sql: string;
  /**
   * It rebuilds a table other tables reference (SQLite's way to change a constraint): foreign
   * keys are off while it runs, so dropping the old table cascades nowhere, and every reference
   * is checked before it commits.
   */
  rebuildsTables?: boolean;
  /** Work SQL alone cannot say (it reads the schema as stored), run after `sql` in the same transaction. */
  apply?(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014];
