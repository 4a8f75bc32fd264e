/**
 * Element families that recur all over a Live 11 set: automatable parameters, the header every
 * "device" (mixer, sequencer) starts with, routings, follow actions and grids. Each builder
 * emits the children in the order Live 11.3 writes them (checked against the reference set by
 * test/main/services/export/ableton/live-set-structure.test.ts).
 */
import type { PointeeIds } from './pointee-ids.js';
import { el, group, value, type XmlElement } from './xml-tree.js';

/** `LomId` + `LomIdView`, the pair most objects open with (0: not exposed to Max for Live yet). */
export function lomIds(): XmlElement[] {
  return [value('LomId', 0), value('LomIdView', 0)];
}

/** The handle automation envelopes point at (`EnvelopeTarget/PointeeId`). */
export function automationTarget(id: number): XmlElement {
  return el('AutomationTarget', { Id: id }, [value('LockEnvelope', 0)]);
}

/** A modulation handle: `ModulationTarget`, `VolumeModulationTarget`, … */
export function modulationTarget(name: string, id: number): XmlElement {
  return el(name, { Id: id }, [value('LockEnvelope', 0)]);
}

/** An on/off parameter (device On, track Speaker): switches at MIDI CC 64. */
export function boolParameter(name: string, manual: boolean, ids: PointeeIds): XmlElement {
  return group(name, [
    value('LomId', 0),
    value('Manual', manual),
    automationTarget(ids.next()),
    group('MidiCCOnOffThresholds', [value('Min', 64), value('Max', 127)]),
  ]);
}

/**
 * A continuous parameter (volume, pan, tempo) with its MIDI-mapping range. Pass
 * `automationTargetId` when something else (an envelope) must point at this parameter.
 */
export function floatParameter(
  name: string,
  manual: number,
  range: { min: number; max: number },
  ids: PointeeIds,
  automationTargetId: number = ids.next(),
): XmlElement {
  return group(name, [
    value('LomId', 0),
    value('Manual', manual),
    group('MidiControllerRange', [value('Min', range.min), value('Max', range.max)]),
    automationTarget(automationTargetId),
    modulationTarget('ModulationTarget', ids.next()),
  ]);
}

/** A parameter with neither MIDI range nor modulation (time signature, crossfade assign). */
export function plainParameter(name: string, manual: number, automationTargetId: number): XmlElement {
  return group(name, [value('LomId', 0), value('Manual', manual), automationTarget(automationTargetId)]);
}

/**
 * The header shared by every device-like object (Mixer, MainSequencer, FreezeSequencer): its
 * On switch, its own `Pointee`, and preset bookkeeping.
 */
export function deviceHeader(ids: PointeeIds, options: { shouldShowPresetName: boolean }): XmlElement[] {
  return [
    ...lomIds(),
    value('IsExpanded', true),
    boolParameter('On', true, ids),
    value('ModulationSourceCount', 0),
    el('ParametersListWrapper', { LomId: 0 }),
    el('Pointee', { Id: ids.next() }),
    value('LastSelectedTimeableIndex', 0),
    value('LastSelectedClipEnvelopeIndex', 0),
    group('LastPresetRef', [group('Value', [])]),
    group('LockedScripts', []),
    value('IsFolded', false),
    value('ShouldShowPresetName', options.shouldShowPresetName),
    value('UserName', ''),
    value('Annotation', ''),
    group('SourceContext', [group('Value', [])]),
  ];
}

/** An input or output routing, e.g. `AudioOut/Master` shown as "Master". */
export function routing(name: string, target: string, upper: string, lower = ''): XmlElement {
  return group(name, [
    value('Target', target),
    value('UpperDisplayString', upper),
    value('LowerDisplayString', lower),
    group('MpeSettings', [value('ZoneType', 0), value('FirstNoteChannel', 1), value('LastNoteChannel', 15)]),
  ]);
}

/** Follow actions, off (clips: jump index 1; scenes: 0, as Live writes them). */
export function followAction(jumpIndex: number): XmlElement {
  return group('FollowAction', [
    value('FollowTime', 4),
    value('IsLinked', true),
    value('LoopIterations', 1),
    value('FollowActionA', 4),
    value('FollowActionB', 0),
    value('FollowChanceA', 100),
    value('FollowChanceB', 0),
    value('JumpIndexA', jumpIndex),
    value('JumpIndexB', jumpIndex),
    value('FollowActionEnabled', false),
  ]);
}

/** The editing grid: adaptive, 1/16 when fixed. */
export function grid(): XmlElement {
  return group('Grid', [
    value('FixedNumerator', 1),
    value('FixedDenominator', 16),
    value('GridIntervalPixel', 20),
    value('Ntoles', 2),
    value('SnapToGrid', true),
    value('Fixed', false),
  ]);
}

/** An empty automation list with its (idle) transform view state. */
export function automationEvents(events: XmlElement[]): XmlElement[] {
  return [
    group('Events', events),
    group('AutomationTransformViewState', [value('IsTransformPending', false), group('TimeAndValueTransforms', [])]),
  ];
}
