/**
 * The Ableton Live writer: `buildLiveSet` turns a song (tempo, time signature, one clip per
 * track) into Live 11 set XML; `writeAbletonProject` gzips it into a project folder.
 */
export { writeAbletonProject, PROJECT_INFO_FOLDER } from './ableton-project.js';
export { buildLiveSet, LIVE_SET_ROOT } from './live-set.js';
export {
  MAX_TEMPO,
  MIN_TEMPO,
  timeSignatureCode,
  type LiveClipSpec,
  type LiveMidiClipSpec,
  type LiveMidiTrackSpec,
  type LiveSampleFile,
  type LiveSetSpec,
  type LiveTrackSpec,
} from './live-set-spec.js';
