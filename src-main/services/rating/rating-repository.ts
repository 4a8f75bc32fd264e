/**
 * SQL for blind rating sessions (migrations 0005 to 0007, and 0014 for MIDI items): sessions, their items (the answer
 * key), raters with their fixed orders, audio tokens and link keys, and the append-only
 * answers. Main process only: nothing here may reach a rater's renderer before they submit
 * (RatingService decides what does). The database's triggers enforce immutability; this class
 * turns their refusals into one-line AppErrors and checks the common ones first so the message
 * names the problem.
 *
 * Files: a session's item WAVs live in data/rating/<sessionId>/<32 hex>.wav. createSession
 * receives them in a staging folder and moves that folder into place inside its transaction,
 * so a session row never exists without its files (a crash before the commit leaves an orphan
 * folder under the next id, which the next createSession replaces).
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import {
  answerSchema,
  finalAnswersSchema,
  sessionDraftSchema,
  type Answer,
  type FinalAnswers,
  type SessionDraft,
  type SessionFormat,
} from '../../common/rating.js';
import type { Db } from '../../db/database.js';

/** What a session was built with. */
export interface SessionSettings {
  name: string;
  format: SessionFormat;
  itemSeconds: number;
  /** The band limit, Hz: the lowest rate the session's takes were generated at. */
  sampleRate: number;
  /** The rate of the item files, Hz (≥ sampleRate; browsers play it). */
  fileRate: number;
  targetLufs: number;
  catchTrials: boolean;
  seed: string;
  draft: SessionDraft;
}

export interface SessionRow extends SessionSettings {
  id: number;
  status: 'open' | 'closed';
  itemCount: number;
  createdAt: string;
}

/**
 * Where a real MIDI item's phrase comes from: a held-out phrase of a phrase model's corpus
 * (its source name and bars, services/phrases/phrases.ts), or bars of one of a song's parts.
 */
export type RealPhraseSource =
  | { kind: 'held-out'; modelId: number; source: string; startBar: number; bars: number }
  | { kind: 'song part'; partId: number; startBar: number; bars: number };

/** An item of the answer key. */
export interface StoredItem {
  index: number;
  origin: 'generated' | 'real' | 'catch';
  catchKind: 'lowpass' | 'repeat' | null;
  /** A repeat's original item index, else null. */
  repeatOf: number | null;
  /**
   * ABX: the stimulus (A or B of its trial) this item renders again as X, else null. The rest
   * of the item is that stimulus's key; only the file and its measurements are its own.
   */
  xOf: number | null;
  expected: 'real' | 'fake';
  takeId: number | null;
  clipId: number | null;
  modelId: number | null;
  songId: number | null;
  preset: string | null;
  epochs: number | null;
  mode: string | null;
  /** The take's own length, seconds (null for real items). */
  lengthSeconds: number | null;
  /** Real items: the library file the excerpt was cut from. */
  sourceFileId: number | null;
  /** A MIDI session's generated item: the phrase model's take it renders, and that model. */
  phraseTakeId: number | null;
  phraseModelId: number | null;
  /** A MIDI session's real item: the phrase it renders. */
  phrase: RealPhraseSource | null;
  /** Where the cut starts in its take or file, seconds. */
  sourceStart: number;
  /** The item WAV: absolute when read back; createSession takes it in its staging folder. */
  file: string;
  loudnessLufs: number;
  truePeakDbtp: number;
}

/** A rater as createSession receives them: per position the item indices and audio tokens of its stimuli. */
export interface NewRater {
  name: string;
  order: number[][];
  tokens: string[][];
}

export interface RaterRow extends NewRater {
  id: number;
  sessionId: number;
  /** The secret of the rater's own web-mode link (32 random bytes, hex; given at creation, never changed). */
  accessKey: string;
  final: FinalAnswers | null;
  submittedAt: string | null;
}

export interface AnswerRow {
  raterId: number;
  /** 1-based. */
  position: number;
  answer: Answer;
  answeredAt: string;
}

interface SessionDbRow {
  id: number;
  name: string;
  format: SessionFormat;
  item_seconds: number;
  sample_rate: number;
  file_rate: number;
  target_lufs: number;
  catch_trials: number;
  seed: string;
  draft: string;
  status: 'open' | 'closed';
  created_at: string;
  item_count: number;
}

