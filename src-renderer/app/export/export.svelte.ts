/**
 * Exports as the renderer knows them: the defaults the Export dialog opens with (remembered by
 * the core), the one export running from this window with its progress, and its result or
 * failure; plus the desktop app's extras: the system folder picker, "Reveal in Finder" and
 * dragging a take out into a DAW (web mode has none of them, and the dialog says so). The form
 * values of the last export are kept for the window's life, so the dialog reopens as it was.
 */
import type { ExportDefaults, ExportProgressEvent, ExportResult } from '@common/export.js';
import type { PartClipDto, PartDto } from '@common/midi.js';
import { errorMessage, type Api } from '../shell/api.js';
import { exportFormErrors, toExportRequest, type ExportFormValues } from './export-form.js';
import type { NoticeStore } from '../shell/notices.svelte.js';

/** A folder "Reveal" was asked for, and what the host did. */
export interface RevealedFolder {
  folder: string;
  /** True when Finder / Explorer showed it; false in web mode, where only the path is shown. */
  revealed: boolean;
  path: string;
}

export class ExportStore {
  defaults = $state<ExportDefaults | null>(null);
  defaultsError = $state<string | null>(null);
  status = $state<'idle' | 'exporting' | 'done' | 'failed'>('idle');
  /** The running export's latest progress. */
  progress = $state<ExportProgressEvent | null>(null);
  result = $state<ExportResult | null>(null);
  error = $state<string | null>(null);
  /** The form as it was last sent (the dialog reopens with these choices) … */
  lastValues = $state<Partial<ExportFormValues>>({});
  /** … and the song it was for (its name and tempo carry over only within that song). */
  lastSongId = $state<number | null>(null);
  /** The last folder "Reveal" answered for. */
  revealed = $state<RevealedFolder | null>(null);
  choosingFolder = $state(false);
  /** The song's MIDI parts and part clips, for the dialog's "MIDI parts" list. */
  parts = $state<PartDto[]>([]);
  partClips = $state<PartClipDto[]>([]);

  readonly #api: Api;
  readonly #notices: NoticeStore;
  readonly #canDrag: boolean;
  #unsubscribe: (() => void) | null = null;
  /** The id the running export's progress events carry. */
  #exportId: string | null = null;
  #exportCount = 0;

  constructor(api: Api, notices: NoticeStore) {
    this.#api = api;
    this.#notices = notices;
    this.#canDrag = api.startDrag !== undefined;
  }

  /** Whether takes can be dragged out of this window (the desktop app). */
  get canDrag(): boolean {
    return this.#canDrag;
  }

  init(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#api.on('export:did-progress', (event) => {
      if (event.exportId === this.#exportId && this.status === 'exporting') this.progress = event;
    });
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Loads what the dialog opens with (again each time: the remembered folder may have changed). */
  async loadDefaults(): Promise<ExportDefaults | null> {
    try {
      this.defaults = await this.#api.invoke('export:get-defaults', {});
      this.defaultsError = null;
    } catch (error) {
      this.defaultsError = errorMessage(error);
    }
    return this.defaults;
  }

  /** Loads the song's parts and part clips (none without a song; a failure is a notice and an empty list). */
  async loadParts(songId: number | null): Promise<void> {
    if (songId === null) {
      [this.parts, this.partClips] = [[], []];
      return;
    }
    try {
      const [parts, clips] = await Promise.all([
        this.#api.invoke('parts:list', { songId }),
        this.#api.invoke('parts:list-clips', { songId }),
      ]);
      [this.parts, this.partClips] = [parts, clips];
    } catch (error) {
      [this.parts, this.partClips] = [[], []];
      this.#notices.push(`Cannot list the song's MIDI parts: ${errorMessage(error)}`);
    }
  }

  /** Forgets the last export's result or failure (the dialog opens on a fresh form). */
  clearResult(): void {
    if (this.status === 'exporting') return;
    this.status = 'idle';
    this.result = null;
    this.error = null;
    this.progress = null;
    this.revealed = null;
  }

  /** The system folder picker (the app); the folder chosen, or null when cancelled or refused. */
  async chooseFolder(): Promise<string | null> {
    if (this.choosingFolder) return null;
    this.choosingFolder = true;
    try {
      const { folder } = await this.#api.invoke('export:choose-folder', {});
      return folder;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return null;
    } finally {
      this.choosingFolder = false;
    }
  }

  /** Runs an export of a song's takes; resolves with whether it wrote its folders. One at a time per window. */
  async run(values: ExportFormValues, songId: number | null): Promise<boolean> {
    if (this.status === 'exporting' || Object.keys(exportFormErrors(values)).length > 0) return false;
    const exportId = `ui-${Date.now().toString(36)}-${++this.#exportCount}`;
    this.#exportId = exportId;
    this.status = 'exporting';
    this.progress = null;
    this.result = null;
    this.error = null;
    this.revealed = null;
    this.lastValues = { ...values, takeIds: [], partIds: [], partClipIds: [], phraseTakeIds: [] };
    this.lastSongId = songId;
    try {
      this.result = await this.#api.invoke('export:takes', toExportRequest(values, exportId));
      this.status = 'done';
      return true;
    } catch (error) {
      this.error = errorMessage(error);
      this.status = 'failed';
      return false;
    } finally {
      this.#exportId = null;
    }
  }

  /** Shows an exported folder in Finder / Explorer (web mode: its path, to open by hand). */
  /** Web mode: where the browser downloads an exported folder as a .zip; null in the app. */
  downloadUrl(folder: string): string | null {
    return this.#api.exportDownloadUrl(folder);
  }

  async reveal(folder: string): Promise<void> {
    try {
      this.revealed = { folder, ...(await this.#api.invoke('export:reveal', { folder })) };
    } catch (error) {
      this.#notices.push(errorMessage(error));
    }
  }

  /** Starts dragging a take's file out of the window (the app only; a refusal becomes a notice). */
  startDrag(takeId: number): void {
    const start = this.#api.startDrag;
    if (!start) return;
    start(takeId).catch((error: unknown) => this.#notices.push(errorMessage(error)));
  }
}
