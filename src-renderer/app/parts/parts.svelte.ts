/**
 * MIDI parts as the renderer knows them: each song's parts (the Library lists them with the
 * song), and the one part open on the piano roll with its music and its clips. As in the
 * library store, every change goes through the core and the local copy is replaced with what
 * the core answered; `parts:did-change` (another window, an import, a transcription) reloads
 * what it names. A part's delete is asked about first through the window's Confirmer.
 */
import type { PartClipDto, PartClipPatch, PartDetail, PartDto } from '@common/midi.js';
import { ApiError, errorMessage, type Api } from '../shell/api.js';
import type { Confirmer } from '../shell/confirm.svelte.js';
import type { NoticeStore } from '../shell/notices.svelte.js';

/** What plays: a whole part, or one of its clips. */
export type PartAudioTarget = { partId: number } | { partClipId: number };

function byStartBar(a: PartClipDto, b: PartClipDto): number {
  return a.startBar - b.startBar || a.id - b.id;
}

export class PartsStore {
  /** Per song: its parts once loaded, oldest first, or 'failed' when they could not be read. */
  partsBySong = $state<Record<number, PartDto[] | 'failed'>>({});
  /** The part open on the piano roll, with its music. */
  part = $state.raw<PartDetail | null>(null);
  /** The open part's clips, by start bar. */
  clips = $state<PartClipDto[]>([]);
  status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  loadError = $state<string | null>(null);

  readonly #api: Api;
  readonly #confirm: Confirmer;
  readonly #notices: NoticeStore;
  /** Bumped by every open, so an answer for a part no longer open is dropped. */
  #openVersion = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(api: Api, confirm: Confirmer, notices: NoticeStore) {
    this.#api = api;
    this.#confirm = confirm;
    this.#notices = notices;
  }

  /** Listens for parts made or changed elsewhere (an import, a transcription, another window). */
  init(): void {
    this.#unsubscribe ??= this.#api.on('parts:did-change', ({ songIds, partIds }) => {
      for (const songId of songIds) {
        if (this.partsBySong[songId] !== undefined) void this.loadParts(songId);
      }
      const open = this.part;
      if (open && (partIds.includes(open.id) || songIds.includes(open.songId))) void this.#reloadOpen(open.id);
    });
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** A song's parts as loaded so far (none until they are). */
  partsOf(songId: number): PartDto[] {
    const parts = this.partsBySong[songId];
    return parts === undefined || parts === 'failed' ? [] : parts;
  }

  async loadParts(songId: number): Promise<void> {
    try {
      this.partsBySong[songId] = await this.#api.invoke('parts:list', { songId });
    } catch (error) {
      // A song deleted meanwhile has no parts, and that is no error.
      if (error instanceof ApiError && error.code === 'NOT_FOUND') this.partsBySong[songId] = [];
      else {
        this.partsBySong[songId] = 'failed';
        this.loadError = errorMessage(error);
      }
    }
  }

  /** Opens a part on the piano roll: its music and clips, and its song's list for the router. */
  async open(songId: number, partId: number): Promise<void> {
    const version = ++this.#openVersion;
    this.status = 'loading';
    this.part = null;
    this.clips = [];
    this.loadError = null;
    await Promise.all([this.loadParts(songId), this.#load(partId, version)]);
  }

  async #reloadOpen(partId: number): Promise<void> {
    await this.#load(partId, this.#openVersion);
  }

  async #load(partId: number, version: number): Promise<void> {
    try {
      const [part, clips] = await Promise.all([
        this.#api.invoke('parts:get', { partId }),
        this.#api.invoke('parts:list-clips', { partId }),
      ]);
      if (version !== this.#openVersion) return;
      this.part = part;
      this.clips = clips.toSorted(byStartBar);
      this.status = 'ready';
    } catch (error) {
      if (version !== this.#openVersion) return;
      this.loadError = errorMessage(error);
      this.status = 'failed';
    }
  }

  /** Renames a part; resolves with the error message, or null when it worked. */
  async rename(partId: number, name: string): Promise<string | null> {
    try {
      const renamed = await this.#api.invoke('parts:rename', { partId, name });
      this.#putPart(renamed);
      return null;
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** Deletes a part with its clips once the person said yes; resolves true when it went. */
  async deletePart(part: PartDto): Promise<boolean> {
    const lines = [
      part.clipCount > 0 ? `Its ${part.clipCount === 1 ? 'clip goes' : `${part.clipCount} clips go`} with it.` : 'It has no clips.',
      'The song, its audio and the MIDI file it came from stay. This cannot be undone.',
    ];
    if (!(await this.#confirm.ask({ title: `Delete the part “${part.name}”?`, lines, confirmLabel: 'Delete part' }))) return false;
    try {
      await this.#api.invoke('parts:delete', { partId: part.id });
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return false;
    }
    const listed = this.partsBySong[part.songId];
    if (Array.isArray(listed)) this.partsBySong[part.songId] = listed.filter((p) => p.id !== part.id);
    if (this.part?.id === part.id) {
      this.part = null;
      this.clips = [];
    }
    return true;
  }

  /** Cuts whole bars of the open part into a clip; rejects with the service's ApiError when it refuses. */
  async addClip(startBar: number, lengthBars: number, label: string): Promise<PartClipDto> {
    const part = this.part;
    if (!part) throw new ApiError('NOT_FOUND', 'no part is open');
    const clip = await this.#api.invoke('parts:add-clip', { partId: part.id, startBar, lengthBars, label });
    this.#putClip(clip);
    this.#adjustClipCount(part, +1);
    return clip;
  }

  /** Changes a clip (its label, its bars); rejects with the service's ApiError when it refuses. */
  async updateClip(partClipId: number, patch: PartClipPatch): Promise<PartClipDto> {
    const clip = await this.#api.invoke('parts:update-clip', { partClipId, patch });
    this.#putClip(clip);
    return clip;
  }

  /** Deletes a clip of the open part; its notes stay in the part. Refusals are said in a notice. */
  async deleteClip(partClipId: number): Promise<boolean> {
    try {
      await this.#api.invoke('parts:delete-clip', { partClipId });
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return false;
    }
    this.clips = this.clips.filter((clip) => clip.id !== partClipId);
    if (this.part) this.#adjustClipCount(this.part, -1);
    return true;
  }

  /** Where the renderer plays a part's or a clip's rendered audio from (rendered on first ask). */
  async audioUrl(target: PartAudioTarget): Promise<string> {
    const { media } = await this.#api.invoke('parts:get-audio', target);
    return this.#api.mediaUrl(media);
  }

  #putClip(clip: PartClipDto): void {
    this.clips = [...this.clips.filter((c) => c.id !== clip.id), clip].toSorted(byStartBar);
  }

  #putPart(part: PartDto): void {
    const listed = this.partsBySong[part.songId];
    if (Array.isArray(listed)) this.partsBySong[part.songId] = listed.map((p) => (p.id === part.id ? part : p));
    if (this.part?.id === part.id) this.part = { ...this.part, ...part };
  }

  #adjustClipCount(part: PartDto, delta: number): void {
    const count = (p: PartDto): number => Math.max(0, p.clipCount + delta);
    const listed = this.partsBySong[part.songId];
    if (Array.isArray(listed)) this.partsBySong[part.songId] = listed.map((p) => (p.id === part.id ? { ...p, clipCount: count(p) } : p));
    if (this.part?.id === part.id) this.part = { ...this.part, clipCount: count(this.part) };
  }
}
