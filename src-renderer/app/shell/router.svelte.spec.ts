import { describe, expect, it } from '@jest/globals';
import { AppStore } from './app.svelte.js';
import { NoticeStore } from './notices.svelte.js';
import { Router, type AddressBar, type RoutedStores } from './router.svelte.js';
import { fakeApi, FakeBridge } from '../testing/fake-bridge.js';

/** An address bar that records what the router did to the history. */
class FakeAddress implements AddressBar {
  readonly log: string[] = [];
  constructor(public hash: string) {}
  push(hash: string): void {
    this.log.push(`push ${hash}`);
    this.hash = hash;
  }
  replace(hash: string): void {
    this.log.push(`replace ${hash}`);
    this.hash = hash;
  }
}

/** Stores as the router sees them: song 3 (clips 5, 6), models 7 and 9 (takes 40, 41 of 7), session 2. */
function fakeStores() {
  const takesOpened: (number | null)[] = [];
  const editorOpened: [number, number | null][] = [];
  const stores = {
    takesOpened,
    editorOpened,
    library: {
      status: 'ready' as const,
      songs: [{ id: 3 }],
      selectedSongId: null as number | null,
      clipsBySong: { 3: [{ id: 5 }, { id: 6 }] },
      select(songId: number) {
        stores.library.selectedSongId = songId;
      },
      loadClips: async () => undefined,
    },
    editor: {
      selectedClip: null as { id: number } | null,
      async open(songId: number, clipId: number | null) {
        editorOpened.push([songId, clipId]);
        stores.editor.selectedClip = clipId === null ? null : { id: clipId };
      },
    },
    training: {
      status: 'loading' as 'loading' | 'ready',
      models: [] as { id: number; clipId: number | null }[],
      selectedId: null as number | null,
      select(modelId: number | null) {
        stores.training.selectedId = modelId;
      },
    },
    takes: {
      status: 'ready' as const,
      modelId: null as number | null,
      takes: [] as { id: number }[],
      selectedId: null as number | null,
      async open(modelId: number | null) {
        takesOpened.push(modelId);
        stores.takes.modelId = modelId;
        stores.takes.takes = modelId === 7 ? [{ id: 40 }, { id: 41 }] : [];
        stores.takes.selectedId = stores.takes.takes[0]?.id ?? null;
      },
      select(takeId: number | null) {
        stores.takes.selectedId = takeId;
      },
    },
    rating: {
      status: 'ready' as const,
      sessions: [{ id: 2 }],
      selectedId: null as number | null,
      select(sessionId: number | null) {
        stores.rating.selectedId = sessionId;
      },
    },
    phrases: {
      status: 'ready' as const,
      models: [{ id: 11 }],
      selectedId: null as number | null,
      select(modelId: number | null) {
        stores.phrases.selectedId = modelId;
      },
    },
    rater: { raterId: null, status: 'idle' as const, error: null },
    parts: { partsBySong: {} as Record<number, { id: number }[] | 'failed'> },
  };
  return stores satisfies RoutedStores;
}

function setup(hash: string) {
  const app = new AppStore(fakeApi(new FakeBridge()));
  const notices = new NoticeStore();
  const stores = fakeStores();
  const router = new Router(app, notices, stores);
  const address = new FakeAddress(hash);
  router.start(address);
  const loadModels = (): void => {
    stores.training.models = [
      { id: 7, clipId: 5 },
      { id: 9, clipId: 6 },
    ];
    stores.training.status = 'ready';
  };
  /** What App.svelte's effects do after each change. */
  const run = (): void => {
    router.settle();
    router.writeAddress();
  };
  return { app, notices, stores, router, address, loadModels, run };
}

