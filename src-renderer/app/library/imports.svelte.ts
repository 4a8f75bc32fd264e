/**
 * Imports in progress and their outcome. Files are read in the renderer and sent in requests
 * of at most 100; requests run one at a time, so the core's progress events (which carry the
 * file's index and name, not a request id) can be matched to the import they belong to.
 * A file that failed keeps its one-line reason on screen until the person dismisses it, and so
 * does a file the library holds already (the core left it alone), with the song to open instead.
 */
import type { ImportDuplicate, ImportProgress } from '@common/dto.js';
import { errorMessage, type Api } from '../shell/api.js';
import { batches, readBytes, screenFiles } from './dropped-files.js';
import type { LibraryStore } from './library.svelte.js';

/** Where an import stands. */
export type ImportState = 'queued' | 'running' | 'done' | 'failed';

/** One request's worth of files. */
export interface ImportJob {
  key: number;
  names: string[];
  state: ImportState;
  /** Latest phase reported by the core, or "reading" while the renderer reads the files. */
  phase: ImportProgress['phase'] | 'queued';
  /** File being worked on. */
  current: string;
  /** 0..1 over the whole request. */
  fraction: number;
  imported: number;
  /** One line per file that failed, naming the file. */
  failures: string[];
  /** Files not imported because the library has the same bytes: the song that has them. */
  duplicates: ImportDuplicate[];
}

/** How long a fully successful import stays listed before it tidies itself away. */
const SUCCESS_LINGER_MS = 4000;

export class ImportStore {
  jobs = $state<ImportJob[]>([]);

  /** True while any import is queued or running. */
  busy = $derived(this.jobs.some((job) => job.state === 'queued' || job.state === 'running'));

  readonly #api: Api;
  readonly #library: LibraryStore;
  /** Files waiting to be read, per queued job; bookkeeping, deliberately not reactive. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- nothing renders from it
  readonly #files = new Map<number, File[]>();
  #nextKey = 1;
  #running = false;
  #unsubscribe: (() => void) | null = null;

  constructor(api: Api, library: LibraryStore) {
    this.#api = api;
    this.#library = library;
  }

  init(): void {
    this.#unsubscribe ??= this.#api.on('library:did-import-progress', (progress) =>
      this.#onProgress(progress),
    );
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Queues the files a person dropped or picked. */
  importFiles(files: readonly File[]): void {
    const { accepted, refused } = screenFiles(files);
    if (refused.length > 0) {
      this.jobs.push({
        key: this.#nextKey++,
        names: refused.map((file) => file.name),
        state: 'failed',
        phase: 'failed',
        current: '',
        fraction: 1,
        imported: 0,
        failures: refused.map((file) => file.message),
        duplicates: [],
      });
    }
    for (const batch of batches(accepted)) {
      const key = this.#nextKey++;
      this.#files.set(key, batch);
      this.jobs.push({
        key,
        names: batch.map((file) => file.name),
        state: 'queued',
        phase: 'queued',
        current: batch[0]?.name ?? '',
        fraction: 0,
        imported: 0,
        failures: [],
        duplicates: [],
      });
    }
    void this.#drain();
  }

  dismiss(key: number): void {
    this.jobs = this.jobs.filter((job) => job.key !== key);
  }

  #job(key: number): ImportJob | undefined {
    return this.jobs.find((job) => job.key === key);
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (;;) {
        const next = this.jobs.find((job) => job.state === 'queued');
        if (!next) break;
        await this.#run(next.key);
      }
    } finally {
      this.#running = false;
    }
  }

  async #run(key: number): Promise<void> {
    const files = this.#files.get(key) ?? [];
    this.#files.delete(key);
    const job = this.#job(key);
    if (!job) return;
    job.state = 'running';
    job.phase = 'reading';
    let sources: { name: string; data: Uint8Array<ArrayBuffer> }[];
    try {
      sources = [];
      for (const file of files) {
        job.current = file.name;
        sources.push({ name: file.name, data: await readBytes(file) });
      }
    } catch (error) {
      job.state = 'failed';
      job.phase = 'failed';
      job.failures.push(`${job.current}: could not be read (${errorMessage(error)})`);
      return;
    }
    try {
      const { files: audio, failures, duplicates, parts } = await this.#api.invoke('library:import-files', { files: sources });
      // A MIDI file imports as parts (one per track with notes), not as an audio file.
      const fileOf = (part: (typeof parts)[number]): number => part.midiFileId ?? -part.id;
      const midiFiles = parts.filter((part, index) => parts.findIndex((other) => fileOf(other) === fileOf(part)) === index).length;
      const imported = [...audio, ...parts];
      const current = this.#job(key);
      if (!current) return;
      // Usually heard already as progress events; a file refused before the import began (web
      // mode's upload checks a header as its first bytes arrive) is only in the answer.
      for (const { error } of failures) if (!current.failures.includes(error.message)) current.failures.push(error.message);
      current.imported = audio.length + midiFiles;
      current.duplicates = duplicates;
      current.fraction = 1;
      const nothing = imported.length === 0 && duplicates.length === 0;
      current.state = current.failures.length > 0 || nothing ? 'failed' : 'done';
      current.phase = current.state === 'done' ? 'done' : 'failed';
      if (nothing && current.failures.length === 0) {
        current.failures.push(`${current.names.join(', ')}: nothing was imported`);
      }
      await this.#library.refresh();
      // The song the files went to, or else the one that has them already.
      const first = imported[0] ?? duplicates[0];
      if (first) this.#library.select(first.songId);
      // An import that found files already in the library stays until read (it offers to open them).
      if (current.state === 'done' && duplicates.length === 0) setTimeout(() => this.dismiss(key), SUCCESS_LINGER_MS);
    } catch (error) {
      const current = this.#job(key);
      if (!current) return;
      current.state = 'failed';
      current.phase = 'failed';
      current.fraction = 1;
      const message = errorMessage(error);
      // The core also reports a failed file as a progress event; show its reason once.
      if (!current.failures.includes(message)) current.failures.push(message);
      await this.#library.refresh();
    }
  }

  #onProgress(progress: ImportProgress): void {
    const job = this.jobs.find((j) => j.state === 'running');
    if (!job || job.names.length !== progress.total || job.names[progress.index] !== progress.name) {
      return; // another window's import, or the CLI's
    }
    job.phase = progress.phase;
    job.current = progress.name;
    job.fraction = Math.max(job.fraction, progress.fraction);
    if (progress.phase === 'failed') {
      const reason = progress.error ?? 'could not be imported';
      const line = reason.startsWith(progress.name) ? reason : `${progress.name}: ${reason}`;
      if (!job.failures.includes(line)) job.failures.push(line);
    }
  }
}
