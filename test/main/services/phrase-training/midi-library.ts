/**
 * A tiny library of MIDI songs for the phrase training tests: pieces of the seeded test corpus
 * (services/phrases/corpus.ts) written as standard MIDI files, a few parts a song, and a drum
 * part on channel 10 in the first song (which phrase training must leave out).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PartNote } from '../../../../src-main/common/midi.js';
import { GM_DRUM_CHANNEL } from '../../../../src-main/common/midi.js';
import { encodePartsMidiFile, type MidiPartTrack } from '../../../../src-main/services/export/midi-file.js';
import { generateCorpus } from '../../../../src-main/services/phrases/corpus.js';

/** A kick on every beat and a snare on 2 and 4, over `bars` bars of 4/4. */
function drumNotes(bars: number): PartNote[] {
  return Array.from({ length: bars * 4 }, (_, beat) => ({ pitch: beat % 2 === 0 ? 36 : 38, startBeats: beat, durationBeats: 0.25, velocity: 100 }));
}

export interface MidiSongFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * `songs` MIDI files of `partsPerSong` corpus pieces each (the first piece's tempo and meter for
 * the file); the first song also has a drum part.
 */
export function midiSongs(options: { songs: number; partsPerSong: number; seed: string }): MidiSongFile[] {
  const pieces = generateCorpus({ seed: options.seed, pieces: options.songs * options.partsPerSong });
  return Array.from({ length: options.songs }, (_, s) => {
    const group = pieces.slice(s * options.partsPerSong, (s + 1) * options.partsPerSong);
    const first = group[0]!;
    const tracks: MidiPartTrack[] = group.map((piece, k) => ({ name: piece.style, program: piece.music.program, channel: k, notes: piece.music.notes, bends: [] }));
    if (s === 0) tracks.push({ name: 'Drums', program: 0, channel: GM_DRUM_CHANNEL, notes: drumNotes(8), bends: [] });
    const name = `Song ${s + 1}`;
    return { name: `${name}.mid`, bytes: encodePartsMidiFile({ name, tempoMap: first.music.tempoMap, meterMap: first.music.meterMap }, tracks) };
  });
}

/** The songs written into `dir`; their paths. */
export async function writeMidiSongs(dir: string, songs: MidiSongFile[]): Promise<string[]> {
  return Promise.all(
    songs.map(async (song) => {
      const file = path.join(dir, song.name);
      await writeFile(file, song.bytes);
      return file;
    }),
  );
}

/** A song of drums alone: one part on channel 10, nothing a phrase model learns from. */
export function drumsOnlySong(): MidiSongFile {
  const bytes = encodePartsMidiFile(
    { name: 'Beat', tempoMap: [{ beats: 0, bpm: 100 }], meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }] },
    [{ name: 'Drums', program: 0, channel: GM_DRUM_CHANNEL, notes: drumNotes(16), bends: [] }],
  );
  return { name: 'Beat.mid', bytes };
}
