/**
 * Writes the Live-specific files of a `<Song> Project/` folder: `<Song>.als` (gzip-compressed
 * XML; Live expects the compressed form) and the empty `Ableton Project Info/` folder that marks
 * the folder as a Live project. The export service has already written the WAVs under
 * `Samples/Imported/`; their facts arrive in `set`, and each is checked on disk here so a set
 * never names a file that is not next to it.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { AppError } from '../../../common/errors.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import { sanitizeName } from '../export-names.js';
import { buildLiveSet } from './live-set.js';
import type { LiveMidiTrackSpec, LiveSetSpec, LiveTrackSpec } from './live-set-spec.js';

export const PROJECT_INFO_FOLDER = 'Ableton Project Info';

/**
 * `dir` is the project folder being assembled (normally a temp folder renamed into place
 * afterwards, so each file's `absolutePath` should already name its final location).
 * `LastModDate` is taken from the file when `modifiedSeconds` is not given.
 */
export async function writeAbletonProject(dir: string, songName: string, set: LiveSetSpec): Promise<{ alsFile: string }> {
  const tracks = await Promise.all(set.tracks.map((track) => withFileFacts(dir, track)));
  const xml = buildLiveSet({ ...set, tracks });
  const alsFile = path.join(dir, `${sanitizeName(songName)}.als`);
  await mkdir(path.join(dir, PROJECT_INFO_FOLDER), { recursive: true });
  await writeFileAtomic(alsFile, gzipSync(Buffer.from(xml, 'utf8')));
  return { alsFile };
}

/** Confirms an audio track's WAV is where the set says and fills in its modification time. */
async function withFileFacts(dir: string, track: LiveTrackSpec | LiveMidiTrackSpec): Promise<LiveTrackSpec | LiveMidiTrackSpec> {
  if (track.kind === 'midi') return track;
  const { file } = track.clip;
  const onDisk = path.join(dir, ...file.relativePath.split('/'));
  const facts = await stat(onDisk).catch(() => null);
  if (!facts?.isFile()) {
    throw new AppError('INTERNAL', `the Live set refers to ${file.relativePath}, which was not written`);
  }
  if (facts.size !== file.bytes) {
    throw new AppError('INTERNAL', `${file.relativePath} is ${facts.size} bytes, not the ${file.bytes} the Live set expects`);
  }
  const modifiedSeconds = file.modifiedSeconds ?? Math.floor(facts.mtimeMs / 1000);
  return { ...track, clip: { ...track.clip, file: { ...file, modifiedSeconds } } };
}
