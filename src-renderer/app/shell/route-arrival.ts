/**
 * The router's decisions, as pure functions of what the stores know (router.svelte.ts does the
 * rest): whether a route's selection can be shown yet, is shown, or names something that does
 * not exist (then the nearest valid view and a one-line notice); what address the window's
 * state amounts to; and which routes are one view, so that moving within a view replaces the
 * history entry and moving to another view adds one (Back goes to the previous view, not the
 * previous clip).
 */
import { LIBRARY_ROUTE, VIEW_NAMES, type ViewRoute } from '../../../src-main/common/view-route.js';

/** Ids a store holds once loaded; 'loading' until then; 'failed' when its view shows why not. */
export type Known = readonly number[] | 'loading' | 'failed';

/** What the stores know, as {@link arrivalOf} asks it. */
export interface RouteFacts {
  songs: Known;
  /** A song's clips ('loading' until they are). */
  clipsOf(songId: number): Known;
  /** The clip the editor has selected (it selects the route's once the song's clips are in). */
  editorClipId: number | null;
  /** A song's MIDI parts ('loading' until they are). */
  partsOf(songId: number): Known;
  /** Whether any song has this clip: null while that is not known yet. */
  clipExists(clipId: number): boolean | null;
  models: Known;
  /** The phrase models (Phrase ideas). */
  phraseModels: Known;
  /** The takes of model `modelId` once they are open and loaded. */
  takesOf(modelId: number): Known;
  sessions: Known;
  /** Rater `raterId`'s screen: still opening, open, or the reason it could not be opened. */
  rater(raterId: number): 'loading' | 'open' | { failure: string };
}

export type Arrival =
  | { kind: 'waiting' }
  /** What the route names is there, but the view has not selected it (yet): the router selects it. */
  | { kind: 'selecting' }
  | { kind: 'arrived' }
  /** The route names something that does not exist: show `route` instead, and say so. */
  | { kind: 'elsewhere'; route: ViewRoute; notice: string };

const WAITING: Arrival = { kind: 'waiting' };
const SELECTING: Arrival = { kind: 'selecting' };
const ARRIVED: Arrival = { kind: 'arrived' };

/** 'yes' when a failed store cannot tell: its view says why, the address is not to blame. */
function lookUp(known: Known, id: number): 'waiting' | 'yes' | 'no' {
  if (known === 'loading') return 'waiting';
  return known === 'failed' || known.includes(id) ? 'yes' : 'no';
}

function elsewhere(route: ViewRoute, missing: string): Arrival {
  return { kind: 'elsewhere', route, notice: `${missing}: showing ${VIEW_NAMES[route.view]}.` };
}

/** Whether `route` can be shown with what the stores know. */
export function arrivalOf(route: ViewRoute, facts: RouteFacts): Arrival {
  switch (route.view) {
    case 'library': {
      if (route.songId === null) return ARRIVED;
      const song = lookUp(facts.songs, route.songId);
      if (song === 'no') return elsewhere(LIBRARY_ROUTE, `Song ${route.songId} is not in the library (any more)`);
      return song === 'waiting' ? WAITING : ARRIVED;
    }
    case 'editor': {
      const song = lookUp(facts.songs, route.songId);
      if (song === 'no') return elsewhere(LIBRARY_ROUTE, `Song ${route.songId} is not in the library (any more)`);
      if (song === 'waiting') return WAITING;
      if (route.clipId === null) return ARRIVED;
      const clip = lookUp(facts.clipsOf(route.songId), route.clipId);
      if (clip === 'no') return elsewhere({ ...route, clipId: null }, `Clip ${route.clipId} is not in this song (any more)`);
      if (clip === 'waiting') return WAITING;
      return facts.editorClipId === route.clipId ? ARRIVED : SELECTING;
    }
    case 'part': {
      const song = lookUp(facts.songs, route.songId);
      if (song === 'no') return elsewhere(LIBRARY_ROUTE, `Song ${route.songId} is not in the library (any more)`);
      if (song === 'waiting') return WAITING;
      const part = lookUp(facts.partsOf(route.songId), route.partId);
      if (part === 'no') return elsewhere({ view: 'library', songId: route.songId }, `Part ${route.partId} is not in this song (any more)`);
      return part === 'waiting' ? WAITING : ARRIVED;
    }
    case 'training': {
      if (route.modelId === null) return ARRIVED;
      const model = lookUp(facts.models, route.modelId);
      if (model === 'no') return elsewhere({ view: 'training', modelId: null }, `Model ${route.modelId} is not in Training (any more)`);
      return model === 'waiting' ? WAITING : ARRIVED;
    }
    case 'takes':
      return takesArrival(route, facts);
    case 'phrases': {
      if (route.modelId === null) return ARRIVED;
      const model = lookUp(facts.phraseModels, route.modelId);
      if (model === 'no') return elsewhere({ view: 'phrases', modelId: null }, `There is no phrase model ${route.modelId} (any more)`);
      return model === 'waiting' ? WAITING : ARRIVED;
    }
    case 'rating': {
      if (route.sessionId === null) return ARRIVED;
      const session = lookUp(facts.sessions, route.sessionId);
      if (session === 'no') return elsewhere({ view: 'rating', sessionId: null }, `There is no listening session ${route.sessionId} (any more)`);
      return session === 'waiting' ? WAITING : ARRIVED;
    }
    case 'rater': {
      const screen = facts.rater(route.raterId);
      if (screen === 'loading') return WAITING;
      if (screen === 'open') return ARRIVED;
      return elsewhere({ view: 'rating', sessionId: null }, `Cannot open listener ${route.raterId}'s screen (${screen.failure})`);
    }
  }
}

