/** General MIDI names: 128 programs in order, drums on channel 10 whatever the program. */
import { GM_PROGRAM_NAMES, instrumentName } from '../../../src-main/common/gm-programs.js';
import { GM_DRUM_CHANNEL } from '../../../src-main/common/midi.js';

describe('General MIDI program names', () => {
  it('names all 128 programs once each, in General MIDI order', () => {
    expect(GM_PROGRAM_NAMES).toHaveLength(128);
    expect(new Set(GM_PROGRAM_NAMES).size).toBe(128);
    expect(instrumentName(0, 0)).toBe('Piano (Acoustic Grand)');
    expect(instrumentName(33, 1)).toBe('Electric Bass (Finger)');
    expect(instrumentName(40, 2)).toBe('Violin');
    expect(instrumentName(56, 0)).toBe('Trumpet');
    expect(instrumentName(73, 0)).toBe('Flute');
    expect(instrumentName(127, 0)).toBe('Gunshot');
  });

  it('calls the drum channel Drums, whatever its program', () => {
    expect(GM_DRUM_CHANNEL).toBe(9);
    expect(instrumentName(0, 9)).toBe('Drums');
    expect(instrumentName(25, 9)).toBe('Drums');
    expect(instrumentName(25, 10)).toBe('Guitar (Steel)');
  });
});
