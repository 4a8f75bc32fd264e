/**
 * A Final Cut Pro XML (FCPXML 1.9) document that puts every exported part on its own track in
 * one import: Logic's File > Import > Final Cut Pro XML reads "multiple audio tracks, with all
 * positional region information, region names" (Logic guide; docs/export-formats.md §2).
 *
 *   fcpxml version="1.9"
 *     resources: format r1 (a 25 fps video format: a sequence needs one, even for audio only),
 *                asset r2… per stem (its channels, audioRate) with media-rep src = relative URL
 *     library/event/project/sequence (audioLayout stereo)/spine
 *       gap (offset 0, the whole song)            the primary storyline holds nothing
 *         asset-clip lane=1… offset=0             one lane per stem: one track per part
 *
 * Final Cut edits on frames, and readers such as OpenTimelineIO truncate a time between frames
 * (a region at 312.5 frames lands 20 ms early), so every time here is a whole number of frames.
 * The clips are the full-length stems (Logic folder: every one starts at bar 1, its part inside
 * it at its sample-exact position), all at offset 0 and as long as the song, which the Logic
 * folder pads with silence to a whole frame: nothing is rounded, nothing moves. Times are written
 * as frames of the format, "n·100/2500s". The sequence is stereo (Final Cut is reported to
 * reject mono sequences); mono stems sit in it as Logic's mono tracks.
 * 1.9 is the first version with `media-rep` and older than the newest a current Logic reads [U:
 * which versions Logic accepts is undocumented]. The `src` URLs are relative to the .fcpxml, so
 * the folder can be moved as a whole [U: check on a real Logic].
 */
import { AppError } from '../../common/errors.js';

export const FCPXML_VERSION = '1.9';
/** The sequence's video frame rate: 25 fps, 1920 / 1764 samples per frame at 48 / 44.1 kHz. */
export const FCPXML_FRAMES_PER_SECOND = 25;

export interface FcpxmlStem {
  /** Track (and clip) name. */
  name: string;
  /** The audio file, a URL relative to the .fcpxml ("Stems/Take%201.wav"). */
  src: string;
  /** 1 or 2. */
  channels: number;
}

export interface FcpxmlSong {
  name: string;
  sampleRate: 44100 | 48000;
  /** Every stem's length, samples: a whole number of frames (see fcpxmlFrameLength). */
  frames: number;
}

/** `frames` samples rounded up to a whole number of 25 fps frames (at least one). */
export function fcpxmlFrameLength(frames: number, sampleRate: 44100 | 48000): number {
  const samplesPerFrame = sampleRate / FCPXML_FRAMES_PER_SECOND;
  return Math.max(1, Math.ceil(frames / samplesPerFrame)) * samplesPerFrame;
}

/** The FCPXML document (UTF-8 text). Throws AppError INTERNAL for a song that is not whole frames. */
export function buildFcpxml(song: FcpxmlSong, stems: FcpxmlStem[]): string {
  const samplesPerFrame = song.sampleRate / FCPXML_FRAMES_PER_SECOND;
  if (!Number.isInteger(song.frames / samplesPerFrame) || song.frames <= 0) {
    throw new AppError('INTERNAL', `the Final Cut Pro XML needs whole frames, not ${song.frames} samples`);
  }
  const frameTicks = 100;
  const timebase = FCPXML_FRAMES_PER_SECOND * frameTicks;
  const length = `${(song.frames / samplesPerFrame) * frameTicks}/${timebase}s`;
  const audioRate = song.sampleRate === 48000 ? '48k' : '44.1k';

  const assets = stems.map(
    (stem, i) =>
      `    <asset id="r${i + 2}" name="${escape(stem.name)}" start="0s" duration="${length}" ` +
      `hasAudio="1" audioSources="1" audioChannels="${stem.channels}" audioRate="${song.sampleRate}">\n` +
      `      <media-rep kind="original-media" src="${escape(stem.src)}"/>\n` +
      `    </asset>`,
  );
  const assetClips = stems.map(
    (stem, i) =>
      `              <asset-clip ref="r${i + 2}" lane="${i + 1}" offset="0s" ` +
      `name="${escape(stem.name)}" start="0s" duration="${length}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    `<fcpxml version="${FCPXML_VERSION}">`,
    '  <resources>',
    `    <format id="r1" name="FFVideoFormat1080p${FCPXML_FRAMES_PER_SECOND}" frameDuration="${frameTicks}/${timebase}s" width="1920" height="1080"/>`,
    ...assets,
    '  </resources>',
    '  <library>',
    `    <event name="${escape(song.name)}">`,
    `      <project name="${escape(song.name)}">`,
    `        <sequence format="r1" duration="${length}" tcStart="0s" tcFormat="NDF" audioLayout="stereo" audioRate="${audioRate}">`,
    '          <spine>',
    `            <gap name="Gap" offset="0s" start="0s" duration="${length}">`,
    ...assetClips,
    '            </gap>',
    '          </spine>',
    '        </sequence>',
    '      </project>',
    '    </event>',
    '  </library>',
    '</fcpxml>',
    '',
  ].join('\n');
}

/** A relative URL for a path of file names: each segment percent-encoded (UTF-8), "/" between. */
export function relativeUrl(...segments: string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

/** Attribute text: XML's five specials escaped, characters XML 1.0 forbids dropped. */
function escape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- dropping the control characters XML forbids is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\t\n\r]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
