/**
 * Addresses of views: every view and selection round-trips through its address, ids are read
 * through the schema (positive, no leading zero, at most twelve digits), and an address
 * understood only in part opens the deepest view it names, with a one-line problem.
 */
import { hashOf, routeFromHash, viewRouteSchema, type ViewRoute } from '../../../src-main/common/view-route.js';

const ROUTES: [string, ViewRoute][] = [
  ['#/library', { view: 'library', songId: null }],
  ['#/library/songs/3', { view: 'library', songId: 3 }],
  ['#/songs/3', { view: 'editor', songId: 3, clipId: null }],
  ['#/songs/3/clips/5', { view: 'editor', songId: 3, clipId: 5 }],
  ['#/songs/3/parts/4', { view: 'part', songId: 3, partId: 4 }],
  ['#/training', { view: 'training', modelId: null }],
  ['#/training/models/7', { view: 'training', modelId: 7 }],
  ['#/phrases', { view: 'phrases', modelId: null }],
  ['#/phrases/models/9', { view: 'phrases', modelId: 9 }],
  ['#/takes', { view: 'takes', clipId: null, modelId: null, takeId: null, exporting: false }],
  ['#/takes/clips/5', { view: 'takes', clipId: 5, modelId: null, takeId: null, exporting: false }],
  ['#/takes/models/7', { view: 'takes', clipId: null, modelId: 7, takeId: null, exporting: false }],
  ['#/takes/models/7/takes/40', { view: 'takes', clipId: null, modelId: 7, takeId: 40, exporting: false }],
  ['#/takes/models/7/export', { view: 'takes', clipId: null, modelId: 7, takeId: null, exporting: true }],
  ['#/takes/models/7/takes/40/export', { view: 'takes', clipId: null, modelId: 7, takeId: 40, exporting: true }],
  ['#/listen', { view: 'rating', sessionId: null }],
  ['#/listen/sessions/2', { view: 'rating', sessionId: 2 }],
  ['#/rate/12', { view: 'rater', raterId: 12 }],
  ['#/songs/999999999999', { view: 'editor', songId: 999_999_999_999, clipId: null }],
];

describe('view addresses', () => {
  it.each(ROUTES)('%s names its view and is the address of it', (hash, route) => {
    expect(routeFromHash(hash)).toEqual({ route, problem: null });
    expect(hashOf(route)).toBe(hash);
    expect(viewRouteSchema.parse(route)).toEqual(route);
  });

  it('opens the Library on an empty address, and takes a trailing slash', () => {
    for (const hash of ['', '#', '#/']) expect(routeFromHash(hash)).toEqual({ route: { view: 'library', songId: null }, problem: null });
    expect(routeFromHash('#/training/models/7/')).toEqual({ route: { view: 'training', modelId: 7 }, problem: null });
  });

  it('leaves out the clip of a Takes route that has a model: the model names its clip', () => {
    expect(hashOf({ view: 'takes', clipId: 5, modelId: 7, takeId: null, exporting: false })).toBe('#/takes/models/7');
    expect(hashOf({ view: 'takes', clipId: 5, modelId: null, takeId: 40, exporting: true })).toBe('#/takes/clips/5');
  });

  it.each([
    ['#/songs/3/clips/abc', { view: 'editor', songId: 3, clipId: null }, 'the song'],
    ['#/songs/3/parts/0', { view: 'editor', songId: 3, clipId: null }, 'the song'],
    ['#/songs/3/parts/4/clips/5', { view: 'part', songId: 3, partId: 4 }, 'the part'],
    ['#/songs/0', { view: 'library', songId: null }, 'the Library'],
    ['#/songs/007', { view: 'library', songId: null }, 'the Library'],
    ['#/songs/-3', { view: 'library', songId: null }, 'the Library'],
    ['#/songs/1e3', { view: 'library', songId: null }, 'the Library'],
    ['#/songs/1000000000000', { view: 'library', songId: null }, 'the Library'],
    ['#/training/models/7/extra', { view: 'training', modelId: 7 }, 'Training'],
    ['#/training/runs/7', { view: 'training', modelId: null }, 'Training'],
    ['#/phrases/9', { view: 'phrases', modelId: null }, 'Phrase ideas'],
    ['#/takes/models/7/takes/x/export', { view: 'takes', clipId: null, modelId: 7, takeId: null, exporting: false }, 'Takes'],
    ['#/takes/clips/5/export', { view: 'takes', clipId: 5, modelId: null, takeId: null, exporting: false }, 'Takes'],
    ['#/listen/sessions/two', { view: 'rating', sessionId: null }, 'Listen'],
    ['#/rate/0', { view: 'rating', sessionId: null }, 'Listen'],
    ['#/rate/12x', { view: 'rating', sessionId: null }, 'Listen'],
    ['#/settings', { view: 'library', songId: null }, 'the Library'],
    ['#training', { view: 'library', songId: null }, 'the Library'],
    ['#/Training', { view: 'library', songId: null }, 'the Library'],
  ] as [string, ViewRoute, string][])('%s opens the nearest view it names and says what it did not understand', (hash, route, viewName) => {
    const read = routeFromHash(hash);
    expect(read.route).toEqual(route);
    expect(read.problem).toBe(`Eureka has no page at "${hash}": showing ${viewName} instead.`);
  });

  it('quotes a long address shortened, on one line', () => {
    const hash = `#/${'x'.repeat(200)}`;
    const { problem } = routeFromHash(hash);
    expect(problem).toMatch(/^Eureka has no page at "#\/x{45}…": showing the Library instead\.$/);
  });

  it('refuses routes the schema does not allow', () => {
    expect(viewRouteSchema.safeParse({ view: 'editor', songId: 0, clipId: null }).success).toBe(false);
    expect(viewRouteSchema.safeParse({ view: 'training', modelId: 1.5 }).success).toBe(false);
    expect(viewRouteSchema.safeParse({ view: 'settings' }).success).toBe(false);
  });
});
