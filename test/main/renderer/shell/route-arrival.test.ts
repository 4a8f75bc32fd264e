/**
 * The router's decisions: a route waits while the stores load, arrives once what it names is
 * there, and lands on the nearest valid view with a one-line notice when it names a song, clip,
 * model, take or session that does not exist; a failed store is not the address's fault. The
 * address follows the stores' selection, and a route's view key says when a move is a new
 * history entry.
 */
import type { ViewRoute } from '../../../../src-main/common/view-route.js';
import { arrivalOf, shownRoute, viewKey, type Known, type RouteFacts, type Selection } from '../../../../src-renderer/app/shell/route-arrival.js';

/** Song 3 with clips 5 and 6, model 7 (of clip 5) with takes 40 and 41, session 2, rater 12. */
function facts(patch: Partial<RouteFacts> = {}): RouteFacts {
  return {
    songs: [3],
    clipsOf: (songId) => (songId === 3 ? [5, 6] : 'loading'),
    partsOf: (songId) => (songId === 3 ? [4] : 'loading'),
    editorClipId: 6,
    clipExists: (clipId) => clipId === 5 || clipId === 6,
    models: [7],
    phraseModels: [11],
    takesOf: (modelId): Known => (modelId === 7 ? [40, 41] : 'loading'),
    sessions: [2],
    rater: (raterId) => (raterId === 12 ? 'open' : { failure: `no rater ${raterId}` }),
    ...patch,
  };
}

const takes = (patch: Partial<Extract<ViewRoute, { view: 'takes' }>>): ViewRoute => ({
  view: 'takes',
  clipId: null,
  modelId: null,
  takeId: null,
  exporting: false,
  ...patch,
});

describe('route arrival', () => {
  it.each([
    { view: 'library', songId: null },
    { view: 'library', songId: 3 },
    { view: 'editor', songId: 3, clipId: null },
    { view: 'editor', songId: 3, clipId: 6 },
    { view: 'part', songId: 3, partId: 4 },
    { view: 'training', modelId: 7 },
    takes({ clipId: 5 }),
    takes({ modelId: 7, takeId: 41, exporting: true }),
    { view: 'rating', sessionId: 2 },
    { view: 'rater', raterId: 12 },
    { view: 'phrases', modelId: null },
    { view: 'phrases', modelId: 11 },
  ] as ViewRoute[])('arrives at %j once what it names is there', (route) => {
    expect(arrivalOf(route, facts())).toEqual({ kind: 'arrived' });
  });

  it.each([
    [{ view: 'library', songId: 3 }, { songs: 'loading' }],
    [{ view: 'editor', songId: 3, clipId: null }, { songs: 'loading' }],
    [{ view: 'editor', songId: 3, clipId: 6 }, { clipsOf: () => 'loading' }],
    [{ view: 'part', songId: 3, partId: 4 }, { songs: 'loading' }],
    [{ view: 'part', songId: 3, partId: 4 }, { partsOf: () => 'loading' }],
    [{ view: 'training', modelId: 7 }, { models: 'loading' }],
    [takes({ clipId: 5 }), { clipExists: () => null }],
    [takes({ modelId: 7 }), { models: 'loading' }],
    [{ view: 'phrases', modelId: 11 }, { phraseModels: 'loading' }],
    // The takes must be there before the selection and an Export dialog over them.
    [takes({ modelId: 7 }), { takesOf: () => 'loading' }],
    [takes({ modelId: 7, takeId: 40, exporting: true }), { takesOf: () => 'loading' }],
    [{ view: 'rating', sessionId: 2 }, { sessions: 'loading' }],
    [{ view: 'rater', raterId: 12 }, { rater: () => 'loading' }],
  ] as [ViewRoute, Partial<RouteFacts>][])('waits with %j while the stores load', (route, loading) => {
    expect(arrivalOf(route, facts(loading))).toEqual({ kind: 'waiting' });
  });

  it("has the clip selected once the song's clips are in and the editor has not selected it", () => {
    expect(arrivalOf({ view: 'editor', songId: 3, clipId: 6 }, facts({ editorClipId: null }))).toEqual({ kind: 'selecting' });
    expect(arrivalOf({ view: 'editor', songId: 3, clipId: 6 }, facts({ editorClipId: 5 }))).toEqual({ kind: 'selecting' });
  });

  it('does not wait for anything a route without a selection needs', () => {
    const loading = facts({ songs: 'loading', models: 'loading', sessions: 'loading', clipExists: () => null });
    for (const route of [{ view: 'library', songId: null }, { view: 'training', modelId: null }, takes({}), { view: 'rating', sessionId: null }] as ViewRoute[]) {
      expect(arrivalOf(route, loading)).toEqual({ kind: 'arrived' });
    }
  });

  it.each([
    [{ view: 'library', songId: 9 }, { view: 'library', songId: null }, 'Song 9 is not in the library (any more): showing the Library.'],
    [{ view: 'editor', songId: 9, clipId: 5 }, { view: 'library', songId: null }, 'Song 9 is not in the library (any more): showing the Library.'],
    [{ view: 'editor', songId: 3, clipId: 8 }, { view: 'editor', songId: 3, clipId: null }, 'Clip 8 is not in this song (any more): showing the song.'],
    [{ view: 'part', songId: 9, partId: 4 }, { view: 'library', songId: null }, 'Song 9 is not in the library (any more): showing the Library.'],
    [{ view: 'part', songId: 3, partId: 8 }, { view: 'library', songId: 3 }, 'Part 8 is not in this song (any more): showing the Library.'],
    [{ view: 'training', modelId: 99 }, { view: 'training', modelId: null }, 'Model 99 is not in Training (any more): showing Training.'],
    [takes({ clipId: 8 }), takes({}), 'Clip 8 is not in the library (any more): showing Takes.'],
    [takes({ modelId: 99, takeId: 40, exporting: true }), takes({}), 'Model 99 is not in Training (any more): showing Takes.'],
    [
      takes({ modelId: 7, takeId: 99, exporting: true }),
      takes({ modelId: 7, exporting: true }),
      "Take 99 is not among model 7's takes (any more): showing Takes.",
    ],
    [{ view: 'rating', sessionId: 9 }, { view: 'rating', sessionId: null }, 'There is no listening session 9 (any more): showing Listen.'],
    [{ view: 'rater', raterId: 13 }, { view: 'rating', sessionId: null }, "Cannot open listener 13's screen (no rater 13): showing Listen."],
    [{ view: 'phrases', modelId: 12 }, { view: 'phrases', modelId: null }, 'There is no phrase model 12 (any more): showing Phrase ideas.'],
  ] as [ViewRoute, ViewRoute, string][])('moves %j to the nearest valid view with a notice', (route, nearest, notice) => {
    expect(arrivalOf(route, facts())).toEqual({ kind: 'elsewhere', route: nearest, notice });
  });

  it("trusts the address when a store failed to load (the view says why, not the router)", () => {
    const failed = facts({ songs: 'failed', clipsOf: () => 'failed', editorClipId: 8, models: 'failed', takesOf: () => 'failed', sessions: 'failed' });
    for (const route of [
      { view: 'library', songId: 9 },
      { view: 'editor', songId: 9, clipId: 8 },
      { view: 'training', modelId: 99 },
      takes({ modelId: 99, takeId: 99 }),
      { view: 'rating', sessionId: 9 },
    ] as ViewRoute[]) {
      expect(arrivalOf(route, failed)).toEqual({ kind: 'arrived' });
    }
  });
});

