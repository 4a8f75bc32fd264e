/**
 * How numbers look in the UI: times as m:ss.mmm (what a DAW's counter shows), rates in kHz,
 * levels with their unit. Pure functions, no locale surprises (a songwriter's "1,5 s" and
 * "1.5 s" would otherwise differ between machines).
 */
import { formatSeconds, parseSeconds } from '@common/format-time.js';

/**
 * Seconds → "m:ss.mmm", e.g. 83.25 → "1:23.250" (the CLI's format, from @common). Positions
 * are never negative on screen; non-finite values show as 0.
 */
export function formatTime(seconds: number): string {
  return formatSeconds(Number.isFinite(seconds) && seconds > 0 ? seconds : 0);
}

/** Short ruler label: "0:05", "1:30", or "0:02.5" when the tick is not on a whole second. */
export function formatRulerTime(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const minutes = Math.floor(tenths / 600);
  const secs = Math.floor((tenths % 600) / 10);
  const rest = tenths % 10;
  const base = `${minutes}:${String(secs).padStart(2, '0')}`;
  return rest === 0 ? base : `${base}.${rest}`;
}

/**
 * Parses what a person types into a time field: "1:23.250", "83.25", "0:05". Returns null for
 * anything else (the field then shows its error and keeps the old value).
 */
export function parseTime(text: string): number | null {
  return parseSeconds(text);
}

/** 44100 → "44.1 kHz", 48000 → "48 kHz". */
export function formatRate(hz: number): string {
  const khz = hz / 1000;
  return `${Number.isInteger(khz) ? khz.toFixed(0) : String(Math.round(khz * 10) / 10)} kHz`;
}

/** 1 → "mono", 2 → "stereo", n → "n ch". */
export function formatChannels(channels: number): string {
  if (channels === 1) return 'mono';
  if (channels === 2) return 'stereo';
  return `${channels} ch`;
}

/** Integrated loudness, or an em dash when the gate closed (nearly silent material). */
export function formatLufs(lufs: number | null): string {
  return lufs === null ? '—' : `${lufs.toFixed(1).replace('-', '−')} LUFS`;
}

/** Sample peak in dBFS, one decimal; digital silence shows as −∞. */
export function formatPeak(dbfs: number): string {
  if (!Number.isFinite(dbfs)) return '−∞ dBFS';
  return `${dbfs.toFixed(1).replace('-', '−')} dBFS`;
}

/** Bytes → "812 KB", "43.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'] as const;
  let value = bytes / 1000;
  let unit: (typeof units)[number] = 'KB';
  for (const next of units.slice(1)) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** "1 clip", "3 clips". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Local date and time of an ISO timestamp, without seconds. */
export function formatWhen(iso: string | null): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