describe('Router', () => {
  it('opens the view its address names and keeps that address while the stores load', () => {
    const { app, address, stores, loadModels, run } = setup('#/training/models/7');
    expect(app.route).toEqual({ view: 'training', modelId: 7 });
    run();
    // Nothing is selected yet: the address still asks for model 7 rather than losing it.
    expect(address.log).toEqual([]);
    loadModels();
    run();
    expect(stores.training.selectedId).toBe(7);
    expect(address.log).toEqual([]);
  });

  it('replaces the entry as the selection changes within a view, and adds one for another view', () => {
    const { app, address, stores, loadModels, run } = setup('#/training/models/7');
    loadModels();
    run();
    stores.training.select(9);
    run();
    app.openTakes({ modelId: 9 });
    run();
    void stores.takes.open(9);
    run();
    app.openEditor(3, 5);
    run();
    stores.editor.selectedClip = { id: 5 }; // the editor opens the song, then selects the clip
    run();
    stores.editor.selectedClip = { id: 6 };
    run();
    expect(address.log).toEqual([
      'replace #/training/models/9',
      'push #/takes/models/9',
      'push #/songs/3/clips/5',
      'replace #/songs/3/clips/6',
    ]);
  });

  it('shows the view of an address changed by Back or by hand, made anew, without writing', () => {
    const { app, address, router, stores, loadModels, run } = setup('#/training/models/7');
    loadModels();
    run();
    app.openEditor(3, 5);
    run();
    stores.editor.selectedClip = { id: 5 };
    run();
    const visit = router.visit;
    address.hash = '#/training/models/9';
    router.addressChanged();
    expect(app.route).toEqual({ view: 'training', modelId: 9 });
    expect(router.visit).toBe(visit + 1);
    run();
    expect(address.log).toEqual(['push #/songs/3/clips/5']);
    // Its own writes are not changes.
    router.addressChanged();
    expect(router.visit).toBe(visit + 1);
  });

  it('lands an id that names nothing on the nearest view with a notice, replacing the bad entry', () => {
    const { app, address, notices, router, stores, loadModels, run } = setup('#/training/models/99');
    stores.training.selectedId = 99; // what the view asked for on arrival
    loadModels();
    run();
    expect(notices.items.map((item) => [item.kind, item.message])).toEqual([['info', 'Model 99 is not in Training (any more): showing Training.']]);
    expect(app.route).toEqual({ view: 'training', modelId: null });
    expect(stores.training.selectedId).toBeNull();
    expect(router.visit).toBe(1);
    run();
    expect(address.log).toEqual(['replace #/training']);
  });

  it("opens an address's phrase model, follows the open one, and lands a missing one on Phrase ideas", () => {
    const { app, address, notices, stores, run } = setup('#/phrases/models/11');
    run();
    expect(stores.phrases.selectedId).toBe(11);
    stores.phrases.select(null); // "Teach a new one"
    run();
    app.openTraining();
    run();
    expect(notices.items).toEqual([]);
    expect(address.log).toEqual(['replace #/phrases', 'push #/training']);

    const missing = setup('#/phrases/models/12');
    missing.run();
    expect(missing.notices.items.map((item) => item.message)).toEqual(['There is no phrase model 12 (any more): showing Phrase ideas.']);
    expect(missing.app.route).toEqual({ view: 'phrases', modelId: null });
    missing.run();
    expect(missing.address.log).toEqual(['replace #/phrases']);
  });

  it('says what of an address it did not understand, and replaces it with the view it shows', () => {
    const { app, address, notices, run } = setup('#/songs/3/clips/five');
    expect(app.route).toEqual({ view: 'editor', songId: 3, clipId: null });
    expect(notices.items.map((item) => item.message)).toEqual(['Eureka has no page at "#/songs/3/clips/five": showing the song instead.']);
    run();
    expect(address.log).toEqual(['replace #/songs/3']);
  });

  it("selects an address's take and asks for its Export dialog once the model's takes are there", async () => {
    const { address, router, stores, loadModels, run } = setup('#/takes/models/7/takes/41/export');
    loadModels();
    run();
    expect(router.exportAsked).toBe(false);
    await stores.takes.open(7); // the Takes view opens the route's model on arrival
    run();
    expect(stores.takes.selectedId).toBe(41);
    expect([router.exportAsked, router.exportOpen]).toEqual([true, true]);
    router.exportAsked = false; // App.svelte opens the dialog
    run();
    expect(address.log).toEqual([]);
    router.exportOpen = false;
    run();
    expect(address.log).toEqual(['replace #/takes/models/7/takes/41']);
  });

  it("selects the address's clip itself, once, when the editor could not (its clips came in late)", () => {
    const { address, stores, run } = setup('#/songs/3/clips/6');
    run();
    run();
    expect(stores.editorOpened).toEqual([[3, 6]]);
    expect(stores.editor.selectedClip).toEqual({ id: 6 });
    expect(address.log).toEqual([]);
  });

  it('closes a model that is gone before showing Takes without it', async () => {
    const { app, stores, loadModels, run } = setup('#/takes/models/99');
    await stores.takes.open(99);
    loadModels();
    run();
    expect(app.route).toEqual({ view: 'takes', clipId: null, modelId: null, takeId: null, exporting: false });
    expect(stores.takesOpened).toEqual([99, null]);
  });
});
