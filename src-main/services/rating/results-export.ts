/**
 * A rating session's results as files: CSV with one row per answer, and JSON
 * with the session, its results and the same answers. Pure text, no files written here.
 *
 * Blinding carries over: the columns that say what an item was (items, origins, takes, clips,
 * model, preset, epochs, mode, length, correct, catch_passed) are present but empty until
 * every rater of the session has submitted, the same rule as SessionResults.items. The
 * columns are always the same, so a script reading the CSV works before and after.
 *
 * CSV follows RFC 4180 (CRLF lines, fields with commas, quotes or line breaks quoted, quotes
 * doubled), and text a person typed (names, comments) that begins with = + - @ or a tab gets a
 * leading apostrophe, so a spreadsheet shows it instead of running it as a formula.
 */
import type { Answer, BREAKDOWN_KEYS, SessionResults } from '../../common/rating.js';
import type { RaterRow, SessionRow, StoredItem } from './rating-repository.js';
import { isCorrect } from './rating-stats.js';
import type { ScoredTrial } from './scored-trial.js';
import { stimulusLabels } from './stimulus-labels.js';

/** What an export is made of. */
export interface ExportRows {
  session: SessionRow;
  raters: readonly RaterRow[];
  /** Every answered position of every rater (submitted or not). */
  scored: readonly ScoredTrial[];
  /** Whose answers count in the statistics (submitted, not excluded). */
  countedRaterIds: ReadonlySet<number>;
  /** Whether the key may be shown: every rater submitted. */
  revealed: boolean;
  results: SessionResults;
}

/** One answer as the export shows it; the key fields are null until revealed. */
export interface AnswerRecord {
  sessionId: number;
  session: string;
  rater: string;
  submitted: boolean;
  counted: boolean;
  position: number;
  /** What the rater saw, e.g. "Item 7" or "Item 7 A|Item 7 B". */
  labels: string;
  answeredAt: string;
  kind: Answer['kind'];
  judged: 'real' | 'fake' | null;
  ease: string | null;
  musicality: number | null;
  inspiring: string | null;
  /** 2afc: the stimulus judged real; abx: the one X was said to be. */
  choice: 'A' | 'B' | null;
  comment: string;
  items: string | null;
  origins: string | null;
  catchKind: string | null;
  takes: string | null;
  clips: string | null;
  phraseTakes: string | null;
  model: string | null;
  preset: string | null;
  epochs: string | null;
  mode: string | null;
  length: string | null;
  correct: boolean | null;
  catchPassed: boolean | null;
}

export function answerRecords(rows: ExportRows): AnswerRecord[] {
  const raters = new Map(rows.raters.map((rater) => [rater.id, rater]));
  return rows.scored.map((entry) => {
    const rater = raters.get(entry.raterId);
    const answer = entry.answer.answer;
    const single = answer.kind === 'single' ? answer : null;
    const described = entry.generated ?? entry.stimuli.find((item) => item.takeId !== null || item.phraseTakeId !== null) ?? null;
    const key = <T>(value: T): T | null => (rows.revealed ? value : null);
    const joined = (values: readonly (string | number | null)[]): string => values.map((value) => value ?? '').join('|');
    return {
      sessionId: rows.session.id,
      session: rows.session.name,
      rater: rater?.name ?? String(entry.raterId),
      submitted: rater?.submittedAt !== null && rater?.submittedAt !== undefined,
      counted: rows.countedRaterIds.has(entry.raterId),
      position: entry.position,
      labels: stimulusLabels(rows.session.format, entry.position, entry.stimuli.length).join('|'),
      answeredAt: entry.answer.answeredAt,
      kind: answer.kind,
      judged: single ? (single.judgedReal ? 'real' : 'fake') : null,
      ease: single?.ease ?? null,
      musicality: single?.musicality ?? null,
      inspiring: single?.inspiring ?? null,
      choice: answer.kind === 'single' ? null : answer.choice === 0 ? 'A' : 'B',
      comment: answer.comment,
      items: key(joined(entry.stimuli.map(itemLabel))),
      origins: key(joined(entry.stimuli.map((item) => item.origin))),
      catchKind: key(entry.stimuli.find((item) => item.catchKind !== null)?.catchKind ?? null),
      takes: key(joined(entry.stimuli.map((item) => item.takeId))),
      clips: key(joined(entry.stimuli.map((item) => item.clipId))),
      phraseTakes: key(joined(entry.stimuli.map((item) => item.phraseTakeId))),
      model: key(described ? breakdownValue(described, 'model') : null),
      preset: key(described ? breakdownValue(described, 'preset') : null),
      epochs: key(described ? breakdownValue(described, 'epochs') : null),
      mode: key(described ? breakdownValue(described, 'mode') : null),
      length: key(described ? breakdownValue(described, 'length') : null),
      correct: key(isCorrect(entry.trial)),
      catchPassed: key(entry.catchPassed),
    };
  });
}

