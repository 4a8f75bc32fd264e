/**
 * The songwriter's words for stored codes and measures: every label and split has its own
 * word (the GUI shows them: src-renderer/app/ui/clip-style.spec.ts), and every measure has a plain
 * name, a technical name and a line saying what it is — none of them claiming a measure Eureka
 * does not take.
 */
import { CLIP_LABELS, CLIP_SPLITS } from '../../../src-main/common/dto.js';
import { codeWithWords, LABEL_CLIP, LABEL_WORDS, MEASURES, SPLIT_MEANING, SPLIT_WORDS } from '../../../src-main/common/plain-words.js';

describe('plain words', () => {
  it('names the clip labels as a songwriter would', () => {
    expect(LABEL_WORDS).toEqual({ U: 'New idea', V: 'Variation', gap: 'Fill a gap' });
    expect(LABEL_CLIP).toEqual({ U: 'new-idea clip', V: 'variation clip', gap: 'gap clip' });
  });

  it('names the splits practice / check / final check, each with what it does', () => {
    expect(SPLIT_WORDS).toEqual({ train: 'Practice', val: 'Check', test: 'Final check' });
    for (const split of CLIP_SPLITS) expect(SPLIT_MEANING[split].startsWith(`${SPLIT_WORDS[split]}: `)).toBe(true);
  });

  it('gives every label and split a word of its own, never the code', () => {
    for (const [codes, words] of [
      [CLIP_LABELS, LABEL_WORDS],
      [CLIP_SPLITS, SPLIT_WORDS],
    ] as const) {
      const shown = codes.map((code) => (words as Record<string, string>)[code]);
      expect(new Set(shown).size).toBe(codes.length);
      codes.forEach((code, i) => expect(shown[i]?.toLowerCase()).not.toBe(code.toLowerCase()));
    }
  });

  it('puts the words beside a code for the CLI', () => {
    expect(codeWithWords('U', LABEL_WORDS.U)).toBe('U (new idea)');
    expect(codeWithWords('test', SPLIT_WORDS.test)).toBe('test (final check)');
  });

  it('names each measure plainly and technically, and claims no key, tempo or brightness', () => {
    const names = Object.values(MEASURES);
    expect(new Set(names.map((name) => name.plain)).size).toBe(names.length);
    for (const name of names) {
      expect(name.hint.length).toBeGreaterThan(10);
      expect(name.plain).not.toMatch(/\b(key|tempo|brightness)\b/i);
    }
    expect(MEASURES.fidelity.plain).toBe('Close to the clip');
    expect(MEASURES.novelty.plain).toBe('Not a copy');
    expect(MEASURES.mfccFrechet.technical).toBe('MFCC Fréchet distance');
  });
});
