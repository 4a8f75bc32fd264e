/**
 * The session builder's form: raters typed as one line, the fields' limits, and the draft it
 * makes — a filter, picked takes or picked MIDI takes — which the contract's own schema accepts.
 */
import type { PhraseTake } from '../../../../src-main/common/phrases.js';
import { sessionDraftSchema } from '../../../../src-main/common/rating.js';
import {
  builderErrors,
  initialBuilderValues,
  parseItemSeconds,
  parseRaterNames,
  pickablePhraseTakes,
  secondsForSource,
  toSessionDraft,
  toggled,
  type BuilderValues,
} from '../../../../src-renderer/app/rating/rating-form.js';

const filled = (patch: Partial<BuilderValues> = {}): BuilderValues => ({
  ...initialBuilderValues(),
  name: 'Band night',
  raters: 'Ana, Ben',
  ...patch,
});

describe('rating builder form', () => {
  test('splits raters on commas, semicolons and new lines, dropping blanks', () => {
    expect(parseRaterNames(' Ana, Ben;\nCleo ,, ')).toEqual(['Ana', 'Ben', 'Cleo']);
    expect(parseRaterNames('   ')).toEqual([]);
  });

  test('reads item seconds only as plain numbers', () => {
    expect(parseItemSeconds('30')).toBe(30);
    expect(parseItemSeconds(' 22.5 ')).toBe(22.5);
    expect(parseItemSeconds('30s')).toBeNull();
    expect(parseItemSeconds('-5')).toBeNull();
  });

  test('a fresh form only lacks a name and raters', () => {
    expect(Object.keys(builderErrors(initialBuilderValues())).toSorted()).toEqual(['name', 'raters']);
    expect(builderErrors(filled())).toEqual({});
  });

  test('names the wrong fields', () => {
    const errors = builderErrors(
      filled({ seconds: '61', generatedCount: 'x', raters: 'Ana, ana', seed: '12a', source: 'picked', takeIds: [] }),
    );
    expect(Object.keys(errors).toSorted()).toEqual(['generatedCount', 'raters', 'seconds', 'seed']);
    expect(errors.raters).toBe('Two raters have the same name.');
    expect(builderErrors(filled({ seconds: '4.9' })).seconds).toBe('Between 5 and 60 seconds.');
    expect(builderErrors(filled({ generatedCount: '0', realCount: '0' })).generatedCount).toBe('A session needs at least one item.');
    expect(builderErrors(filled({ source: 'picked', takeIds: [] })).takeIds).toBe('Pick the takes to rate, or draw them by filter.');
    expect(builderErrors(filled({ raters: Array.from({ length: 13 }, (_, i) => `R${i}`).join(',') })).raters).toBe('At most 12 raters.');
  });

  test('makes a filter draft the contract accepts, leaving empty filters out', () => {
    const draft = toSessionDraft(
      filled({ format: '2afc', modelIds: [3], presets: ['test'], starredOnly: true, seconds: '12.5', seed: ' 42 ', catchTrials: true }),
    );
    expect(draft).toEqual({
      name: 'Band night',
      format: '2afc',
      generatedCount: 8,
      realCount: 2,
      itemSeconds: 12.5,
      catchTrials: true,
      raters: ['Ana', 'Ben'],
      seed: '42',
      takeFilter: { modelIds: [3], presets: ['test'], starredOnly: true },
    });
    expect(sessionDraftSchema.safeParse(draft).success).toBe(true);
  });

  test('makes a picked-takes draft without a seed when none is typed', () => {
    const draft = toSessionDraft(filled({ source: 'picked', takeIds: [5, 7], generatedCount: '2', realCount: '1' }));
    expect(draft).toMatchObject({ takeIds: [5, 7], generatedCount: 2, realCount: 1 });
    expect(draft).not.toHaveProperty('seed');
    expect(draft).not.toHaveProperty('takeFilter');
  });

  test("makes a MIDI draft: the picked MIDI takes, the items as long as the takes unless a length is typed", () => {
    const midi = filled({ source: 'midi', phraseTakeIds: [11, 12], generatedCount: '2', realCount: '2', seconds: '' });
    expect(builderErrors(midi)).toEqual({});
    const draft = toSessionDraft(midi);
    expect(draft).toMatchObject({ phraseTakeIds: [11, 12], generatedCount: 2, realCount: 2 });
    expect(draft).not.toHaveProperty('itemSeconds');
    expect(draft).not.toHaveProperty('takeIds');
    expect(draft).not.toHaveProperty('takeFilter');
    expect(sessionDraftSchema.safeParse(draft).success).toBe(true);
    expect(toSessionDraft({ ...midi, seconds: '6' })).toMatchObject({ itemSeconds: 6 });
    expect(builderErrors(filled({ source: 'midi', phraseTakeIds: [] })).phraseTakeIds).toBe('Pick the MIDI takes to rate.');
    expect(builderErrors({ ...midi, generatedCount: '3' }).generatedCount).toBe('Pick at least 3 MIDI takes, or ask for fewer.');
    expect(builderErrors({ ...midi, seconds: '3' }).seconds).toBe('Between 5 and 60 seconds, or blank.');
    // Switching to MIDI clears the default length; switching back restores it; a typed one stays.
    expect([secondsForSource('midi', '30'), secondsForSource('filter', ''), secondsForSource('midi', '12')]).toEqual(['', '30', '12']);
    const take = (id: number, verdict: PhraseTake['verdict'], status: PhraseTake['status'] = 'ready') => ({ id, verdict, status }) as PhraseTake;
    expect(pickablePhraseTakes([take(1, 'undecided'), take(2, 'kept'), take(3, 'kept', 'failed'), take(4, 'discarded')]).map((t) => t.id)).toEqual([2, 4, 1]);
  });

  test('makes no draft while a field is wrong', () => {
    expect(toSessionDraft(filled({ name: ' ' }))).toBeNull();
  });

  test('toggles checkbox lists without duplicates', () => {
    expect(toggled([1, 2], 3, true)).toEqual([1, 2, 3]);
    expect(toggled([1, 2], 2, true)).toEqual([1, 2]);
    expect(toggled([1, 2], 1, false)).toEqual([2]);
  });
});
