/**
 * Sequencers: where a track's clips live. `MainSequencer` holds the Session clip slots
 * (`ClipSlotList`, exactly one slot per scene) and the Arrangement clips
 * (`Sample/ArrangerAutomation/Events`); `FreezeSequencer` has the same shape and stays empty
 * (nothing is frozen) but must still have one slot per scene. The master track's freeze
 * sequencer wraps the same content in an `AudioSequencer` element and has no slots.
 *
 * A MIDI track's `MainSequencer` keeps its Arrangement clips in `ClipTimeable` instead of
 * `Sample`, has none of the sample modulation targets, and ends with `MidiControllers`: one
 * automation handle per MIDI controller Live can record into a clip envelope (131 of them, as
 * Live 11.3 writes). Its `FreezeSequencer` is an audio track's (a frozen MIDI track is audio).
 */
import { automationEvents, deviceHeader, modulationTarget } from './common-elements.js';
import type { PointeeIds } from './pointee-ids.js';
import { el, group, value, type XmlElement } from './xml-tree.js';

/** `MonitoringEnum`: 0 In, 1 Auto, 2 Off. Auto plays clips and only monitors when armed. */
const MONITORING_AUTO = 1;

export interface SequencerContent {
  /** One entry per scene: the Session clip in that slot, or null for an empty slot. */
  slots: readonly (XmlElement | null)[];
  /** Arrangement clips, in time order. */
  arrangementClips: readonly XmlElement[];
}

/** A `MainSequencer` or `FreezeSequencer` of an audio track. */
export function trackSequencer(name: 'MainSequencer' | 'FreezeSequencer', ids: PointeeIds, content: SequencerContent): XmlElement {
  return group(name, sequencerBody(ids, content));
}

/** A MIDI track's `MainSequencer`: slots, Arrangement MIDI clips, the controller handles. */
export function midiTrackSequencer(ids: PointeeIds, content: SequencerContent): XmlElement {
  return group('MainSequencer', [
    ...deviceHeader(ids, { shouldShowPresetName: true }),
    group('ClipSlotList', content.slots.map((clip, sceneIndex) => clipSlot(sceneIndex, clip))),
    value('MonitoringEnum', MONITORING_AUTO),
    group('ClipTimeable', [group('ArrangerAutomation', automationEvents([...content.arrangementClips]))]),
    group('Recorder', [value('IsArmed', false), value('TakeCounter', 1)]),
    group(
      'MidiControllers',
      Array.from({ length: MIDI_CONTROLLER_TARGETS }, (_, index) => modulationTarget(`ControllerTargets.${index}`, ids.next())),
    ),
  ]);
}

/** `ControllerTargets.0` … `.130` in a Live 11.3 MIDI track. */
const MIDI_CONTROLLER_TARGETS = 131;

/** The master track's `FreezeSequencer/AudioSequencer`: no slots, no clips. */
export function masterFreezeSequencer(ids: PointeeIds): XmlElement {
  return group('FreezeSequencer', [el('AudioSequencer', { Id: 0 }, sequencerBody(ids, { slots: [], arrangementClips: [] }))]);
}

function sequencerBody(ids: PointeeIds, content: SequencerContent): XmlElement[] {
  return [
    ...deviceHeader(ids, { shouldShowPresetName: true }),
    group('ClipSlotList', content.slots.map((clip, sceneIndex) => clipSlot(sceneIndex, clip))),
    value('MonitoringEnum', MONITORING_AUTO),
    group('Sample', [group('ArrangerAutomation', automationEvents([...content.arrangementClips]))]),
    modulationTarget('VolumeModulationTarget', ids.next()),
    modulationTarget('TranspositionModulationTarget', ids.next()),
    modulationTarget('GrainSizeModulationTarget', ids.next()),
    modulationTarget('FluxModulationTarget', ids.next()),
    modulationTarget('SampleOffsetModulationTarget', ids.next()),
    value('PitchViewScrollPosition', -1073741824),
    value('SampleOffsetModulationScrollPosition', -1073741824),
    group('Recorder', [value('IsArmed', false), value('TakeCounter', 1)]),
  ];
}

/** Slot `sceneIndex` (its Id matches the scene's Id): `<Value />` when empty. */
function clipSlot(sceneIndex: number, clip: XmlElement | null): XmlElement {
  return el('ClipSlot', { Id: sceneIndex }, [
    value('LomId', 0),
    group('ClipSlot', [group('Value', clip ? [clip] : [])]),
    value('HasStop', true),
    value('NeedRefreeze', true),
  ]);
}