function takesArrival(route: Extract<ViewRoute, { view: 'takes' }>, facts: RouteFacts): Arrival {
  const noModel: ViewRoute = { view: 'takes', clipId: null, modelId: null, takeId: null, exporting: false };
  if (route.modelId === null) {
    if (route.clipId === null) return ARRIVED;
    const clip = facts.clipExists(route.clipId);
    if (clip === false) return elsewhere(noModel, `Clip ${route.clipId} is not in the library (any more)`);
    return clip === null ? WAITING : ARRIVED;
  }
  const model = lookUp(facts.models, route.modelId);
  if (model === 'no') return elsewhere(noModel, `Model ${route.modelId} is not in Training (any more)`);
  if (model === 'waiting') return WAITING;
  // The takes must be there before the selection (and an Export dialog over them) can be.
  const takes = facts.takesOf(route.modelId);
  if (takes === 'loading') return WAITING;
  if (route.takeId === null) return ARRIVED;
  if (lookUp(takes, route.takeId) === 'no') {
    return elsewhere({ ...route, takeId: null }, `Take ${route.takeId} is not among model ${route.modelId}'s takes (any more)`);
  }
  return ARRIVED;
}

/** What is selected in the stores, as a route can show it. */
export interface Selection {
  librarySongId: number | null;
  editorClipId: number | null;
  trainingModelId: number | null;
  takesModelId: number | null;
  takeId: number | null;
  exportOpen: boolean;
  sessionId: number | null;
  phraseModelId: number | null;
}

/** The route of what the window shows: `route`'s view with the stores' selection in it. */
export function shownRoute(route: ViewRoute, on: Selection): ViewRoute {
  switch (route.view) {
    case 'library':
      return { view: 'library', songId: on.librarySongId };
    case 'editor':
      return { view: 'editor', songId: route.songId, clipId: on.editorClipId };
    case 'part':
      return route;
    case 'training':
      return { view: 'training', modelId: on.trainingModelId };
    case 'takes': {
      const modelId = on.takesModelId;
      if (modelId === null) return { view: 'takes', clipId: route.clipId, modelId: null, takeId: null, exporting: false };
      return { view: 'takes', clipId: null, modelId, takeId: on.takeId, exporting: on.exportOpen };
    }
    case 'phrases':
      return { view: 'phrases', modelId: on.phraseModelId };
    case 'rating':
      return { view: 'rating', sessionId: on.sessionId };
    case 'rater':
      return route;
  }
}

/**
 * Routes with the same key are one view (a history entry is replaced as its selection
 * changes); a new key is a new entry. A song's editor and a rater's screen are each their own.
 */
export function viewKey(route: ViewRoute): string {
  if (route.view === 'editor') return `editor/${route.songId}`;
  if (route.view === 'rater') return `rater/${route.raterId}`;
  if (route.view === 'part') return `part/${route.songId}/${route.partId}`;
  return route.view;
}
