/**
 * Names that are safe as one file or folder name on macOS, Windows and Linux, and unique within
 * an export. An exported name comes from the user (song names, take names) and must never
 * escape the export folder or trip a filesystem:
 * - path separators (/ \) and the characters Windows refuses (< > : " | ? *) become "-";
 * - control characters (C0, DEL, C1) and bidi controls are removed (an invisible U+202E turns
 *   "Take\u202Evaw.exe" into what reads as "Takeexe.wav");
 * - leading and trailing dots and spaces go (".." cannot survive; Windows drops trailing ones
 *   silently, which would make two names collide; a leading dot hides the file);
 * - Windows' reserved device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also with an extension
 *   such as "con.wav", and with superscript digits) get a "_" appended to their stem;
 * - Unicode is kept, normalised to NFC (macOS stores names decomposed; NFC keeps comparisons
 *   stable), and the name is cut to MAX_NAME_BYTES of UTF-8 at a grapheme boundary, so an emoji
 *   or an accented letter is never split.
 * Uniqueness is case-insensitive (macOS and Windows filesystems are).
 */
import { AppError } from '../../common/errors.js';
import { BIDI_CONTROLS } from '../../common/unsafe-text.js';

/** UTF-8 bytes a sanitised name may take: room for " Project 12" and ".als" under the common 255. */
export const MAX_NAME_BYTES = 120;

const RESERVED_STEM = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const FORBIDDEN = /[/\\<>:"|?*]/g;
/** A title's colon ("Demo: Night Drive") reads as a dash in a file name ("Demo - Night Drive"). */
const TITLE_COLON = /\s*:\s+/g;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

/**
 * One safe path component for `name` ("Verse idea 3", "Take 1 ★"); `fallback` when nothing
 * printable is left ("Untitled" by default).
 */
export function sanitizeName(name: string, fallback = 'Untitled'): string {
  let text = name.normalize('NFC').replace(CONTROL, '').replace(BIDI_CONTROLS, '').replace(TITLE_COLON, ' - ').replace(FORBIDDEN, '-');
  text = trimDotsAndSpaces(text);
  text = trimDotsAndSpaces(truncateUtf8(text, MAX_NAME_BYTES));
  if (text === '') return fallback === '' ? 'Untitled' : sanitizeName(fallback, 'Untitled');
  const dot = text.indexOf('.');
  const stem = (dot < 0 ? text : text.slice(0, dot)).trimEnd();
  if (RESERVED_STEM.test(stem)) text = `${stem}_${dot < 0 ? '' : text.slice(dot)}`;
  return text;
}

function trimDotsAndSpaces(text: string): string {
  return text.replace(/^[\s.]+|[\s.]+$/gu, '');
}

/** The longest prefix of whole graphemes that fits `maxBytes` of UTF-8. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = encoder.encode(segment).length;
    if (bytes + size > maxBytes) break;
    out += segment;
    bytes += size;
  }
  return out;
}

/** The comparison key of a name on a case-insensitive filesystem. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * Makes `names` unique, in order, so that their sanitised forms are unique too: the first keeps
 * its name, later ones get " 2", " 3", … ("Take 1", "Take 1 2"). The results are display names
 * (not sanitised); sanitizeName of each is a distinct file name. `taken` are keys already in use.
 */
export function uniqueNames(names: string[], taken: Iterable<string> = []): string[] {
  const used = new Set([...taken].map(nameKey));
  return names.map((name) => {
    const base = name.trim() === '' ? 'Untitled' : name;
    let candidate = base;
    // The base is shortened first so the number survives sanitizeName's length cut.
    for (let n = 2; used.has(nameKey(sanitizeName(candidate))); n++) {
      candidate = `${truncateUtf8(base.normalize('NFC'), MAX_NAME_BYTES - ` ${n}`.length)} ${n}`;
    }
    used.add(nameKey(sanitizeName(candidate)));
    return candidate;
  });
}

/**
 * "<base>", or "<base> 2", "<base> 3", … : the first name for which `isFree` says yes. `base`
 * is a sanitised name plus a short suffix ("Verse Project"), so the number keeps it under 255.
 */
export async function firstFreeName(base: string, isFree: (name: string) => Promise<boolean>, limit = 999): Promise<string> {
  for (let n = 1; n <= limit; n++) {
    const name = n === 1 ? base : `${base} ${n}`;
    if (await isFree(name)) return name;
  }
  throw new AppError('STORAGE', `there are already ${limit} folders named "${base}" here; choose another folder`);
}