describe('the address of what is shown', () => {
  const on: Selection = {
    librarySongId: 3,
    editorClipId: 6,
    trainingModelId: 9,
    takesModelId: 7,
    takeId: 41,
    exportOpen: false,
    sessionId: 4,
    phraseModelId: 11,
  };

  it("puts the stores' selection into the route's view", () => {
    expect(shownRoute({ view: 'library', songId: null }, on)).toEqual({ view: 'library', songId: 3 });
    expect(shownRoute({ view: 'editor', songId: 3, clipId: 5 }, on)).toEqual({ view: 'editor', songId: 3, clipId: 6 });
    expect(shownRoute({ view: 'training', modelId: 7 }, on)).toEqual({ view: 'training', modelId: 9 });
    expect(shownRoute(takes({ clipId: 5 }), on)).toEqual(takes({ modelId: 7, takeId: 41 }));
    expect(shownRoute(takes({ modelId: 7 }), { ...on, exportOpen: true })).toEqual(takes({ modelId: 7, takeId: 41, exporting: true }));
    expect(shownRoute({ view: 'rating', sessionId: null }, on)).toEqual({ view: 'rating', sessionId: 4 });
    expect(shownRoute({ view: 'phrases', modelId: null }, on)).toEqual({ view: 'phrases', modelId: 11 });
    expect(shownRoute({ view: 'rater', raterId: 12 }, on)).toEqual({ view: 'rater', raterId: 12 });
    expect(shownRoute({ view: 'part', songId: 3, partId: 4 }, on)).toEqual({ view: 'part', songId: 3, partId: 4 });
  });

  it('keeps the clip of a Takes view with no model open (a clip not trained yet)', () => {
    expect(shownRoute(takes({ clipId: 5 }), { ...on, takesModelId: null, takeId: 41, exportOpen: true })).toEqual(takes({ clipId: 5 }));
  });

  it('makes a song\'s editor and a rater\'s screen views of their own, a selection not', () => {
    expect(viewKey({ view: 'editor', songId: 3, clipId: 5 })).toBe(viewKey({ view: 'editor', songId: 3, clipId: null }));
    expect(viewKey({ view: 'editor', songId: 3, clipId: null })).not.toBe(viewKey({ view: 'editor', songId: 4, clipId: null }));
    expect(viewKey({ view: 'rater', raterId: 12 })).not.toBe(viewKey({ view: 'rater', raterId: 13 }));
    expect(viewKey({ view: 'part', songId: 3, partId: 4 })).not.toBe(viewKey({ view: 'part', songId: 3, partId: 5 }));
    expect(viewKey(takes({ modelId: 7, takeId: 40 }))).toBe(viewKey(takes({ clipId: 5 })));
    expect(viewKey({ view: 'training', modelId: 7 })).toBe(viewKey({ view: 'training', modelId: null }));
    expect(new Set(['library', 'training', 'takes', 'rating'].map((view) => viewKey({ view } as ViewRoute))).size).toBe(4);
  });
});
