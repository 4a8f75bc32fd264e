/**
 * The view in the address. The window opens on the view its address names (a reload returns to
 * the same view and selection); what the person selects is written back, replacing the history
 * entry while they stay in a view and adding one when they move to another, so Back and Forward
 * move between views; an address changed by Back, Forward or by hand shows its view anew. An
 * address that names a song, clip, model, take or session that does not exist lands on the
 * nearest valid view with a one-line notice, never on an empty screen.
 *
 * Hash addresses ("#/songs/3") work the same under web mode's http:// and the desktop app's
 * app:// origin, need nothing from the server, and leave the path and query alone (web mode's
 * page key arrives in the query and is taken out of it first, page-session.ts). The grammar is
 * @common/view-route.ts; the decisions are route-arrival.ts.
 *
 * App.svelte calls {@link Router.settle} and {@link Router.writeAddress} from effects and
 * {@link Router.addressChanged} on popstate; the stores reach it as the small shapes below
 * (stores.ts hands the real ones in), so the shell imports no feature.
 */
import { untrack } from 'svelte';
import { hashOf, routeFromHash } from '@common/view-route.js';
import type { AppStore, Route } from './app.svelte.js';
import type { NoticeStore } from './notices.svelte.js';
import { arrivalOf, shownRoute, viewKey, type Known, type RouteFacts, type Selection } from './route-arrival.js';

/** The window's address as the router uses it (the browser's, or a test's). */
export interface AddressBar {
  readonly hash: string;
  /** A new history entry. */
  push(hash: string): void;
  /** The current history entry, rewritten. */
  replace(hash: string): void;
}

export function windowAddress(window: Window): AddressBar {
  return {
    get hash() {
      return window.location.hash;
    },
    push: (hash) => window.history.pushState(null, '', hash),
    replace: (hash) => window.history.replaceState(null, '', hash),
  };
}

type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';
type Identified = { readonly id: number };

/** What the router reads of each store, and the selections it applies on arrival. */
export interface RoutedStores {
  library: {
    readonly status: LoadStatus;
    readonly songs: readonly Identified[];
    readonly selectedSongId: number | null;
    readonly clipsBySong: Readonly<Record<number, readonly Identified[]>>;
    select(songId: number): void;
    loadClips(songId: number): Promise<void>;
  };
  editor: { readonly selectedClip: Identified | null; open(songId: number, clipId: number | null): Promise<void> };
  training: {
    readonly status: LoadStatus;
    readonly models: readonly { readonly id: number; readonly clipId: number | null }[];
    readonly selectedId: number | null;
    select(modelId: number | null): void;
  };
  takes: {
    readonly status: LoadStatus;
    readonly modelId: number | null;
    readonly takes: readonly Identified[];
    readonly selectedId: number | null;
    open(modelId: number | null): Promise<void>;
    select(takeId: number | null): void;
  };
  rating: {
    readonly status: LoadStatus;
    readonly sessions: readonly Identified[];
    readonly selectedId: number | null;
    select(sessionId: number | null): void;
  };
  /** Phrase models (Phrase ideas): the list, and the one open. */
  phrases: {
    readonly status: LoadStatus;
    readonly models: readonly Identified[];
    readonly selectedId: number | null;
    select(modelId: number | null): void;
  };
  rater: { readonly raterId: number | null; readonly status: LoadStatus; readonly error: string | null };
  /** A song's MIDI parts, once the part view has loaded them. */
  parts: { readonly partsBySong: Readonly<Record<number, readonly Identified[] | 'failed'>> };
}

function known(status: LoadStatus, items: readonly Identified[]): Known {
  if (status === 'failed') return 'failed';
  return status === 'ready' ? items.map((item) => item.id) : 'loading';
}

export class Router {
  /**
   * Bumped when the address (Back, Forward, typed) or a correction changes the route: App.svelte
   * keys the view on it, so the view is made anew and arrives at the route's selection.
   */
  visit = $state(0);
  /** The address asked for the Export dialog: App.svelte opens it, then clears this. */
  exportAsked = $state(false);
  /** Whether the Export dialog is open (App.svelte says so), for the address. */
  exportOpen = $state(false);

  /** The route whose selection has been applied: from then on the address follows the stores. */
  #arrivedAt = $state.raw<Route | null>(null);
  #address: AddressBar | null = null;
  /** The address last read or written, and its view. */
  #written: string | null = null;
  #writtenKey: string | null = null;
  /** The route whose selection the router asked a view to make (once per route). */
  #selectingFor: Route | null = null;
  /** The next write replaces the entry: it corrects an address that named nothing. */
  #replaceNext = false;
  /** Songs whose clips were loaded to find a clip an address names. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders from it
  readonly #askedClips = new Set<number>();

  readonly #app: AppStore;
  readonly #notices: NoticeStore;
  readonly #stores: RoutedStores;

  constructor(app: AppStore, notices: NoticeStore, stores: RoutedStores) {
    this.#app = app;
    this.#notices = notices;
    this.#stores = stores;
  }

  /** Opens the view the window's address names (once, before the views arrive). */
  start(address: AddressBar): void {
    this.#address = address;
    this.#read(address.hash);
  }

