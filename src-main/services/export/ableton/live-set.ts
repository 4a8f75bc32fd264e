/**
 * The whole Live Set document (`<Ableton><LiveSet>…`), in the Live 11.3 schema so that Live 11
 * and 12 both open it (12 upgrades older sets; 11 refuses newer ones). Every top-level element
 * of a Live 11.3 `LiveSet` is written, in Live's order; the values are ours: our tracks, one
 * scene per track, no return tracks, no grooves, arrangement loop over the whole song.
 */
import type { MeterPoint } from '../../../common/midi.js';
import { barAtBeats, beatsAtBar } from '../../../common/tempo-map.js';
import { APP_VERSION } from '../../../version.js';
import { clipBeats } from './audio-clip.js';
import { followAction, grid } from './common-elements.js';
import { timeSignatureCode, validateLiveSet, type LiveSetSpec } from './live-set-spec.js';
import { PointeeIds } from './pointee-ids.js';
import { audioTrack, masterTrack, midiTrack, preHearTrack } from './tracks.js';
import { el, group, serializeDocument, value, type XmlElement } from './xml-tree.js';

/**
 * Root attributes of a set saved by Live 11.3 (the schema we write). `Revision` is the build hash
 * Live 11.3.13 writes into the sets it saves (read from a set it saved; docs/export-formats.md
 * §1): Live writes one in every set, and an empty one is a value no Live ever wrote.
 */
export const LIVE_SET_ROOT = {
  MajorVersion: '5',
  MinorVersion: '11.0_11300',
  SchemaChangeCount: '3',
  Creator: `Eureka ${APP_VERSION}`,
  Revision: 'b376a4ffe2734bb43bb06f3a36871bb868ae2231',
} as const;

/** Builds the set's XML text (not yet gzipped). Throws AppError('INVALID_INPUT') on values Live cannot take. */
export function buildLiveSet(set: LiveSetSpec): string {
  const sceneCount = validateLiveSet(set);
  const signatureCode = timeSignatureCode(set.timeSignature);
  const ids = new PointeeIds();
  let midiIndex = 0;
  const tracks = set.tracks.map((track, index) =>
    track.kind === 'midi'
      ? midiTrack(track, ids, { index, midiIndex: midiIndex++, sceneCount })
      : audioTrack(track, ids, { index, sceneCount, tempo: set.tempo, timeSignature: set.timeSignature }),
  );
  const master = masterTrack(ids, set.tempo, signatureCode, {
    ...(set.tempoMap ? { tempoMap: set.tempoMap } : {}),
    ...(set.meterMap ? { meterMap: set.meterMap } : {}),
  });
  const preHear = preHearTrack(ids);
  const songBeats = songLengthBeats(set);
  const liveSet = group('LiveSet', [
    value('NextPointeeId', ids.nextPointeeId), // after every builder has taken its Ids
    value('OverwriteProtectionNumber', 2819), // 0x0B03: "last saved by Live 11.3"
    value('LomId', 0),
    value('LomIdView', 0),
    group('Tracks', tracks),
    master,
    preHear,
    group('SendsPre', []),
    group('Scenes', Array.from({ length: sceneCount }, (_, index) => scene(index, set.tempo, signatureCode))),
    transport(songBeats),
    ...songSettings(songBeats),
  ]);
  return serializeDocument(el('Ableton', LIVE_SET_ROOT, [liveSet]));
}

/** Where the last clip ends, rounded up to a whole bar of the last meter (at least one bar). */
function songLengthBeats(set: LiveSetSpec): number {
  const end = Math.max(
    0,
    ...set.tracks.map((track) =>
      track.kind === 'midi' ? track.clip.startBeats + track.clip.lengthBeats : track.clip.startBeats + clipBeats(track.clip.seconds, set.tempo),
    ),
  );
  // validateLiveSet has checked the denominator is one a meter point holds.
  const meterMap = set.meterMap ?? [{ beats: 0, timeSignature: set.timeSignature as MeterPoint['timeSignature'] }];
  return Math.max(beatsAtBar(meterMap, 2), beatsAtBar(meterMap, Math.ceil(barAtBeats(meterMap, end) - 1e-9)));
}

/** A scene with the song's tempo and signature stored but not enforced (launching it changes neither). */
function scene(index: number, tempo: number, signatureCode: number): XmlElement {
  return el('Scene', { Id: index }, [
    followAction(0),
    value('Name', ''),
    value('Annotation', ''),
    value('Color', -1),
    value('Tempo', tempo),
    value('IsTempoEnabled', false),
    value('TimeSignatureId', signatureCode),
    value('IsTimeSignatureEnabled', false),
    value('LomId', 0),
    el('ClipSlotsListWrapper', { LomId: 0 }),
  ]);
}