type ItemDbRow = Record<string, unknown> & { idx: number; file: string; session_id: number };

const TOKEN = /^[0-9a-f]{32}$/;
const SESSION_SELECT = `SELECT s.*, (SELECT count(*) FROM session_items i WHERE i.session_id = s.id) AS item_count FROM rating_sessions s`;

export class RatingRepository {
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
  ) {}

  /** data/rating/<sessionId> */
  sessionDir(sessionId: number): string {
    return path.join(this.dataDir, 'rating', String(sessionId));
  }

  /**
   * Stores a session, its items and raters in one transaction and moves the items' staging
   * folder (every item file must lie in it) to data/rating/<id>. Returns the session id.
   */
  createSession(settings: SessionSettings, items: readonly StoredItem[], raters: readonly NewRater[]): number {
    const staging = items[0] ? path.dirname(items[0].file) : null;
    if (!staging || items.some((item) => path.dirname(item.file) !== staging)) {
      throw new AppError('INTERNAL', 'a rating session needs items, all in one staging folder');
    }
    const run = this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO rating_sessions (name, format, item_seconds, sample_rate, file_rate, target_lufs, catch_trials, seed, draft, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            settings.name,
            settings.format,
            settings.itemSeconds,
            settings.sampleRate,
            settings.fileRate,
            settings.targetLufs,
            settings.catchTrials ? 1 : 0,
            settings.seed,
            JSON.stringify(settings.draft),
            new Date().toISOString(),
          ).lastInsertRowid,
      );
      const insertItem = this.db.prepare(
        `INSERT INTO session_items (session_id, idx, origin, catch_kind, repeat_of, x_of, expected, take_id, clip_id, model_id, song_id,
           preset, epochs, mode, length_seconds, source_file_id, source_start, file, loudness, true_peak, phrase_take_id, phrase_model_id, phrase)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const item of items) {
        insertItem.run(id, item.index, item.origin, item.catchKind, item.repeatOf, item.xOf, item.expected, item.takeId, item.clipId,
          item.modelId, item.songId, item.preset, item.epochs, item.mode, item.lengthSeconds, item.sourceFileId, item.sourceStart,
          path.basename(item.file), item.loudnessLufs, item.truePeakDbtp, item.phraseTakeId, item.phraseModelId,
          item.phrase === null ? null : JSON.stringify(item.phrase));
      }
      const insertRater = this.db.prepare('INSERT INTO raters (session_id, name, trial_order, tokens, access_key) VALUES (?, ?, ?, ?, ?)');
      const insertToken = this.db.prepare('INSERT INTO item_tokens (token, rater_id, position, slot, item_idx) VALUES (?, ?, ?, ?, ?)');
      for (const rater of raters) {
        checkRater(rater, items.length);
        const accessKey = randomBytes(32).toString('hex');
        const raterId = Number(
          insertRater.run(id, rater.name, JSON.stringify(rater.order), JSON.stringify(rater.tokens), accessKey).lastInsertRowid,
        );
        rater.order.forEach((stimuli, p) =>
          stimuli.forEach((itemIndex, slot) => insertToken.run(rater.tokens[p]![slot]!, raterId, p + 1, slot, itemIndex)),
        );
      }
      // Inside the transaction: a failed move rolls the rows back.
      const target = this.sessionDir(id);
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
      return id;
    });
    try {
      return run();
    } catch (error) {
      throw asAppError(error);
    }
  }

  session(id: number): SessionRow | null {
    const row = this.db.prepare<[number], SessionDbRow>(`${SESSION_SELECT} WHERE s.id = ? AND s.status <> 'deleting'`).get(id);
    return row ? toSession(row) : null;
  }

  /** Newest first. */
  sessions(): SessionRow[] {
    return this.db.prepare<[], SessionDbRow>(`${SESSION_SELECT} WHERE s.status <> 'deleting' ORDER BY s.id DESC`).all().map(toSession);
  }

  /** The answer key, by index. Main process only. */
  items(sessionId: number): StoredItem[] {
    return this.db
      .prepare<[number], ItemDbRow>('SELECT * FROM session_items WHERE session_id = ? ORDER BY idx')
      .all(sessionId)
      .map((row) => this.#toItem(row));
  }

  setStatus(sessionId: number, status: 'open' | 'closed'): void {
    this.db.prepare(`UPDATE rating_sessions SET status = ? WHERE id = ? AND status <> 'deleting'`).run(status, sessionId);
  }

  raters(sessionId: number): RaterRow[] {
    return this.db.prepare<[number], RaterDbRow>('SELECT * FROM raters WHERE session_id = ? ORDER BY id').all(sessionId).map(toRater);
  }

  rater(raterId: number): RaterRow | null {
    const row = this.db.prepare<[number], RaterDbRow>('SELECT * FROM raters WHERE id = ?').get(raterId);
    return row ? toRater(row) : null;
  }

  /** By position. */
  answers(raterId: number): AnswerRow[] {
    return this.db
      .prepare<[number], { rater_id: number; position: number; answer: string; answered_at: string }>(
        'SELECT * FROM ratings WHERE rater_id = ? ORDER BY position',
      )
      .all(raterId)
      .map((row) => ({ raterId: row.rater_id, position: row.position, answer: answerSchema.parse(JSON.parse(row.answer)), answeredAt: row.answered_at }));
  }

  /** Records the first answer to a position; refuses a second one, one after submit, or a position outside the order. */
  appendAnswer(raterId: number, position: number, answer: Answer, at: string): void {
    const rater = this.#raterOrThrow(raterId);
    if (rater.submittedAt !== null) throw new AppError('INVALID_INPUT', 'this session is submitted; its answers are final');
    if (!Number.isInteger(position) || position < 1 || position > rater.order.length) {
      throw new AppError('INVALID_INPUT', `there is no item ${position} in this session (it has ${rater.order.length})`);
    }
    const parsed = answerSchema.parse(answer);
    try {
      this.db.prepare('INSERT INTO ratings (rater_id, position, answer, answered_at) VALUES (?, ?, ?, ?)').run(raterId, position, JSON.stringify(parsed), at);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new AppError('INVALID_INPUT', `item ${position} is answered already; the first answer stands`);
      }
      throw asAppError(error);
    }
  }

  /** The final questionnaire; may be saved again until the rater submits. */
  saveFinal(raterId: number, final: FinalAnswers): void {
    this.#raterOrThrow(raterId);
    const parsed = finalAnswersSchema.parse(final);
    this.#run(() => this.db.prepare('UPDATE raters SET final = ? WHERE id = ?').run(JSON.stringify(parsed), raterId));
  }

  /** Marks the rater's session submitted (once). */
  submit(raterId: number, at = new Date().toISOString()): void {
    this.#raterOrThrow(raterId);
    this.#run(() => this.db.prepare('UPDATE raters SET submitted_at = ? WHERE id = ?').run(at, raterId));
  }

  /** The absolute path of the item WAV an audio token stands for, or null for an unknown token. */
  audioFile(token: string): string | null {
    if (!TOKEN.test(token)) return null;
    const row = this.db
      .prepare<[string], { session_id: number; file: string }>(
        `SELECT i.session_id, i.file FROM item_tokens t JOIN raters r ON r.id = t.rater_id
         JOIN session_items i ON i.session_id = r.session_id AND i.idx = t.item_idx
         JOIN rating_sessions s ON s.id = r.session_id WHERE t.token = ? AND s.status <> 'deleting'`,
      )
      .get(token);
    return row ? path.join(this.sessionDir(row.session_id), row.file) : null;
  }

  /** The rater an audio token was dealt to, or null for an unknown token (or a session being deleted). */
  audioOwner(token: string): number | null {
    if (!TOKEN.test(token)) return null;
    const row = this.db
      .prepare<[string], { rater_id: number }>(
        `SELECT t.rater_id FROM item_tokens t JOIN raters r ON r.id = t.rater_id
         JOIN rating_sessions s ON s.id = r.session_id WHERE t.token = ? AND s.status <> 'deleting'`,
      )
      .get(token);
    return row ? row.rater_id : null;
  }

  /** Deletes a session with its items, raters, answers and files. */
  async deleteSession(sessionId: number): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE rating_sessions SET status = 'deleting' WHERE id = ?`).run(sessionId);
      const raters = 'SELECT id FROM raters WHERE session_id = ?';
      this.db.prepare(`DELETE FROM ratings WHERE rater_id IN (${raters})`).run(sessionId);
      this.db.prepare(`DELETE FROM item_tokens WHERE rater_id IN (${raters})`).run(sessionId);
      this.db.prepare('DELETE FROM raters WHERE session_id = ?').run(sessionId);
      this.db.prepare('DELETE FROM session_items WHERE session_id = ?').run(sessionId);
      this.db.prepare('DELETE FROM rating_sessions WHERE id = ?').run(sessionId);
    })();
    await rm(this.sessionDir(sessionId), { recursive: true, force: true });
  }

  #raterOrThrow(raterId: number): RaterRow {
    const rater = this.rater(raterId);
    if (!rater) throw new AppError('NOT_FOUND', `there is no rater ${raterId}`);
    return rater;
  }

  #run(write: () => unknown): void {
    try {
      write();
    } catch (error) {
      throw asAppError(error);
    }
  }

  #toItem(row: ItemDbRow): StoredItem {
    return {
      index: row.idx,
      origin: row['origin'] as StoredItem['origin'],
      catchKind: row['catch_kind'] as StoredItem['catchKind'],
      repeatOf: row['repeat_of'] as number | null,
      xOf: row['x_of'] as number | null,
      expected: row['expected'] as StoredItem['expected'],
      takeId: row['take_id'] as number | null,
      clipId: row['clip_id'] as number | null,
      modelId: row['model_id'] as number | null,
      songId: row['song_id'] as number | null,
      preset: row['preset'] as string | null,
      epochs: row['epochs'] as number | null,
      mode: row['mode'] as string | null,
      lengthSeconds: row['length_seconds'] as number | null,
      sourceFileId: row['source_file_id'] as number | null,
      phraseTakeId: (row['phrase_take_id'] as number | null) ?? null,
      phraseModelId: (row['phrase_model_id'] as number | null) ?? null,
      phrase: typeof row['phrase'] === 'string' ? (JSON.parse(row['phrase']) as RealPhraseSource) : null,
      sourceStart: row['source_start'] as number,
      file: path.join(this.sessionDir(row.session_id), row.file),
      loudnessLufs: row['loudness'] as number,
      truePeakDbtp: row['true_peak'] as number,
    };
  }
}

