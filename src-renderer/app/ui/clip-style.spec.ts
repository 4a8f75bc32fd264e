import { describe, expect, it } from '@jest/globals';
import { LABEL_CLIP, LABEL_WORDS, SPLIT_MEANING, SPLIT_WORDS } from '@common/plain-words.js';
import { LABEL_NAME, LABEL_NOUN, SPLIT_NAME, SPLIT_TITLE } from './clip-style.js';

describe('how the GUI names clips', () => {
  it("shows a songwriter's words for labels and splits, never the stored codes", () => {
    expect(LABEL_NAME).toEqual({ U: 'New idea', V: 'Variation', gap: 'Fill a gap' });
    expect(SPLIT_NAME).toEqual({ train: 'Practice', val: 'Check', test: 'Final check' });
  });

  it('takes them from the one map the CLI shares', () => {
    expect([LABEL_NAME, LABEL_NOUN, SPLIT_NAME, SPLIT_TITLE]).toEqual([LABEL_WORDS, LABEL_CLIP, SPLIT_WORDS, SPLIT_MEANING]);
  });
});
