/**
 * The seeded test corpus: the same seed gives the same bytes and another seed other music; it
 * is a few hundred bars covering every progression, style and meter; its notes are valid
 * parts on the token grid; and it has the structure it claims (melodies land on chord tones).
 */
import { createHash } from 'node:crypto';
import { partMusicSchema } from '../../../../src-main/common/midi.js';
import { CORPUS_STYLES, PROGRESSIONS, generateCorpus } from '../../../../src-main/services/phrases/corpus.js';
import { VELOCITY_LEVELS, onGrid } from '../../../../src-main/services/phrases/tokens.js';

const hashOf = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('phrase test corpus', () => {
  const corpus = generateCorpus({ seed: '1' });

  it('is the same for the same seed and different for another', () => {
    expect(hashOf(generateCorpus({ seed: '1' }))).toBe(hashOf(corpus));
    expect(hashOf(generateCorpus({ seed: '2' }))).not.toBe(hashOf(corpus));
  });

  it('has a few hundred bars in every progression, style and meter', () => {
    const bars = corpus.reduce((sum, piece) => sum + piece.bars, 0);
    expect(bars).toBeGreaterThanOrEqual(200);
    expect(bars).toBeLessThanOrEqual(800);
    expect(new Set(corpus.map((piece) => piece.style))).toEqual(new Set(CORPUS_STYLES));
    expect(new Set(corpus.map((piece) => piece.progression))).toEqual(new Set(PROGRESSIONS.map((p) => p.name)));
    expect(new Set(corpus.map((piece) => `${piece.timeSignature.numerator}/${piece.timeSignature.denominator}`))).toEqual(new Set(['4/4', '3/4', '6/8']));
    expect(new Set(corpus.map((piece) => piece.key)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(corpus.map((piece) => piece.name)).size).toBe(corpus.length);
  });

  it('writes valid parts on the token grid, inside their bars', () => {
    for (const piece of corpus) {
      expect(() => partMusicSchema.parse(piece.music)).not.toThrow();
      const beats = piece.bars * ((piece.timeSignature.numerator * 4) / piece.timeSignature.denominator);
      for (const note of piece.music.notes) {
        expect(onGrid(note.startBeats) && onGrid(note.durationBeats)).toBe(true);
        expect(VELOCITY_LEVELS).toContain(note.velocity);
        expect(note.startBeats + note.durationBeats).toBeLessThanOrEqual(beats + 1e-9);
      }
    }
  });

  it('starts every melody bar on a tone of its chord', () => {
    const pieces = corpus.filter((piece) => piece.style === 'melody' && piece.progression === 'I–V–vi–IV');
    expect(pieces.length).toBeGreaterThan(0);
    for (const piece of pieces) {
      const tonic = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'].indexOf(piece.key.split(' ')[0]!);
      const barBeats = (piece.timeSignature.numerator * 4) / piece.timeSignature.denominator;
      const chords = [[0, 4, 7], [7, 11, 2], [9, 0, 4], [5, 9, 0]];
      for (let bar = 0; bar < piece.bars; bar++) {
        const downbeat = piece.music.notes.find((note) => Math.abs(note.startBeats - bar * barBeats) < 1e-9)!;
        expect(chords[bar % 4]!.map((interval) => (tonic + interval) % 12)).toContain(downbeat.pitch % 12);
      }
    }
  });

  it('refuses a corpus of no pieces', () => {
    expect(() => generateCorpus({ seed: '1', pieces: 0 })).toThrow('A corpus has 1..10000 pieces');
  });
});
