/**
 * The SMF writers, read back with @tonejs/midi's parser (and the header bytes by hand): format
 * 1, PPQ 480, the conductor track's name, tempo and time signature, named note tracks with the
 * notes at the right ticks, names folded to ASCII, the metronome clocks of simple and compound
 * meters, and the checks on bad input.
 */
import tonejs from '@tonejs/midi';
import { AppError } from '../../../../src-main/common/errors.js';
import { encodeMidiFile, encodePartsMidiFile, encodeTempoMap, MIDI_PPQ } from '../../../../src-main/services/export/midi-file.js';

const { Midi } = tonejs;

/** The SMF header: "MThd", length 6, format, track count, division. */
function header(bytes: Uint8Array): { format: number; tracks: number; division: number } {
  expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('MThd');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  expect(view.getUint32(4)).toBe(6);
  return { format: view.getUint16(8), tracks: view.getUint16(10), division: view.getUint16(12) };
}

describe('encodeTempoMap', () => {
  it('writes a type-1 conductor track with song name, tempo and time signature', () => {
    const bytes = encodeTempoMap({ name: 'Verse idea 3', tempo: 92, timeSignature: { numerator: 6, denominator: 8 } });
    expect(header(bytes)).toEqual({ format: 1, tracks: 1, division: MIDI_PPQ });
    const midi = new Midi(bytes);
    expect(midi.header.ppq).toBe(480);
    expect(midi.header.name).toBe('Verse idea 3');
    expect(midi.header.tempos).toHaveLength(1);
    expect(midi.header.tempos[0]!.ticks).toBe(0);
    expect(midi.header.tempos[0]!.bpm).toBeCloseTo(92, 3); // 652173 µs per quarter
    expect(midi.header.timeSignatures).toEqual([expect.objectContaining({ ticks: 0, timeSignature: [6, 8] })]);
    expect(midi.tracks).toHaveLength(0);
    // The conductor ends with FF 2F 00.
    expect(Array.from(bytes.subarray(bytes.length - 3))).toEqual([0xff, 0x2f, 0x00]);
  });

  it('folds names to ASCII: SMF text has no encoding, and readers show UTF-8 as mojibake', () => {
    const bytes = encodeMidiFile({ name: 'Café 🎸', tempo: 120, timeSignature: { numerator: 4, denominator: 4 } }, [
      { name: 'Take 2 · été', notes: [{ midi: 60, time: 0, duration: 1, velocity: 1 }] },
    ]);
    // The parser hands text over byte for byte (one char per byte): ASCII reads back as written.
    const midi = new Midi(bytes);
    expect(midi.header.name).toBe('Cafe ?');
    expect(midi.tracks[0]!.name).toBe('Take 2 - ete');
  });

  it.each([
    [4, 4, 24],
    [3, 4, 24],
    [2, 2, 48],
    [3, 8, 12],
    [5, 8, 12],
    [6, 8, 36],
    [9, 8, 36],
    [12, 8, 36],
    [6, 16, 18],
  ])('clicks %i/%i every %i MIDI clocks (once a beat; once a dotted beat in compound time)', (numerator, denominator, clocks) => {
    const bytes = encodeTempoMap({ name: 's', tempo: 120, timeSignature: { numerator, denominator } });
    const at = Buffer.from(bytes).indexOf(Buffer.from([0xff, 0x58, 0x04]));
    expect(at).toBeGreaterThan(0);
    // FF 58 04 nn dd cc bb: numerator, log2(denominator), MIDI clocks per click, 32nds per quarter.
    expect(Array.from(bytes.subarray(at + 3, at + 7))).toEqual([numerator, Math.log2(denominator), clocks, 8]);
  });

  it('rejects tempi and time signatures a DAW cannot take', () => {
    const code = (tempo: number, numerator: number, denominator: number): string | undefined => {
      try {
        encodeTempoMap({ name: 's', tempo, timeSignature: { numerator, denominator } });
      } catch (error) {
        return (error as AppError).code;
      }
      return undefined;
    };
    expect(code(120, 4, 4)).toBeUndefined();
    expect(code(10, 4, 4)).toBe('INVALID_INPUT');
    expect(code(Number.NaN, 4, 4)).toBe('INVALID_INPUT');
    expect(code(120, 0, 4)).toBe('INVALID_INPUT');
    expect(code(120, 4, 3)).toBe('INVALID_INPUT');
  });
});