/** Transport: stopped at bar 1, the loop brace spanning the song (loop itself off). */
function transport(songBeats: number): XmlElement {
  return group('Transport', [
    value('PhaseNudgeTempo', 10),
    value('LoopOn', false),
    value('LoopStart', 0),
    value('LoopLength', songBeats),
    value('LoopIsSongStart', false),
    value('CurrentTime', 0),
    value('PunchIn', false),
    value('PunchOut', false),
    value('MetronomeTickDuration', 0),
    value('DrawMode', false),
  ]);
}

function expressionLane(id: number, type: number, size: number, minimized: boolean): XmlElement {
  return el('ExpressionLane', { Id: id }, [value('Type', type), value('Size', size), value('IsMinimized', minimized)]);
}

/** Everything after the Transport: quantisation, grid, view state, groove pool, preferences. */
function songSettings(songBeats: number): XmlElement[] {
  return [
    group('SongMasterValues', [el('SessionScrollerPos', { X: 0, Y: 0 })]),
    group('SignalModulations', []),
    value('GlobalQuantisation', 4),
    value('AutoQuantisation', 0),
    grid(),
    group('ScaleInformation', [value('RootNote', 0), value('Name', 'Major')]), // a string in the Live 11 schema
    value('InKey', false),
    value('SmpteFormat', 0),
    group('TimeSelection', [value('AnchorTime', 0), value('OtherTime', 0)]),
    group('SequencerNavigator', [
      group('BeatTimeHelper', [value('CurrentZoom', Math.min(1, 64 / songBeats))]),
      el('ScrollerPos', { X: 0, Y: 0 }),
      el('ClientSize', { X: 1063, Y: 582 }),
    ]),
    value('IsContentSplitterOpen', true),
    value('IsExpressionSplitterOpen', true),
    group('ExpressionLanes', [
      expressionLane(0, 0, 41, false),
      expressionLane(1, 1, 41, false),
      expressionLane(2, 2, 41, true),
      expressionLane(3, 3, 41, true),
    ]),
    group('ContentLanes', [expressionLane(0, 4, 41, false), expressionLane(1, 5, 25, true)]),
    value('ViewStateFxSlotCount', 4),
    value('ViewStateSessionMixerHeight', 120),
    group('Locators', [group('Locators', [])]),
    group('DetailClipKeyMidis', []),
    el('TracksListWrapper', { LomId: 0 }),
    el('VisibleTracksListWrapper', { LomId: 0 }),
    el('ReturnTracksListWrapper', { LomId: 0 }),
    el('ScenesListWrapper', { LomId: 0 }),
    el('CuePointsListWrapper', { LomId: 0 }),
    value('ChooserBar', 0),
    value('Annotation', ''),
    value('SoloOrPflSavedValue', true),
    value('SoloInPlace', true),
    value('CrossfadeCurve', 2),
    value('LatencyCompensation', 2),
    value('HighlightedTrackIndex', 0),
    group('GroovePool', [value('LomId', 0), group('Grooves', [])]),
    value('AutomationMode', false),
    value('SnapAutomationToGrid', true),
    value('ArrangementOverdub', false),
    value('ColorSequenceIndex', 0),
    group('AutoColorPickerForPlayerAndGroupTracks', [value('NextColorIndex', 0)]),
    group('AutoColorPickerForReturnAndMasterTracks', [value('NextColorIndex', 0)]),
    value('ViewData', '{}'),
    value('ResetNonautomatedMidiControllersOnClipStarts', false),
    value('MidiFoldIn', false),
    value('MidiFoldMode', 0),
    value('MultiClipFocusMode', false),
    value('MultiClipLoopBarHeight', 0),
    value('MidiPrelisten', false),
    group('LinkedTrackGroups', []),
    value('AccidentalSpellingPreference', 3),
    value('PreferFlatRootNote', false),
    value('UseWarperLegacyHiQMode', false),
    el('VideoWindowRect', { Top: -2147483648, Left: -2147483648, Bottom: -2147483648, Right: -2147483648 }),
    value('ShowVideoWindow', true),
    value('TrackHeaderWidth', 93),
    value('ViewStateArrangerHasDetail', true),
    value('ViewStateSessionHasDetail', true),
    value('ViewStateDetailIsSample', true),
    group('ViewStates', [
      value('SessionIO', 1),
      value('SessionSends', 1),
      value('SessionReturns', 1),
      value('SessionMixer', 1),
      value('SessionTrackDelay', 0),
      value('SessionCrossFade', 0),
      value('SessionShowOverView', 0),
      value('ArrangerIO', 1),
      value('ArrangerReturns', 1),
      value('ArrangerMixer', 1),
      value('ArrangerTrackDelay', 0),
      value('ArrangerShowOverView', 1),
    ]),
  ];
}
