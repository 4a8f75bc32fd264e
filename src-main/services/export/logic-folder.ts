/**
 * The Logic Pro folder. Logic has no project format we can write (docs/export-formats.md §2), so
 * an export gives it what imports cleanly, three ways (README.txt tells the songwriter):
 *
 *   Stems/<name>.wav     full-length, every one starts at bar 1 (silence before the item's
 *                        position, silence after it to the song's end, which is padded to a
 *                        whole 25 fps frame for the .fcpxml): drag all in at bar 1
 *   Regions/<name>.wav   the item alone, bext TimeReference = (3600 + start) · rate, so Edit >
 *                        Move > To Recorded Position puts it at its bar (bar 1 = 01:00:00:00)
 *   <Song>.fcpxml        File > Import > Final Cut Pro XML: every stem on its own track
 *   Tempo.mid            SMF type 1 conductor track: song name, tempo, time signature (every
 *                        change of the plan's tempo and meter maps)
 *   MIDI/<name>.mid      each MIDI part, aligned at bar 1 like the stems (its stem and region
 *                        are the part rendered by the synth)
 *   README.txt
 *
 * `dir` is an empty temporary folder the export service made and later moves into place, so
 * files are simply written (each atomically, fsynced, before that move). The file names come
 * from the service, already sanitised and unique; a name that could leave its folder is refused.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { encodeBwfWav, timeReferenceFor } from './bwf-wav.js';
import { conductorOf, itemFrames, type ExportPlan } from './export-plan.js';
import { buildFcpxml, fcpxmlFrameLength, relativeUrl } from './fcpxml.js';
import { logicReadme } from './logic-readme.js';
import { encodeItemMidiFile, encodePartsMidiFile, encodeTempoMap } from './midi-file.js';
import type { ExportedFile } from './sidecar.js';

export const LOGIC_STEMS_DIR = 'Stems';
export const LOGIC_REGIONS_DIR = 'Regions';
export const LOGIC_MIDI_DIR = 'MIDI';
export const LOGIC_TEMPO_FILE = 'Tempo.mid';
export const LOGIC_README_FILE = 'README.txt';

/** Sanitised file base names (no extension), from the export service. */
export interface LogicFolderNames {
  /** For `<song>.fcpxml`. */
  song: string;
  /** One per plan item, in order, unique (also ignoring case). */
  items: string[];
}

export interface LogicFolderResult {
  /** Every stem, region and MIDI file written, for the sidecar (relative, forward slashes). */
  files: ExportedFile[];
  /** The other files: the .fcpxml, Tempo.mid, README.txt. */
  extras: string[];
}

/** How many files writeLogicFolder writes for `plan` (for a progress bar). */
export function logicFolderFileCount(plan: ExportPlan): number {
  return plan.items.length * 2 + plan.items.filter((item) => item.midi !== null).length + 3;
}

/**
 * Writes the Logic folder for `plan` into the empty folder `dir`. `onFile(done, total)` is called
 * after each file. Throws AppError INVALID_INPUT for an item before bar 1 and for names that are
 * missing, duplicated or not plain file names, STORAGE when the disk refuses.
 */
