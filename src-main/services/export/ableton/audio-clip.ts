/**
 * One audio clip, for the Arrangement (placed at a beat) or a Session slot (Time 0), and the
 * `SampleRef` that points at its WAV.
 *
 * Our clips are warped 1:1: the file was rendered at the song's tempo, so two warp markers pin
 * file second 0 to beat 0 and file second D to beat L = D·tempo/60. With warping on, Live keeps
 * the clip in place if the user later changes the tempo; at the export tempo nothing is
 * stretched. For warped clips every clip time (CurrentStart/End, Loop) is in beats.
 */
import { clipHead, clipSettings } from './clip-elements.js';
import type { LiveClipSpec, LiveSampleFile } from './live-set-spec.js';
import { el, group, value, type XmlElement } from './xml-tree.js';

/** Live's warp mode "Complex": the safest default for full mixes and vocals alike. */
const WARP_MODE_COMPLEX = 4;
/** The reference-path kind Live writes for samples inside the project folder. */
const RELATIVE_TO_PROJECT = 3;
/** `FileRef/Type` 2: a sample file (as opposed to a device preset). */
const FILE_TYPE_SAMPLE = 2;

export interface AudioClipPlacement {
  /** Position, beats: the arrangement start, or 0 in a Session slot. */
  time: number;
  /** Song tempo, BPM: turns the clip's seconds into beats. */
  tempo: number;
  timeSignature: { numerator: number; denominator: number };
  color: number;
  /** Live's take-lane bookkeeping: 1 for arrangement clips, −1 for Session clips. */
  takeId: number;
}

/** The clip's length in beats at `tempo`. */
export function clipBeats(seconds: number, tempo: number): number {
  return (seconds * tempo) / 60;
}

export function audioClip(clip: LiveClipSpec, placement: AudioClipPlacement): XmlElement {
  const { time, tempo, color, takeId } = placement;
  const beats = clipBeats(clip.seconds, tempo);
  return el('AudioClip', { Id: 0, Time: time }, [
    ...clipHead({ time, length: beats, loop: false, name: clip.name, color, timeSignature: placement.timeSignature }),
    group('ScrollerTimePreserver', [value('LeftTime', 0), value('RightTime', 0)]),
    ...clipSettings(takeId),
    sampleRef(clip.file),
    group('Onsets', [group('UserOnsets', []), value('HasUserOnsets', false)]),
    ...warpSettings(),
    group('WarpMarkers', [
      el('WarpMarker', { Id: 0, SecTime: 0, BeatTime: 0 }),
      el('WarpMarker', { Id: 1, SecTime: clip.seconds, BeatTime: beats }),
    ]),
    group('SavedWarpMarkersForStretched', []),
    value('MarkersGenerated', false),
    value('IsSongTempoMaster', false),
  ]);
}

/** Warp-engine settings (Live's defaults), fades off beyond Live's own declick, no pitch change. */
function warpSettings(): XmlElement[] {
  return [
    value('WarpMode', WARP_MODE_COMPLEX),
    value('GranularityTones', 30),
    value('GranularityTexture', 65),
    value('FluctuationTexture', 25),
    value('TransientResolution', 6),
    value('TransientLoopMode', 2),
    value('TransientEnvelope', 100),
    value('ComplexProFormants', 100),
    value('ComplexProEnvelope', 128),
    value('Sync', true),
    value('HiQ', true),
    value('Fade', true),
    group('Fades', [
      value('FadeInLength', 0),
      value('FadeOutLength', 0),
      value('ClipFadesAreInitialized', true),
      value('CrossfadeInState', 0),
      value('FadeInCurveSkew', 0),
      value('FadeInCurveSlope', 0),
      value('FadeOutCurveSkew', 0),
      value('FadeOutCurveSlope', 0),
      value('IsDefaultFadeIn', true),
      value('IsDefaultFadeOut', true),
    ]),
    value('PitchCoarse', 0),
    value('PitchFine', 0),
    value('SampleVolume', 1),
  ];
}

/**
 * The file reference. Live resolves `RelativePath` against the project folder first and falls
 * back to the absolute `Path`; both use forward slashes on every OS. `OriginalCrc` 0 makes Live
 * compute the checksum itself instead of asking whether the file changed.
 */
export function sampleRef(file: LiveSampleFile): XmlElement {
  return group('SampleRef', [
    group('FileRef', [
      value('RelativePathType', RELATIVE_TO_PROJECT),
      value('RelativePath', file.relativePath),
      value('Path', file.absolutePath.replace(/\\/g, '/')),
      value('Type', FILE_TYPE_SAMPLE),
      value('LivePackName', ''),
      value('LivePackId', ''),
      value('OriginalFileSize', file.bytes),
      value('OriginalCrc', 0),
    ]),
    value('LastModDate', Math.floor(file.modifiedSeconds ?? 0)),
    group('SourceContext', []),
    value('SampleUsageHint', 0),
    value('DefaultDuration', file.frames),
    value('DefaultSampleRate', file.sampleRate),
  ]);
}
