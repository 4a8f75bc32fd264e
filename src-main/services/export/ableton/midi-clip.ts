/**
 * One MIDI clip, for the Arrangement (placed at a beat) or a Session slot (Time 0), in the
 * element order Live 11.3 writes (checked against the reference outline by
 * test/main/services/export/ableton/live-set-structure.test.ts).
 *
 * Notes sit in `Notes/KeyTracks`: one `KeyTrack` per pitch (its `MidiKey`), ascending, each
 * holding its `MidiNoteEvent`s in time order. A note's `Time` and `Duration` are beats from the
 * clip's start (the clip's own LoopStart is 0); `NoteId` numbers the clip's notes from 1 and
 * `NoteIdGenerator/NextId` is one above the last, as Live keeps them. `KeyTrack` Ids are
 * list-local, like a clip's.
 */
import { clipHead, clipSettings } from './clip-elements.js';
import type { LiveMidiClipSpec } from './live-set-spec.js';
import { el, group, value, type XmlElement } from './xml-tree.js';

/** The note-off velocity Live writes for notes drawn or imported without one (the MIDI default). */
const DEFAULT_OFF_VELOCITY = 64;

export interface MidiClipPlacement {
  /** Position, beats: the arrangement start, or 0 in a Session slot. */
  time: number;
  color: number;
  /** Live's take-lane bookkeeping: 1 for arrangement clips, −1 for Session clips. */
  takeId: number;
  /** Session clips loop, as Live makes them; an arrangement clip plays once. */
  loop: boolean;
}

export function midiClip(clip: LiveMidiClipSpec, placement: MidiClipPlacement): XmlElement {
  const { time, color, takeId, loop } = placement;
  const length = clip.lengthBeats;
  return el('MidiClip', { Id: 0, Time: time }, [
    ...clipHead({ time, length, loop, name: clip.name, color, timeSignature: clip.timeSignature }),
    group('ScrollerTimePreserver', [value('LeftTime', 0), value('RightTime', length)]),
    ...clipSettings(takeId),
    notes(clip),
    value('BankSelectCoarse', -1),
    value('BankSelectFine', -1),
    value('ProgramChange', -1), // none: the songwriter picks the instrument in Live
    value('NoteEditorFoldInZoom', -1),
    value('NoteEditorFoldInScroll', 0),
    value('NoteEditorFoldOutZoom', 214), // a zoom and scroll pair Live 11 saved
    value('NoteEditorFoldOutScroll', 0),
    value('NoteEditorFoldScaleZoom', -1),
    value('NoteEditorFoldScaleScroll', 0),
    group('ScaleInformation', [value('RootNote', 0), value('Name', 'Major')]), // a string in the Live 11 schema
    value('IsInKey', false),
    value('NoteSpellingPreference', 3),
    value('PreferFlatRootNote', false),
    group('ExpressionGrid', [
      value('FixedNumerator', 1),
      value('FixedDenominator', 16),
      value('GridIntervalPixel', 20),
      value('Ntoles', 2),
      value('SnapToGrid', false),
      value('Fixed', false),
    ]),
  ]);
}

/** `Notes`: key tracks by ascending pitch, notes by time, Ids in that order from 1. */
function notes(clip: LiveMidiClipSpec): XmlElement {
  const byPitch = new Map<number, LiveMidiClipSpec['notes'][number][]>();
  for (const note of clip.notes) byPitch.set(note.pitch, [...(byPitch.get(note.pitch) ?? []), note]);
  const pitches = [...byPitch.keys()].sort((a, b) => a - b);
  let noteId = 0;
  const keyTracks = pitches.map((pitch, index) => {
    const events = byPitch
      .get(pitch)!
      .sort((a, b) => a.startBeats - b.startBeats)
      .map((note) =>
        el('MidiNoteEvent', {
          Time: note.startBeats,
          Duration: note.durationBeats,
          Velocity: note.velocity,
          VelocityDeviation: 0,
          OffVelocity: DEFAULT_OFF_VELOCITY,
          Probability: 1,
          IsEnabled: true,
          NoteId: ++noteId,
        }),
      );
    return el('KeyTrack', { Id: index }, [group('Notes', events), value('MidiKey', pitch)]);
  });
  return group('Notes', [
    group('KeyTracks', keyTracks),
    group('PerNoteEventStore', [group('EventLists', [])]),
    group('NoteIdGenerator', [value('NextId', noteId + 1)]),
  ]);
}
