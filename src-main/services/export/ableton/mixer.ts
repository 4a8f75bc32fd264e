/**
 * Track mixers: volume, pan, sends, speaker (track on), crossfade assign; the master's mixer
 * additionally holds the song tempo and time signature. Element order as Live 11.3 writes it.
 * Our sets have no return tracks, so `Sends` is empty.
 */
import { boolParameter, deviceHeader, floatParameter, plainParameter } from './common-elements.js';
import type { PointeeIds } from './pointee-ids.js';
import { el, group, value, type XmlElement } from './xml-tree.js';

/** Live's fader range: −70 dB (0.000316…) to +6 dB (1.995…), 1 = 0 dB. */
const VOLUME_RANGE = { min: 0.0003162277571, max: 1.99526238 };
const PAN_RANGE = { min: -1, max: 1 };
/** The MIDI-mapping range Live gives the tempo knob (the tempo itself may be 20..999). */
const TEMPO_MIDI_RANGE = { min: 60, max: 200 };

/** Mixer elements common to every track kind, up to and including `SendsListWrapper`. */
function mixerBody(ids: PointeeIds): XmlElement[] {
  return [
    ...deviceHeader(ids, { shouldShowPresetName: false }),
    group('Sends', []),
    boolParameter('Speaker', true, ids),
    value('SoloSink', false),
    value('PanMode', 0),
    floatParameter('Pan', 0, PAN_RANGE, ids),
    floatParameter('SplitStereoPanL', -1, PAN_RANGE, ids),
    floatParameter('SplitStereoPanR', 1, PAN_RANGE, ids),
    floatParameter('Volume', 1, VOLUME_RANGE, ids),
    value('ViewStateSesstionTrackWidth', 93), // sic: Live's own spelling
    plainParameter('CrossFadeState', 1, ids.next()),
    el('SendsListWrapper', { LomId: 0 }),
  ];
}

/** An audio track's (or the pre-hear track's) mixer at unity gain, centred. */
export function trackMixer(ids: PointeeIds): XmlElement {
  return group('Mixer', mixerBody(ids));
}

export interface MasterMixer {
  element: XmlElement;
  /** `AutomationTarget` Ids the master's tempo and time-signature envelopes point at. */
  tempoTargetId: number;
  timeSignatureTargetId: number;
}

/**
 * The master mixer, which is where Live keeps the song tempo (BPM) and time signature (Live's
 * code: 99·log2(denominator) + numerator − 1, so 4/4 = 201).
 */
export function masterMixer(ids: PointeeIds, tempo: number, timeSignatureCode: number): MasterMixer {
  const body = mixerBody(ids);
  const tempoTargetId = ids.next();
  const tempoParameter = floatParameter('Tempo', tempo, TEMPO_MIDI_RANGE, ids, tempoTargetId);
  const timeSignatureTargetId = ids.next();
  const element = group('Mixer', [
    ...body,
    tempoParameter,
    plainParameter('TimeSignature', timeSignatureCode, timeSignatureTargetId),
    floatParameter('GlobalGrooveAmount', 100, { min: 0, max: 131.25 }, ids),
    floatParameter('CrossFade', 0, PAN_RANGE, ids),
    value('TempoAutomationViewBottom', TEMPO_MIDI_RANGE.min),
    value('TempoAutomationViewTop', TEMPO_MIDI_RANGE.max),
  ]);
  return { element, tempoTargetId, timeSignatureTargetId };
}