export async function writeLogicFolder(
  dir: string,
  plan: ExportPlan,
  names: LogicFolderNames,
  onFile?: (done: number, total: number) => void,
): Promise<LogicFolderResult> {
  checkPlan(plan, names);
  const rate = plan.sampleRate;
  const total = logicFolderFileCount(plan);
  let done = 0;
  const write = async (relative: string, data: Uint8Array | string): Promise<void> => {
    await writeFileAtomic(path.join(dir, ...relative.split('/')), data, relative);
    onFile?.(++done, total);
  };

  const starts = plan.items.map((item) => Math.round(item.startSeconds * rate));
  const songEnd = plan.items.reduce((max, item, i) => Math.max(max, starts[i]! + itemFrames(item)), 0);
  const songFrames = fcpxmlFrameLength(songEnd, rate);
  const files: ExportedFile[] = [];
  await mkdir(path.join(dir, LOGIC_STEMS_DIR), { recursive: true });
  await mkdir(path.join(dir, LOGIC_REGIONS_DIR), { recursive: true });

  for (const [i, item] of plan.items.entries()) {
    const fileName = `${names.items[i]}.wav`;
    const metadata = { name: item.name, comment: item.comment, createdAt: plan.createdAt };
    // Stem: the whole song's length, the item at its position, exact zeros elsewhere.
    const stem = item.channels.map((channel) => {
      const full = new Float32Array(songFrames);
      full.set(channel, starts[i]);
      return full;
    });
    const stemPath = `${LOGIC_STEMS_DIR}/${fileName}`;
    await write(stemPath, encodeBwfWav(stem, rate, plan.bitDepth, { ...metadata, timeReference: timeReferenceFor(0, rate) }));
    files.push({ path: stemPath, role: 'stem', item: i });

    const regionPath = `${LOGIC_REGIONS_DIR}/${fileName}`;
    const timeReference = timeReferenceFor(item.startSeconds, rate);
    await write(regionPath, encodeBwfWav(item.channels, rate, plan.bitDepth, { ...metadata, timeReference }));
    files.push({ path: regionPath, role: 'region', item: i });
  }

  const parts = plan.items.flatMap((item, i) => (item.midi ? [{ item, i }] : []));
  if (parts.length > 0) await mkdir(path.join(dir, LOGIC_MIDI_DIR), { recursive: true });
  for (const { item, i } of parts) {
    const midiPath = `${LOGIC_MIDI_DIR}/${names.items[i]}.mid`;
    await write(midiPath, encodeItemMidiFile(plan, item));
    files.push({ path: midiPath, role: 'midi', item: i });
  }

  const fcpxmlFile = `${names.song}.fcpxml`;
  const stems = plan.items.map((item, i) => ({
    name: item.name,
    src: relativeUrl(LOGIC_STEMS_DIR, `${names.items[i]}.wav`),
    channels: item.channels.length,
  }));
  await write(fcpxmlFile, buildFcpxml({ name: plan.songName, sampleRate: rate, frames: songFrames }, stems));
  await write(
    LOGIC_TEMPO_FILE,
    plan.tempoMap || plan.meterMap ? encodePartsMidiFile({ name: plan.songName, ...conductorOf(plan) }, []) : encodeTempoMap(midiSong(plan)),
  );
  await write(LOGIC_README_FILE, logicReadme(plan, { fcpxmlFile, files, songFrames }));
  return { files, extras: [fcpxmlFile, LOGIC_TEMPO_FILE, LOGIC_README_FILE] };
}

function midiSong(plan: ExportPlan): { name: string; tempo: number; timeSignature: ExportPlan['timeSignature'] } {
  return { name: plan.songName, tempo: plan.tempo, timeSignature: plan.timeSignature };
}

/** Items at or after bar 1; plain, unique file names only (they are joined to `dir`). */
function checkPlan(plan: ExportPlan, names: LogicFolderNames): void {
  for (const item of plan.items) {
    if (!Number.isFinite(item.startSeconds) || item.startSeconds < 0) {
      throw new AppError('INVALID_INPUT', `"${item.name}" cannot start ${item.startSeconds} s from bar 1`);
    }
    if (item.channels.length === 0) throw new AppError('INTERNAL', `"${item.name}" has no audio for its Logic stem`);
  }
  if (names.items.length !== plan.items.length) {
    throw new AppError('INVALID_INPUT', `the Logic export got ${names.items.length} file names for ${plan.items.length} items`);
  }
  const seen = new Set<string>();
  for (const name of [names.song, ...names.items]) {
    const plain = name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
    if (!plain) throw new AppError('INVALID_INPUT', `"${name}" cannot be used as a file name in the Logic folder`);
  }
  for (const name of names.items) {
    const key = name.normalize('NFC').toLowerCase();
    if (seen.has(key)) throw new AppError('INVALID_INPUT', `two items of the Logic export are both named "${name}"`);
    seen.add(key);
  }
}
