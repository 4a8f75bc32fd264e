/**
 * Phrase models and takes in words: the held-out figures as a songwriter reads them (next-note
 * guesses against the simple chain, F1 of phrases rebuilt), the queue's order and what each
 * status allows, where a take came from, its measures and its copy check.
 */
import { describe, expect, it } from '@jest/globals';
import {
  canCancel,
  canDelete,
  canResume,
  copyWords,
  corpusWords,
  etaText,
  evaluationFigures,
  evaluationWords,
  measuresWords,
  sliderShare,
  sortPhraseModels,
  takeOrigin,
} from './phrase-words.js';
import { phraseModel, phraseTake } from '../testing/phrase-fixtures.js';

const noNames = (): string | null => null;
const names = (partId: number): string | null => (partId === 4 ? 'Piano' : partId === 5 ? 'Bass' : null);

describe('phrase words', () => {
  it('says the held-out figures of a continue model against the simple chain, and of a vary model as F1', () => {
    const evaluation = { heldOutPhrases: 6, perplexity: 3.2, accuracy: 0.812, markovPerplexity: 5.1, markovAccuracy: 0.571, reconstructionF1: null };
    expect(evaluationWords(phraseModel({ id: 1, evaluation }))).toBe(
      'On phrases it never saw, it guesses the next note 81% of the time (a simple chain: 57%).',
    );
    const vary = phraseModel({ id: 2, kind: 'vary', evaluation: { ...evaluation, accuracy: null, markovAccuracy: null, reconstructionF1: 0.8412 } });
    expect(evaluationWords(vary)).toBe('It rebuilds phrases it never saw at F1 0.84 (1 would be every note back in place).');
    expect(evaluationWords(phraseModel({ id: 3 }))).toBeNull();
    expect(evaluationFigures(vary).map((f) => f.label)).toEqual([
      'Held-out phrases',
      'Perplexity',
      'Markov chain perplexity',
      'Reconstruction note F1',
      'Steps',
      'Training time',
      'Seed',
    ]);
  });

  it('orders the queue (learning, queued oldest first, then newest first) and allows what each status allows', () => {
    const models = [
      phraseModel({ id: 1 }),
      phraseModel({ id: 4, status: 'queued' }),
      phraseModel({ id: 2, status: 'running' }),
      phraseModel({ id: 3, status: 'queued' }),
      phraseModel({ id: 5, status: 'cancelled' }),
    ];
    expect(sortPhraseModels(models).map((m) => m.id)).toEqual([2, 3, 4, 5, 1]);
    const [running, , , cancelled, done] = sortPhraseModels(models);
    expect([canCancel(running!), canResume(running!), canDelete(running!)]).toEqual([true, false, false]);
    expect([canCancel(cancelled!), canResume(cancelled!), canDelete(cancelled!)]).toEqual([false, true, true]);
    expect([canCancel(done!), canResume(done!), canDelete(done!)]).toEqual([false, false, true]);
  });

  it('says the time left and what a model learns from', () => {
    expect(etaText(null)).toBe('Waiting for the first steps…');
    expect(etaText({ modelId: 1, step: 1, steps: 9, loss: 2, fraction: 0.1, etaSeconds: null })).toBe('Estimating the time left…');
    expect(etaText({ modelId: 1, step: 1, steps: 9, loss: 2, fraction: 0.1, etaSeconds: 200 })).toMatch(/^about 3 min 20 s left$/);
    expect(corpusWords({ songs: 1, parts: 3, trainPhrases: 40, heldOutPhrases: 6, bars: 184, notes: 900 })).toBe(
      'Learns from 1 song, 3 parts: 40 phrases (6 kept aside to test it).',
    );
  });

  it('says where a take came from in each mode', () => {
    expect(takeOrigin(phraseTake({ id: 1 }), names)).toBe('4 bars after Piano, bars 1–4');
    expect(takeOrigin(phraseTake({ id: 1 }), noNames)).toBe('4 bars after part 4, bars 1–4');
    const settings = phraseTake({ id: 1 }).settings;
    const vary = phraseTake({ id: 2, settings: { ...settings, mode: 'vary', from: null, sliders: Array.from({ length: 20 }, (_, i) => (i === 3 ? 1.5 : 0)) } });
    expect(takeOrigin(vary, names)).toBe('the middle of what it learned, sliders moved');
    const blend = phraseTake({ id: 3, settings: { ...settings, mode: 'interpolate', to: { partId: 5, startBar: 5, bars: 4 }, fraction: 0.25 } });
    expect(takeOrigin(blend, names)).toBe('between Piano, bars 1–4 and Bass, bars 5–8 (25% of the way)');
  });

  it('puts the measures and the copy check in words', () => {
    const take = phraseTake({ id: 1, noteCount: 14, metrics: { pitchCount: 5, pitchEntropy: 2.1, pitchRange: 9, notesPerBar: 3.46, polyphony: 1, copiedNotes: 9, nearCopy: true, copiedFrom: 'Night Drive / Piano, bars 5–8' } });
    expect(measuresWords(take)).toBe('14 notes · spans 9 semitones · 3.5 notes a bar');
    expect(copyWords(take.metrics!)).toBe('Near-copy: it shares 9 notes in a row with a phrase it learned (Night Drive / Piano, bars 5–8).');
    expect(copyWords({ ...take.metrics!, nearCopy: false, copiedNotes: 4 })).toBe('It shares 4 notes in a row with a phrase it learned.');
    expect(copyWords({ ...take.metrics!, nearCopy: false, copiedNotes: 1 })).toBe('Copies nothing from the phrases it learned.');
    expect(measuresWords(phraseTake({ id: 2, noteCount: 1, metrics: null }))).toBe('1 note');
    expect(sliderShare(0.123)).toBe('12% of the variety');
    expect(sliderShare(0.001)).toBe('under 1% of the variety');
    expect(sliderShare(0)).toBe('0% of the variety');
  });
});
