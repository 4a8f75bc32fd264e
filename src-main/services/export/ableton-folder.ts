/**
 * Assembles an Ableton Live project folder for a plan (docs/export-formats.md §1.7):
 *
 *   Samples/Imported/<name>.wav   each audio item, BWF (bext TimeReference as in the Logic regions)
 *   MIDI/<name>.mid               each MIDI part, aligned at bar 1 (midi-file.ts encodeItemMidiFile)
 *   <Song>.als                    the set (ableton/ writeAbletonProject): one audio track per
 *                                 audio item, its clip at the item's exact start beat in the
 *                                 Arrangement and in Session slot row i, warped 1:1 at the
 *                                 plan's tempo; one MIDI track per part, its MIDI clip the same
 *                                 way (notes in beats, no instrument); the plan's tempo and
 *                                 meter changes as the master's automation
 *   Ableton Project Info/         (empty: marks the folder as a Live project)
 *
 * `dir` is the empty temp folder being assembled; `finalDir` is where it will be moved, so the
 * set's absolute sample paths already name their final place (Live resolves the relative path
 * first, so a folder renamed in a race still opens).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.js';
import { writeAbletonProject, type LiveMidiTrackSpec, type LiveTrackSpec } from './ableton/index.js';
import { encodeBwfWav, timeReferenceFor } from './bwf-wav.js';
import { conductorOf, itemFrames, type ExportPlan } from './export-plan.js';
import { encodeItemMidiFile } from './midi-file.js';
import type { ExportedFile } from './sidecar.js';

export const ABLETON_SAMPLES_DIR = 'Samples/Imported';
export const ABLETON_MIDI_DIR = 'MIDI';

/** Files writeAbletonFolder writes for `plan` (a sample per audio item, a .mid per part, the .als). */
export function abletonFolderFileCount(plan: ExportPlan): number {
  return plan.items.length + 1;
}

/**
 * Writes the project into `dir`. `itemNames` are the sanitised, unique file base names, one per
 * item. Returns the item files (for the sidecar) and the .als path relative to `dir`.
 */
export async function writeAbletonFolder(
  dir: string,
  finalDir: string,
  plan: ExportPlan,
  itemNames: string[],
  onFile: (relativePath: string) => void = () => undefined,
): Promise<{ files: ExportedFile[]; alsFile: string }> {
  const rate = plan.sampleRate;
  const files: ExportedFile[] = [];
  const tracks: (LiveTrackSpec | LiveMidiTrackSpec)[] = [];
  const { tempoMap, meterMap } = conductorOf(plan);
  await mkdir(path.join(dir, ...ABLETON_SAMPLES_DIR.split('/')), { recursive: true });
  for (const [i, item] of plan.items.entries()) {
    if (item.midi) {
      const relativePath = `${ABLETON_MIDI_DIR}/${itemNames[i]}.mid`;
      await mkdir(path.join(dir, ABLETON_MIDI_DIR), { recursive: true });
      await writeFileAtomic(path.join(dir, ABLETON_MIDI_DIR, `${itemNames[i]}.mid`), encodeItemMidiFile(plan, item), relativePath);
      onFile(relativePath);
      files.push({ path: relativePath, role: 'midi', item: i });
      // The clip's signature is the song's where it starts (the set's meter map holds the rest).
      const meter = meterMap.findLast((point) => point.beats <= item.startBeats + 1e-9) ?? meterMap[0]!;
      tracks.push({
        kind: 'midi',
        name: item.name,
        clip: { name: item.name, startBeats: item.startBeats, lengthBeats: item.midi.lengthBeats, timeSignature: meter.timeSignature, notes: item.midi.notes },
      });
      continue;
    }
    const relativePath = `${ABLETON_SAMPLES_DIR}/${itemNames[i]}.wav`;
    const bytes = encodeBwfWav(item.channels, rate, plan.bitDepth, {
      name: item.name,
      comment: item.comment,
      createdAt: plan.createdAt,
      timeReference: timeReferenceFor(item.startSeconds, rate),
    });
    await writeFileAtomic(path.join(dir, ...relativePath.split('/')), bytes, relativePath);
    onFile(relativePath);
    files.push({ path: relativePath, role: 'sample', item: i });
    tracks.push({
      name: item.name,
      clip: {
        name: item.name,
        startBeats: item.startBeats,
        file: {
          relativePath,
          absolutePath: path.join(finalDir, ...relativePath.split('/')),
          bytes: bytes.byteLength,
          frames: itemFrames(item),
          sampleRate: rate,
        },
        seconds: itemFrames(item) / rate,
      },
    });
  }
  const { alsFile } = await writeAbletonProject(dir, plan.songName, {
    tempo: plan.tempo,
    timeSignature: plan.timeSignature,
    ...(plan.tempoMap ? { tempoMap } : {}),
    ...(plan.meterMap ? { meterMap } : {}),
    tracks,
    scenes: Math.max(1, tracks.length),
  });
  const alsRelative = path.relative(dir, alsFile).split(path.sep).join('/');
  onFile(alsRelative);
  return { files, alsFile: alsRelative };
}
