/**
 * Tracks: one audio track per exported file, the master track (which carries the tempo and time
 * signature, as a value and as the song's first automation point), and the pre-hear track Live
 * uses for browser previews. All three share a header; the audio track adds freeze state and
 * a main sequencer with its clips.
 */
import { audioClip } from './audio-clip.js';
import { automationEvents, routing } from './common-elements.js';
import type { LiveTrackSpec } from './live-set-spec.js';
import { masterMixer, trackMixer } from './mixer.js';
import type { PointeeIds } from './pointee-ids.js';
import { masterFreezeSequencer, trackSequencer } from './sequencer.js';
import { el, group, value, type XmlElement } from './xml-tree.js';

/** Where Live puts a song-level automation point meant to hold "from the very start". */
const BEFORE_SONG_START = -63072000;

/** Colours from Live's 70-colour palette, cycled when a track brings none. */
const DEFAULT_TRACK_COLORS = [14, 3, 26, 9, 19, 5, 23, 12];

interface TrackHeader {
  effectiveName: string;
  userName: string;
  memorizedFirstClipName: string;
  color: number;
  envelopes: XmlElement[];
  unfolded: boolean;
}

function trackHeader(header: TrackHeader): XmlElement[] {
  return [
    value('LomId', 0),
    value('LomIdView', 0),
    value('IsContentSelectedInDocument', false),
    value('PreferredContentViewMode', 0),
    group('TrackDelay', [value('Value', 0), value('IsValueSampleBased', false)]),
    group('Name', [
      value('EffectiveName', header.effectiveName),
      value('UserName', header.userName),
      value('Annotation', ''),
      value('MemorizedFirstClipName', header.memorizedFirstClipName),
    ]),
    value('Color', header.color),
    group('AutomationEnvelopes', [group('Envelopes', header.envelopes)]),
    value('TrackGroupId', -1),
    value('TrackUnfolded', header.unfolded),
    el('DevicesListWrapper', { LomId: 0 }),
    el('ClipSlotsListWrapper', { LomId: 0 }),
    value('ViewData', '{}'),
    group('TakeLanes', [group('TakeLanes', []), value('AreTakeLanesFolded', true)]),
    value('LinkedTrackGroupId', -1),
  ];
}

/** Lane and envelope-chooser view state, then the track's four routings. */
function chainHead(inputs: 'none' | 'external'): XmlElement[] {
  const external = inputs === 'external';
  return [
    group('AutomationLanes', [
      group('AutomationLanes', [
        el('AutomationLane', { Id: 0 }, [
          value('SelectedDevice', 0),
          value('SelectedEnvelope', 0),
          value('IsContentSelectedInDocument', false),
          value('LaneHeight', 68),
        ]),
      ]),
      value('AreAdditionalAutomationLanesFolded', false),
    ]),
    group('ClipEnvelopeChooserViewState', [
      value('SelectedDevice', 0),
      value('SelectedEnvelope', 0),
      value('PreferModulationVisible', false),
    ]),
    external ? routing('AudioInputRouting', 'AudioIn/External/S0', 'Ext. In', '1/2') : routing('AudioInputRouting', 'AudioIn/None', 'No Input'),
    routing('MidiInputRouting', 'MidiIn/External.All/-1', 'Ext: All Ins'),
    external ? routing('AudioOutputRouting', 'AudioOut/External/S0', 'Ext. Out', '1/2') : routing('AudioOutputRouting', 'AudioOut/Master', 'Master'),
    routing('MidiOutputRouting', 'MidiOut/None', 'None'),
  ];
}

/** The (empty) effect chain every track ends with. */
function emptyDevices(): XmlElement {
  return group('DeviceChain', [group('Devices', []), group('SignalModulations', [])]);
}

export interface AudioTrackOptions {
  /** Position among the tracks: picks the default colour and the track's own Session slot. */
  index: number;
  sceneCount: number;
  tempo: number;
  timeSignature: { numerator: number; denominator: number };
}

/**
 * An audio track holding one clip twice: in the Arrangement at its start beat, and in Session
 * slot `index` (so scene i launches track i's clip).
 */
export function audioTrack(track: LiveTrackSpec, ids: PointeeIds, options: AudioTrackOptions): XmlElement {
  const trackId = ids.next();
  const color = track.color ?? DEFAULT_TRACK_COLORS[options.index % DEFAULT_TRACK_COLORS.length]!;
  const clipPlacement = { tempo: options.tempo, timeSignature: options.timeSignature, color };
  const arrangementClip = audioClip(track.clip, { ...clipPlacement, time: track.clip.startBeats, takeId: 1 });
  const sessionClip = audioClip(track.clip, { ...clipPlacement, time: 0, takeId: -1 });
  const slots = Array.from({ length: options.sceneCount }, (_, scene) => (scene === options.index ? sessionClip : null));
  const emptySlots = slots.map(() => null);
  return el('AudioTrack', { Id: trackId }, [
    ...trackHeader({
      effectiveName: track.name,
      userName: track.name, // an empty UserName makes Live rename the track "<n>-<clip name>"
      memorizedFirstClipName: track.clip.name,
      color,
      envelopes: [],
      unfolded: true,
    }),
    value('SavedPlayingSlot', -2),
    value('SavedPlayingOffset', 0),
    value('Freeze', false),
    value('VelocityDetail', 0),
    value('NeedArrangerRefreeze', true),
    value('PostProcessFreezeClips', 0),
    group('DeviceChain', [
      ...chainHead('none'),
      trackMixer(ids),
      trackSequencer('MainSequencer', ids, { slots, arrangementClips: [arrangementClip] }),
      trackSequencer('FreezeSequencer', ids, { slots: emptySlots, arrangementClips: [] }),
      emptyDevices(),
    ]),
  ]);
}

/** The master track, with the song tempo and time signature and their opening automation points. */
export function masterTrack(ids: PointeeIds, tempo: number, timeSignatureCode: number): XmlElement {
  const mixer = masterMixer(ids, tempo, timeSignatureCode);
  const envelopes = [
    songEnvelope(0, mixer.timeSignatureTargetId, el('EnumEvent', { Id: 0, Time: BEFORE_SONG_START, Value: timeSignatureCode })),
    songEnvelope(1, mixer.tempoTargetId, el('FloatEvent', { Id: 0, Time: BEFORE_SONG_START, Value: tempo })),
  ];
  return group('MasterTrack', [
    ...trackHeader({ effectiveName: 'Master', userName: '', memorizedFirstClipName: '', color: 3, envelopes, unfolded: false }),
    group('DeviceChain', [...chainHead('external'), mixer.element, masterFreezeSequencer(ids), emptyDevices()]),
  ]);
}

function songEnvelope(id: number, targetId: number, event: XmlElement): XmlElement {
  return el('AutomationEnvelope', { Id: id }, [
    group('EnvelopeTarget', [value('PointeeId', targetId)]),
    group('Automation', automationEvents([event])),
  ]);
}

/** The track Live plays browser previews through. */
export function preHearTrack(ids: PointeeIds): XmlElement {
  return group('PreHearTrack', [
    ...trackHeader({ effectiveName: 'Master', userName: '', memorizedFirstClipName: '', color: -1, envelopes: [], unfolded: false }),
    group('DeviceChain', [...chainHead('external'), trackMixer(ids), emptyDevices()]),
  ]);
}
