import { describe, expect, it } from '@jest/globals';
import { NoticeStore } from '../shell/notices.svelte.js';
import { drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { emptyResults, session, take } from '../testing/fixtures.js';
import { phraseModel, phraseTake } from '../testing/phrase-fixtures.js';
import { RatingStore } from './rating.svelte.js';

function setup(): { bridge: FakeBridge; rating: RatingStore; notices: NoticeStore } {
  const bridge = new FakeBridge().answer('rating:list', [session({ id: 1 }), session({ id: 2 })]);
  const notices = new NoticeStore();
  const rating = new RatingStore(fakeApi(bridge), notices);
  rating.init();
  return { bridge, rating, notices };
}

describe('RatingStore', () => {
  it('lists the sessions, and says why when it cannot', async () => {
    const { bridge, rating } = setup();
    await rating.load();
    expect(rating.status).toBe('ready');
    expect(rating.sessions.map((s) => s.id)).toEqual([1, 2]);
    rating.select(2);
    expect(rating.selected?.name).toBe('Session 2');

    bridge.refuse('rating:list', 'STORAGE', 'the database is locked');
    await rating.load();
    expect(rating.status).toBe('failed');
    expect(rating.loadError).toBe('the database is locked');
  });

  it("puts a new session first and opens it; keeps the core's refusal for the form", async () => {
    const { bridge, rating } = setup();
    await rating.load();
    bridge.answer('rating:create', (draft) => session({ id: 3, name: draft.name }));
    const draft = { name: 'Band night', generatedCount: 2, realCount: 2, raters: ['Ana'] };

    expect((await rating.create(draft))?.id).toBe(3);
    expect(rating.sessions.map((s) => s.id)).toEqual([3, 1, 2]);
    expect(rating.selectedId).toBe(3);
    expect(rating.creating).toBe(false);

    bridge.refuse('rating:create', 'INVALID_INPUT', 'a blind session needs at least one real item');
    expect(await rating.create({ ...draft, realCount: 0 })).toBeNull();
    expect(rating.createError).toBe('a blind session needs at least one real item');
    rating.clearCreateError();
    expect(rating.createError).toBeNull();
  });

  it('reloads on rating:did-change only while the Listen view shows, with the open results', async () => {
    const { bridge, rating } = setup();
    bridge.answer('rating:results', ({ sessionId }) => emptyResults(sessionId));
    await rating.load();
    await rating.loadResults(1);
    expect(rating.results?.sessionId).toBe(1);

    bridge.emit('rating:did-change', { sessionIds: [1] });
    await drain();
    expect(bridge.requests('rating:list')).toHaveLength(1);

    rating.show(true);
    bridge.emit('rating:did-change', { sessionIds: [2] });
    await drain();
    expect(bridge.requests('rating:list')).toHaveLength(2);
    expect(bridge.requests('rating:results')).toHaveLength(1);

    bridge.emit('rating:did-change', { sessionIds: [1] });
    await drain();
    expect(bridge.requests('rating:results')).toHaveLength(2);
  });

  it('asks for the results again with the exclude switch, and forgets them for a rater screen', async () => {
    const { bridge, rating } = setup();
    bridge.answer('rating:results', ({ sessionId }) => emptyResults(sessionId));
    await rating.loadResults(2);
    await rating.setExcludeUnreliable(true);

    expect(bridge.requests('rating:results')).toEqual([
      { sessionId: 2, excludeUnreliable: false },
      { sessionId: 2, excludeUnreliable: true },
    ]);
    rating.forgetResults();
    expect(rating.results).toBeNull();
    expect(rating.resultsFor).toBeNull();

    bridge.refuse('rating:results', 'NOT_FOUND', 'no session 5');
    await rating.loadResults(5);
    expect(rating.resultsError).toBe('no session 5');
  });

  it("reads a model's takes for the builder once, and again when forced", async () => {
    const { bridge, rating, notices } = setup();
    bridge.answer('takes:list', ({ modelId }) => [take({ id: 1, modelId: modelId! })]);
    await rating.loadTakes(4);
    await rating.loadTakes(4);
    expect(bridge.requests('takes:list')).toHaveLength(1);
    await rating.loadTakes(4, true);
    expect(bridge.requests('takes:list')).toHaveLength(2);
    expect(rating.takesByModel[4]?.map((t) => t.id)).toEqual([1]);

    bridge.answer('phrase-models:list', [phraseModel({ id: 6 })]);
    bridge.answer('phrase-takes:list', ({ modelId }) => [phraseTake({ id: 31, modelId })]);
    await rating.loadPhraseModels();
    await rating.loadPhraseTakes(6);
    await rating.loadPhraseTakes(6);
    expect(bridge.requests('phrase-takes:list')).toHaveLength(1);
    expect([rating.phraseModels.map((m) => m.id), rating.phraseTakesByModel[6]?.map((t) => t.id)]).toEqual([[6], [31]]);

    bridge.refuse('rating:close', 'NOT_FOUND', 'no session 9');
    await rating.close(9);
    expect(notices.items.map((n) => n.message)).toEqual(['no session 9']);
  });
});