const COLUMNS: readonly [string, keyof AnswerRecord][] = [
  ['session_id', 'sessionId'],
  ['session', 'session'],
  ['rater', 'rater'],
  ['submitted', 'submitted'],
  ['counted', 'counted'],
  ['position', 'position'],
  ['labels', 'labels'],
  ['answered_at', 'answeredAt'],
  ['kind', 'kind'],
  ['judged', 'judged'],
  ['ease', 'ease'],
  ['musicality', 'musicality'],
  ['inspiring', 'inspiring'],
  ['choice', 'choice'],
  ['comment', 'comment'],
  ['items', 'items'],
  ['origins', 'origins'],
  ['catch_kind', 'catchKind'],
  ['takes', 'takes'],
  ['clips', 'clips'],
  ['phrase_takes', 'phraseTakes'],
  ['model', 'model'],
  ['preset', 'preset'],
  ['epochs', 'epochs'],
  ['mode', 'mode'],
  ['length_seconds', 'length'],
  ['correct', 'correct'],
  ['catch_passed', 'catchPassed'],
];

/** Text columns a person typed: guarded against spreadsheet formulas. */
const TYPED_TEXT = new Set<keyof AnswerRecord>(['session', 'rater', 'comment']);

/** The answers as CSV text (header row first). */
export function resultsCsv(rows: ExportRows): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const record of answerRecords(rows)) {
    lines.push(COLUMNS.map(([, field]) => csvField(record[field], TYPED_TEXT.has(field))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: string | number | boolean | null, typed: boolean): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  let text = String(value);
  if (typed && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The session, its results and its answers as pretty JSON. */
export function resultsJson(rows: ExportRows): string {
  const session = rows.session;
  const document = {
    session: {
      id: session.id,
      name: session.name,
      format: session.format,
      itemSeconds: session.itemSeconds,
      sampleRate: session.sampleRate,
      targetLufs: session.targetLufs,
      catchTrials: session.catchTrials,
      status: session.status,
      createdAt: session.createdAt,
      revealed: rows.revealed,
    },
    results: rows.results,
    answers: answerRecords(rows),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export type BreakdownKey = (typeof BREAKDOWN_KEYS)[number];

/** The value an item has under a breakdown key, as text ('unknown' where the take lacks it; length in seconds to 0.1). */
export function breakdownValue(item: StoredItem, key: BreakdownKey): string {
  const value = {
    model: item.modelId ?? (item.phraseModelId === null ? null : `phrase model ${item.phraseModelId}`),
    preset: item.preset,
    epochs: item.epochs,
    mode: item.mode,
    length: item.lengthSeconds === null ? null : Math.round(item.lengthSeconds * 10) / 10,
  }[key];
  return value === null ? 'unknown' : String(value);
}

/** An item's session-wide name in the key ("Item 3"); raters heard it under their own position labels. */
export function itemLabel(item: StoredItem): string {
  return `Item ${item.index + 1}`;
}

/** "rating-3-band-test.csv": the session id and a file-safe form of its name. */
export function exportFileName(session: SessionRow, format: 'csv' | 'json'): string {
  const slug = session.name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `rating-${session.id}${slug ? `-${slug}` : ''}.${format}`;
}
