/**
 * Tracks: one audio track per exported file, one MIDI track per exported MIDI part, the master track (which carries the tempo and time
 * signature, as a value and as the song's first automation point), and the pre-hear track Live
 * uses for browser previews. All of them share a header; the audio and MIDI tracks add freeze
 * state and a main sequencer with their clips.
 */
import type { MeterPoint, TempoPoint } from '../../../common/midi.js';
import { audioClip } from './audio-clip.js';
import { automationEvents, routing } from './common-elements.js';
import { timeSignatureCode, type LiveMidiTrackSpec, type LiveTrackSpec } from './live-set-spec.js';
import { midiClip } from './midi-clip.js';
import { masterMixer, trackMixer } from './mixer.js';
import type { PointeeIds } from './pointee-ids.js';
import { masterFreezeSequencer, midiTrackSequencer, trackSequencer } from './sequencer.js';
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

/**
 * The header of a track that holds a clip (audio or MIDI), named after the track, then its
 * freeze state: never frozen, nothing playing in Session view.
 */
function clipTrackHead(name: string, clipName: string, color: number): XmlElement[] {
  return [
    ...trackHeader({
      effectiveName: name,
      userName: name, // an empty UserName makes Live rename the track "<n>-<clip name>"
      memorizedFirstClipName: clipName,
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
  ];
}

/**
 * Lane and envelope-chooser view state, then the track's four routings: an audio track hears
 * no input and plays to the master; a MIDI track has Live's default audio input (external 1/2)
 * and plays to the master; the master and pre-hear tracks use the external ins and outs.
 */
function chainHead(inputs: 'none' | 'external' | 'midi'): XmlElement[] {
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
    inputs === 'none' ? routing('AudioInputRouting', 'AudioIn/None', 'No Input') : routing('AudioInputRouting', 'AudioIn/External/S0', 'Ext. In', '1/2'),
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
    ...clipTrackHead(track.name, track.clip.name, color),
    group('DeviceChain', [
      ...chainHead('none'),
      trackMixer(ids),
      trackSequencer('MainSequencer', ids, { slots, arrangementClips: [arrangementClip] }),
      trackSequencer('FreezeSequencer', ids, { slots: emptySlots, arrangementClips: [] }),
      emptyDevices(),
    ]),
  ]);
}

export interface MidiTrackOptions {
  /** Position among all the set's tracks: picks the default colour and the track's Session slot. */
  index: number;
  /** Position among the MIDI tracks (Live numbers their ReWire MIDI targets so). */
  midiIndex: number;
  sceneCount: number;
}

/**
 * A MIDI track holding one clip twice, like an audio track: in the Arrangement at its start
 * beat, and in Session slot `index` (looping, as Live makes Session clips). No instrument: the
 * device chain is empty and the songwriter picks one (the track name says the part's program).
 */
export function midiTrack(track: LiveMidiTrackSpec, ids: PointeeIds, options: MidiTrackOptions): XmlElement {
  const trackId = ids.next();
  const color = track.color ?? DEFAULT_TRACK_COLORS[options.index % DEFAULT_TRACK_COLORS.length]!;
  const arrangementClip = midiClip(track.clip, { time: track.clip.startBeats, color, takeId: 1, loop: false });
  const sessionClip = midiClip(track.clip, { time: 0, color, takeId: -1, loop: true });
  const slots = Array.from({ length: options.sceneCount }, (_, scene) => (scene === options.index ? sessionClip : null));
  return el('MidiTrack', { Id: trackId }, [
    ...clipTrackHead(track.name, track.clip.name, color),
    group('DeviceChain', [
      ...chainHead('midi'),
      trackMixer(ids),
      midiTrackSequencer(ids, { slots, arrangementClips: [arrangementClip] }),
      trackSequencer('FreezeSequencer', ids, { slots: slots.map(() => null), arrangementClips: [] }),
      emptyDevices(),
    ]),
    value('ReWireSlaveMidiTargetId', options.midiIndex),
    value('PitchbendRange', 96),
  ]);
}

/** Tempo and signature changes after bar 1 (the maps' first points are the song's own). */
export interface SongChanges {
  tempoMap?: readonly TempoPoint[];
  meterMap?: readonly MeterPoint[];
}

/**
 * The master track, with the song tempo and time signature and their automation: the opening
 * point "from the very start", then, for each later change, the tempo as a step (the old value
 * and the new one at the same beat: Live draws straight lines between points, and its own
 * envelopes make a jump so) and the signature as one point (an enum holds until the next).
 */
export function masterTrack(ids: PointeeIds, tempo: number, signatureCode: number, changes: SongChanges = {}): XmlElement {
  const mixer = masterMixer(ids, tempo, signatureCode);
  const meterEvents = [el('EnumEvent', { Id: 0, Time: BEFORE_SONG_START, Value: signatureCode })];
  for (const point of changes.meterMap?.slice(1) ?? []) {
    meterEvents.push(el('EnumEvent', { Id: meterEvents.length, Time: point.beats, Value: timeSignatureCode(point.timeSignature) }));
  }
  const tempoEvents = [el('FloatEvent', { Id: 0, Time: BEFORE_SONG_START, Value: tempo })];
  const tempoMap = changes.tempoMap ?? [];
  for (let i = 1; i < tempoMap.length; i++) {
    tempoEvents.push(el('FloatEvent', { Id: tempoEvents.length, Time: tempoMap[i]!.beats, Value: tempoMap[i - 1]!.bpm }));
    tempoEvents.push(el('FloatEvent', { Id: tempoEvents.length, Time: tempoMap[i]!.beats, Value: tempoMap[i]!.bpm }));
  }
  const envelopes = [songEnvelope(0, mixer.timeSignatureTargetId, meterEvents), songEnvelope(1, mixer.tempoTargetId, tempoEvents)];
  return group('MasterTrack', [
    ...trackHeader({ effectiveName: 'Master', userName: '', memorizedFirstClipName: '', color: 3, envelopes, unfolded: false }),
    group('DeviceChain', [...chainHead('external'), mixer.element, masterFreezeSequencer(ids), emptyDevices()]),
  ]);
}

function songEnvelope(id: number, targetId: number, events: XmlElement[]): XmlElement {
  return el('AutomationEnvelope', { Id: id }, [
    group('EnvelopeTarget', [value('PointeeId', targetId)]),
    group('Automation', automationEvents(events)),
  ]);
}

/** The track Live plays browser previews through. */
export function preHearTrack(ids: PointeeIds): XmlElement {
  return group('PreHearTrack', [
    ...trackHeader({ effectiveName: 'Master', userName: '', memorizedFirstClipName: '', color: -1, envelopes: [], unfolded: false }),
    group('DeviceChain', [...chainHead('external'), trackMixer(ids), emptyDevices()]),
  ]);
}
