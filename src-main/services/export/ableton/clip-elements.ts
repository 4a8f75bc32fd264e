/**
 * What Live 11.3 writes alike in an audio clip and a MIDI clip, in its order (checked against
 * the reference outline by test/main/services/export/ableton/live-set-structure.test.ts): the
 * opening run up to the clip envelopes, and the launch, groove and freeze settings before the
 * clip's own content (the sample or the notes).
 */
import { followAction, grid, lomIds } from './common-elements.js';
import { el, group, value, type XmlElement } from './xml-tree.js';

export interface ClipHead {
  /** Position, beats: the arrangement start, or 0 in a Session slot. */
  time: number;
  /** Length, beats. */
  length: number;
  loop: boolean;
  name: string;
  color: number;
  timeSignature: { numerator: number; denominator: number };
}

/** Position, loop brace, name, colour, launch mode, time signature and (no) clip envelopes. */
export function clipHead(head: ClipHead): XmlElement[] {
  const { time, length } = head;
  return [
    ...lomIds(),
    value('CurrentStart', time),
    value('CurrentEnd', time + length),
    group('Loop', [
      value('LoopStart', 0),
      value('LoopEnd', length),
      value('StartRelative', 0),
      value('LoopOn', head.loop),
      value('OutMarker', length),
      value('HiddenLoopStart', 0),
      value('HiddenLoopEnd', length),
    ]),
    value('Name', head.name),
    value('Annotation', ''),
    value('Color', head.color),
    value('LaunchMode', 0),
    value('LaunchQuantisation', 0),
    group('TimeSignature', [
      group('TimeSignatures', [
        el('RemoteableTimeSignature', { Id: 0 }, [
          value('Numerator', head.timeSignature.numerator),
          value('Denominator', head.timeSignature.denominator),
          value('Time', 0),
        ]),
      ]),
    ]),
    group('Envelopes', [group('Envelopes', [])]),
  ];
}

/**
 * From the time selection to the take id: no legato, no groove, enabled, warped (a MIDI clip is
 * always "warped": it follows the song tempo). `takeId` is Live's take-lane bookkeeping: 1 for
 * arrangement clips, −1 for Session clips.
 */
export function clipSettings(takeId: number): XmlElement[] {
  return [
    group('TimeSelection', [value('AnchorTime', 0), value('OtherTime', 0)]),
    value('Legato', false),
    value('Ram', false),
    group('GrooveSettings', [value('GrooveId', -1)]),
    value('Disabled', false),
    value('VelocityAmount', 0),
    followAction(1),
    grid(),
    value('FreezeStart', 0),
    value('FreezeEnd', 0),
    value('IsWarped', true),
    value('TakeId', takeId),
  ];
}