describe('encodeMidiFile', () => {
  const song = { name: 'Song', tempo: 120, timeSignature: { numerator: 4, denominator: 4 } };

  it('writes one named track per part with notes at tempo-derived ticks', () => {
    const bytes = encodeMidiFile(song, [
      {
        name: 'Take 1',
        // Out of order on purpose; 0.5 s at 120 BPM = one quarter = 480 ticks.
        notes: [
          { midi: 64, time: 0.5, duration: 0.25, velocity: 0.5 },
          { midi: 60, time: 0, duration: 0.5, velocity: 1 },
          { midi: 60, time: 0.5, duration: 0.5, velocity: 0.8 }, // same pitch, starts as the first ends
        ],
      },
      { name: 'Source clip', notes: [{ midi: 48, time: 2, duration: 1, velocity: 0.6 }] },
    ]);
    expect(header(bytes)).toEqual({ format: 1, tracks: 3, division: 480 });
    const midi = new Midi(bytes);
    expect(midi.tracks.map((track) => track.name)).toEqual(['Take 1', 'Source clip']);
    const [take, source] = midi.tracks;
    expect(take!.notes.map((n) => [n.midi, n.ticks, n.durationTicks, Math.round(n.velocity * 127)])).toEqual([
      [60, 0, 480, 127],
      [60, 480, 480, 102],
      [64, 480, 240, 64],
    ]);
    expect(source!.notes.map((n) => [n.midi, n.ticks, n.durationTicks])).toEqual([[48, 1920, 960]]);
    expect(take!.channel).not.toBe(source!.channel);
    expect(midi.header.tempos[0]!.bpm).toBe(120);
  });

  it('never puts a part on the drum channel and keeps very short notes', () => {
    const parts = Array.from({ length: 11 }, (_, i) => ({
      name: `Part ${i}`,
      notes: [{ midi: 60, time: 0, duration: 0.0001, velocity: 0.001 }],
    }));
    const midi = new Midi(encodeMidiFile(song, parts));
    expect(midi.tracks.map((track) => track.channel)).not.toContain(9);
    expect(midi.tracks[10]!.notes[0]!.durationTicks).toBe(1);
    expect(Math.round(midi.tracks[10]!.notes[0]!.velocity * 127)).toBe(1); // not a note off
  });

  it('rejects notes outside MIDI', () => {
    expect(() => encodeMidiFile(song, [{ name: 'x', notes: [{ midi: 128, time: 0, duration: 1, velocity: 1 }] }])).toThrow(
      AppError,
    );
    expect(() => encodeMidiFile(song, [{ name: 'x', notes: [{ midi: 60, time: -1, duration: 1, velocity: 1 }] }])).toThrow(
      /MIDI note of "x"/,
    );
  });
});

describe('encodePartsMidiFile', () => {
  const conductor = {
    name: 'Night drive',
    tempoMap: [{ beats: 0, bpm: 100 }, { beats: 8, bpm: 140 }],
    meterMap: [
      { beats: 0, timeSignature: { numerator: 4 as const, denominator: 4 as const } },
      { beats: 8, timeSignature: { numerator: 6, denominator: 8 as const } },
    ],
  };
  const bass = { name: 'bass', program: 33, channel: 9, notes: [{ pitch: 36, startBeats: 8.5, durationBeats: 0.25, velocity: 127 }], bends: [] };

  it('writes every tempo and signature at its beat, the part on its own channel, beats as ticks', () => {
    const midi = new Midi(encodePartsMidiFile(conductor, [bass]));
    expect(midi.header.tempos.map((t) => [t.ticks, Math.round(t.bpm * 1000) / 1000])).toEqual([[0, 100], [3840, 140]]);
    expect(midi.header.timeSignatures.map((t) => [t.ticks, ...t.timeSignature])).toEqual([[0, 4, 4], [3840, 6, 8]]);
    expect(midi.tracks[0]!.channel).toBe(9); // drums stay drums
    expect(midi.tracks[0]!.instrument.number).toBe(33);
    expect(midi.tracks[0]!.notes.map((n) => [n.midi, n.ticks, n.durationTicks, Math.round(n.velocity * 127)])).toEqual([[36, 4080, 120, 127]]);
  });

  it('sets the metronome of every time signature, not only the first', () => {
    const bytes = Buffer.from(encodePartsMidiFile(conductor, []));
    const clocks: number[] = [];
    for (let at = bytes.indexOf(Buffer.from([0xff, 0x58, 0x04])); at >= 0; at = bytes.indexOf(Buffer.from([0xff, 0x58, 0x04]), at + 1)) clocks.push(bytes[at + 5]!);
    expect(clocks).toEqual([24, 36]);
  });

  it('refuses maps that do not start at beat 0 or go back, and notes a file cannot hold', () => {
    expect(() => encodePartsMidiFile({ ...conductor, tempoMap: [{ beats: 1, bpm: 100 }] }, [])).toThrow(/tempo map must start at beat 0/);
    expect(() => encodePartsMidiFile({ ...conductor, meterMap: [conductor.meterMap[1]!, conductor.meterMap[0]!] }, [])).toThrow(/meter map/);
    expect(() => encodePartsMidiFile({ ...conductor, tempoMap: [{ beats: 0, bpm: 5000 }] }, [])).toThrow(AppError);
    expect(() => encodePartsMidiFile(conductor, [{ ...bass, notes: [{ ...bass.notes[0]!, velocity: 0 }] }])).toThrow(/MIDI note of "bass"/);
  });
});
