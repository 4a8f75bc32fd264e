/**
 * Wires the stores by hand (no container): one API, one set of stores per window. Components
 * receive the stores they present; stores are the only code that calls the API. Features meet
 * here and nowhere else: the editor store gets the library store as its `EditorLibrary`.
 */
import type { Api } from './shell/api.js';
import { AppStore } from './shell/app.svelte.js';
import { ConfirmStore } from './shell/confirm.svelte.js';
import { EditorStore } from './editor/editor.svelte.js';
import { ExportStore } from './export/export.svelte.js';
import { ImportStore } from './library/imports.svelte.js';
import { LibraryStore } from './library/library.svelte.js';
import { MetricsStore } from './takes/metrics.svelte.js';
import { NoticeStore } from './shell/notices.svelte.js';
import { PartsStore } from './parts/parts.svelte.js';
import { PhrasesStore } from './phrases/phrases.svelte.js';
import { RaterStore } from './rating/rater.svelte.js';
import { RatingStore } from './rating/rating.svelte.js';
import { Router } from './shell/router.svelte.js';
import { TakesStore } from './takes/takes.svelte.js';
import { TrainingStore } from './training/training.svelte.js';
import { TranscriptionStore } from './transcription/transcription.svelte.js';
import { UndoStore } from './shell/undo.svelte.js';

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
  /** MIDI parts: each song's, and the one on the piano roll. */
  parts: PartsStore;
  /** Phrase ideas: the phrase models, the open one's takes and sliders. */
  phrases: PhrasesStore;
  /** Transcribe to MIDI: each clip's or take's job, and the settings the next one uses. */
  transcription: TranscriptionStore;
  /** The question before something goes for good (a song, a clip with models). */
  confirm: ConfirmStore;
  /** The view in the window's address (Back, Forward, reload). */
  router: Router;
  /** The window's undo history (clip edits, take verdicts). */
  undo: UndoStore;
}

/** Creates the stores; `start()` loads the first data and subscribes to events. */
export function createStores(api: Api, notices: NoticeStore = new NoticeStore()): Stores & {
  start(): Promise<void>;
  resync(): Promise<void>;
} {
  const app = new AppStore(api);
  const confirm = new ConfirmStore();
  const library = new LibraryStore(api, confirm, notices);
  const imports = new ImportStore(api, library);
  const undo = new UndoStore(notices);
  const editor = new EditorStore(library, notices, undo);
  const training = new TrainingStore(api, notices);
  const metrics = new MetricsStore(api, notices);
  const takes = new TakesStore(api, notices, metrics, undo);
  const exportStore = new ExportStore(api, notices);
  const rating = new RatingStore(api, notices);
  const rater = new RaterStore(api);
  const parts = new PartsStore(api, confirm, notices);
  const transcription = new TranscriptionStore(api, notices);
  const phrases = new PhrasesStore(api, confirm, notices, undo);
  const router = new Router(app, notices, { library, editor, training, takes, rating, rater, parts, phrases });
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
    parts,
    phrases,
    transcription,
    confirm,
    router,
    undo,
    async start() {
      imports.init();
      takes.init();
      metrics.init();
      exportStore.init();
      rating.init();
      parts.init();
      transcription.init();
      await Promise.all([app.load(), library.init(), training.init(), phrases.init()]);
    },
    /** After web mode's server came back: reloads what the events missed meanwhile would have changed. */
    async resync() {
      const songIds = Object.keys(library.clipsBySong).map(Number);
      await Promise.all([
        app.load(),
        library.refresh(),
        ...songIds.map((songId) => library.loadClips(songId)),
        ...Object.keys(parts.partsBySong).map((songId) => parts.loadParts(Number(songId))),
        app.route.view === 'part' ? parts.open(app.route.songId, app.route.partId) : undefined,
        training.refresh(),
        takes.refresh(),
        phrases.refresh(),
        phrases.takes.refresh(),
        phrases.partsBySong !== null ? phrases.loadParts() : undefined,
        rating.status === 'ready' ? rating.load() : undefined,
        rater.raterId !== null ? rater.reload() : undefined,
      ]);
    },
  };
}
