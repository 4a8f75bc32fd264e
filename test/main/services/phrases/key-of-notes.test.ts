/**
 * Keys of MIDI phrases (key-of-notes.ts): the key the notes suggest by their pitch classes'
 * lengths, and out-of-key pitches moved to the neighbour that belongs to the key more strongly.
 */
import type { PartNote } from '../../../../src-main/common/midi.js';
import { inKey, keyOfPhrase, nearestInKey, notesInKey } from '../../../../src-main/services/phrases/key-of-notes.js';

const note = (pitch: number, startBeats: number, durationBeats: number, velocity = 88): PartNote => ({ pitch, startBeats, durationBeats, velocity });

describe('keys of phrases', () => {
  it('finds the key a phrase suggests by its pitch classes weighted by length', () => {
    const aMinor = [57, 60, 64, 69, 62, 65, 64, 57, 59, 60].map((pitch, i) => note(pitch, i, i % 3 === 0 ? 2 : 1));
    expect(keyOfPhrase(aMinor)).toEqual({ tonic: 9, mode: 'minor' });
    expect(keyOfPhrase([note(60, 0, 1), note(64, 1, 1), note(67, 2, 1), note(65, 3, 0.5), note(71, 3.5, 0.5), note(72, 4, 2)])).toEqual({ tonic: 0, mode: 'major' });
    expect(keyOfPhrase([])).toBeNull();
  });

  it('moves out-of-key pitches to the neighbour that belongs to the key more strongly', () => {
    const cMajor = { tonic: 0, mode: 'major' as const };
    // F# → G, C# → C, Eb → E, Ab → G, Bb → A.
    expect([66, 61, 63, 68, 70].map((p) => nearestInKey(p, cMajor))).toEqual([67, 60, 64, 67, 69]);
    expect([60, 62, 64, 65, 67, 69, 71].every((p) => inKey(p, cMajor))).toBe(true);
    const aMinor = { tonic: 9, mode: 'minor' as const };
    expect([68, 66, 61].map((p) => nearestInKey(p, aMinor))).toEqual([69, 65, 60]);
    expect(nearestInKey(127, { tonic: 1, mode: 'major' })).toBeLessThanOrEqual(127);
    // Two notes landing on one pitch and onset become one.
    expect(notesInKey([note(60, 0, 1), note(61, 0, 2), note(66, 1, 1)], cMajor)).toEqual([note(60, 0, 2), note(67, 1, 1)]);
  });
});