  /** The address changed without us (Back, Forward, typed): show its view. */
  addressChanged(): void {
    const hash = this.#address?.hash;
    if (hash === undefined || hash === this.#written) return;
    this.#read(hash);
    this.visit += 1;
  }

  /**
   * Arrival: once the stores know enough, applies the route's selection, or moves to the nearest
   * valid view with a notice. Run in an effect: it re-runs as the stores load.
   */
  settle(): void {
    const route = this.#app.route;
    if (this.#arrivedAt === route) return;
    const arrival = arrivalOf(route, this.#facts());
    if (arrival.kind === 'waiting') return;
    if (arrival.kind === 'selecting') {
      // The editor opened the song before its clips were in (a reload races the library's own
      // first load), so it could not select the clip: open it again, once, now that they are.
      if (this.#selectingFor !== route && route.view === 'editor') {
        this.#selectingFor = route;
        untrack(() => void this.#stores.editor.open(route.songId, route.clipId));
      }
      return;
    }
    untrack(() => {
      if (arrival.kind === 'elsewhere') {
        this.#notices.push(arrival.notice, 'info');
        this.#correct(route, arrival.route);
        return;
      }
      this.#select(route);
      this.#arrivedAt = route;
    });
  }

  /** Writes what the window shows into the address. Run in an effect: it follows the selections. */
  writeAddress(): void {
    const address = this.#address;
    if (!address) return;
    const route = this.#app.route;
    const shown = this.#arrivedAt === route ? shownRoute(route, this.#selection()) : route;
    const hash = hashOf(shown);
    const key = viewKey(shown);
    untrack(() => {
      if (hash !== address.hash) {
        if (this.#replaceNext || key === this.#writtenKey) address.replace(hash);
        else address.push(hash);
      }
      this.#replaceNext = false;
      this.#written = hash;
      this.#writtenKey = key;
    });
  }

  #read(hash: string): void {
    const { route, problem } = routeFromHash(hash);
    if (problem !== null) this.#notices.push(problem, 'info');
    this.#written = hash;
    this.#writtenKey = viewKey(route);
    this.#replaceNext = problem !== null;
    // The view is made anew: a dialog open in the old one went with it.
    this.exportAsked = false;
    this.exportOpen = false;
    this.#app.go(route);
  }

  /** Moves from `from`, which names something missing, to `to`, forgetting the stores' stale picks. */
  #correct(from: Route, to: Route): void {
    const { training, takes, rating, phrases } = this.#stores;
    if (from.view === 'training') training.select(null);
    if (from.view === 'phrases') phrases.select(null);
    if (from.view === 'takes' && to.view === 'takes' && from.modelId !== to.modelId) void takes.open(null);
    if (from.view === 'rating') rating.select(null);
    this.#replaceNext = true;
    this.exportOpen = false;
    this.#app.go(to);
    this.visit += 1;
  }

  /** The route's selection, applied to the stores (the views apply theirs on arrival too). */
  #select(route: Route): void {
    const { library, training, takes, rating, phrases } = this.#stores;
    if (route.view === 'library' && route.songId !== null) library.select(route.songId);
    if (route.view === 'phrases' && route.modelId !== null) phrases.select(route.modelId);
    if (route.view === 'training' && route.modelId !== null) training.select(route.modelId);
    if (route.view === 'takes' && route.takeId !== null) takes.select(route.takeId);
    // App.svelte opens the dialog at once; until it closes, the address keeps asking for it.
    if (route.view === 'takes') this.exportAsked = this.exportOpen = route.exporting;
    if (route.view === 'rating' && route.sessionId !== null) rating.select(route.sessionId);
  }

  #selection(): Selection {
    const { library, editor, training, takes, rating, phrases } = this.#stores;
    return {
      librarySongId: library.selectedSongId,
      editorClipId: editor.selectedClip?.id ?? null,
      trainingModelId: training.selectedId,
      takesModelId: takes.modelId,
      takeId: takes.selectedId,
      exportOpen: this.exportOpen,
      sessionId: rating.selectedId,
      phraseModelId: phrases.selectedId,
    };
  }

  #facts(): RouteFacts {
    const { library, editor, training, takes, rating, rater, parts, phrases } = this.#stores;
    const clipsOf = (songId: number): Known => library.clipsBySong[songId]?.map((clip) => clip.id) ?? 'loading';
    return {
      songs: known(library.status, library.songs),
      clipsOf,
      partsOf: (songId) => {
        const songParts = parts.partsBySong[songId];
        if (songParts === undefined) return 'loading';
        return songParts === 'failed' ? 'failed' : songParts.map((part) => part.id);
      },
      editorClipId: editor.selectedClip?.id ?? null,
      clipExists: (clipId) => {
        if (training.models.some((model) => model.clipId === clipId)) return true;
        if (library.status !== 'ready') return library.status === 'failed' ? true : null;
        let unknown = false;
        for (const song of library.songs) {
          const clips = clipsOf(song.id);
          if (clips !== 'loading' && clips !== 'failed' && clips.includes(clipId)) return true;
          if (clips !== 'loading') continue;
          unknown = true;
          if (!this.#askedClips.has(song.id)) {
            this.#askedClips.add(song.id);
            untrack(() => void library.loadClips(song.id));
          }
        }
        return unknown ? null : false;
      },
      models: known(training.status, training.models),
      phraseModels: known(phrases.status, phrases.models),
      takesOf: (modelId) => (takes.modelId === modelId ? known(takes.status, takes.takes) : 'loading'),
      sessions: known(rating.status, rating.sessions),
      rater: (raterId) => {
        if (rater.raterId !== raterId || rater.status === 'loading' || rater.status === 'idle') return 'loading';
        return rater.status === 'failed' ? { failure: rater.error ?? 'it could not be read' } : 'open';
      },
    };
  }
}
