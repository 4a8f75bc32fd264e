/**
 * Wires the stores by hand (no container): one API, one set of stores per window. Components
 * receive the stores they present; stores are the only code that calls the API. Features meet
 * here and nowhere else: the editor store gets the library store as its `EditorLibrary`.
 */
import type { Api } from './shell/api.js';
import { AppStore } from './shell/app.svelte.js';
import { EditorStore } from './editor/editor.svelte.js';
import { ExportStore } from './export/export.svelte.js';
import { ImportStore } from './library/imports.svelte.js';
import { LibraryStore } from './library/library.svelte.js';
import { MetricsStore } from './takes/metrics.svelte.js';
import { NoticeStore } from './shell/notices.svelte.js';
import { RaterStore } from './rating/rater.svelte.js';
import { RatingStore } from './rating/rating.svelte.js';
import { TakesStore } from './takes/takes.svelte.js';
import { TrainingStore } from './training/training.svelte.js';

/** Every store of the window. */
export interface Stores {
  app: AppStore;
  library: LibraryStore;
  imports: ImportStore;
  editor: EditorStore;
  training: TrainingStore;
  takes: TakesStore;
  metrics: MetricsStore;
  exports: ExportStore;
  notices: NoticeStore;
  rating: RatingStore;
  rater: RaterStore;
}

/** Creates the stores; `start()` loads the first data and subscribes to events. */
export function createStores(api: Api, notices: NoticeStore = new NoticeStore()): Stores & {
  start(): Promise<void>;
} {
  const app = new AppStore(api);
  const library = new LibraryStore(api);
  const imports = new ImportStore(api, library);
  const editor = new EditorStore(library, notices);
  const training = new TrainingStore(api, notices);
  const metrics = new MetricsStore(api, notices);
  const takes = new TakesStore(api, notices, metrics);
  const exportStore = new ExportStore(api, notices);
  const rating = new RatingStore(api, notices);
  const rater = new RaterStore(api);
  return {
    app,
    library,
    imports,
    editor,
    training,
    takes,
    metrics,
    exports: exportStore,
    notices,
    rating,
    rater,
    async start() {
      imports.init();
      takes.init();
      metrics.init();
      exportStore.init();
      rating.init();
      await Promise.all([app.load(), library.init(), training.init()]);
    },
  };
}
