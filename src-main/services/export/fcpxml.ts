/**
 * A Final Cut Pro XML (FCPXML 1.9) document that places every exported clip on its own track in
 * one import: Logic's File > Import > Final Cut Pro XML reads "multiple audio tracks, with all
 * positional region information, region names" (Logic guide; docs/export-formats.md §2).
 *
 *   fcpxml version="1.9"
 *     resources: format r1 (a video format: a sequence needs one, even for audio only),
 *                asset r2… per clip (mono, audioRate) with media-rep src = relative URL
 *     library/event/project/sequence/spine
 *       gap (offset 0, the whole song)            the primary storyline holds nothing
 *         asset-clip lane=1… offset=start         one lane per clip: one track per clip
 *
 * Times are rationals in samples, "n/48000s" (sample-accurate, as Logic places regions); the
 * sequence and gap lengths are rounded up to a whole 25 fps frame, which divides 44.1 and 48 kHz.
 * 1.9 is the first version with `media-rep` and older than the newest a current Logic reads [U:
 * which versions Logic accepts is undocumented]. The `src` URLs are relative to the .fcpxml, so
 * the folder can be moved as a whole [U: check on a real Logic].
 */

export const FCPXML_VERSION = '1.9';
/** The sequence's video frame rate: 25 fps, 1920 / 1764 samples per frame at 48 / 44.1 kHz. */
const FRAMES_PER_SECOND = 25;

export interface FcpxmlClip {
  /** Region (and track) name. */
  name: string;
  /** The audio file, a URL relative to the .fcpxml ("Regions/Take%201.wav"). */
  src: string;
  /** Position in the song, samples from bar 1. */
  startFrame: number;
  /** Length, samples. */
  frames: number;
}

export interface FcpxmlSong {
  name: string;
  sampleRate: 44100 | 48000;
}

/** The FCPXML document (UTF-8 text). */
export function buildFcpxml(song: FcpxmlSong, clips: FcpxmlClip[]): string {
  const rate = song.sampleRate;
  const time = (samples: number): string => (samples === 0 ? '0s' : `${samples}/${rate}s`);
  const samplesPerFrame = rate / FRAMES_PER_SECOND;
  const end = clips.reduce((max, clip) => Math.max(max, clip.startFrame + clip.frames), 0);
  const length = Math.max(1, Math.ceil(end / samplesPerFrame)) * samplesPerFrame;
  const audioRate = rate === 48000 ? '48k' : '44.1k';

  const assets = clips.map(
    (clip, i) =>
      `    <asset id="r${i + 2}" name="${escape(clip.name)}" start="0s" duration="${time(clip.frames)}" ` +
      `hasAudio="1" audioSources="1" audioChannels="1" audioRate="${rate}">\n` +
      `      <media-rep kind="original-media" src="${escape(clip.src)}"/>\n` +
      `    </asset>`,
  );
  const assetClips = clips.map(
    (clip, i) =>
      `              <asset-clip ref="r${i + 2}" lane="${i + 1}" offset="${time(clip.startFrame)}" ` +
      `name="${escape(clip.name)}" start="0s" duration="${time(clip.frames)}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    `<fcpxml version="${FCPXML_VERSION}">`,
    '  <resources>',
    `    <format id="r1" name="FFVideoFormat1080p${FRAMES_PER_SECOND}" frameDuration="100/${FRAMES_PER_SECOND * 100}s" width="1920" height="1080"/>`,
    ...assets,
    '  </resources>',
    '  <library>',
    `    <event name="${escape(song.name)}">`,
    `      <project name="${escape(song.name)}">`,
    `        <sequence format="r1" duration="${time(length)}" tcStart="0s" tcFormat="NDF" audioLayout="mono" audioRate="${audioRate}">`,
    '          <spine>',
    `            <gap name="Gap" offset="0s" start="0s" duration="${time(length)}">`,
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