interface RaterDbRow {
  id: number;
  session_id: number;
  name: string;
  trial_order: string;
  tokens: string;
  final: string | null;
  submitted_at: string | null;
  access_key: string;
}

function toRater(row: RaterDbRow): RaterRow {
  return {
    id: row.id,
    sessionId: row.session_id,
    name: row.name,
    order: JSON.parse(row.trial_order) as number[][],
    tokens: JSON.parse(row.tokens) as string[][],
    accessKey: row.access_key,
    final: row.final === null ? null : finalAnswersSchema.parse(JSON.parse(row.final)),
    submittedAt: row.submitted_at,
  };
}

function toSession(row: SessionDbRow): SessionRow {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    itemSeconds: row.item_seconds,
    sampleRate: row.sample_rate,
    fileRate: row.file_rate,
    targetLufs: row.target_lufs,
    catchTrials: row.catch_trials === 1,
    seed: row.seed,
    draft: sessionDraftSchema.parse(JSON.parse(row.draft)),
    status: row.status,
    itemCount: row.item_count,
    createdAt: row.created_at,
  };
}

function checkRater(rater: NewRater, itemCount: number): void {
  const shapesMatch =
    rater.order.length === rater.tokens.length &&
    rater.order.every((stimuli, p) => stimuli.length >= 1 && stimuli.length <= 3 && stimuli.length === rater.tokens[p]!.length) &&
    rater.order.every((stimuli) => stimuli.every((i) => Number.isInteger(i) && i >= 0 && i < itemCount)) &&
    rater.tokens.every((tokens) => tokens.every((token) => TOKEN.test(token)));
  if (!shapesMatch) throw new AppError('INTERNAL', `rater ${rater.name}'s order and tokens do not fit the session`);
}

/** A trigger's or constraint's refusal as a one-line AppError. */
function asAppError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') return new AppError('INVALID_INPUT', message);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('raters')) {
    return new AppError('INVALID_INPUT', 'two raters of a session have the same name');
  }
  return error;
}
