/**
 * The library as the renderer knows it: songs, and the clips of each song it has looked at.
 * Every change goes through the core; the local copy is replaced with what the core answered
 * (never guessed), and `library:did-change` (another window or web client of the same core) triggers a reload.
 * A delete that takes work with it (a song; a clip with models) is asked about first, in the
 * words of common/deletion.ts, through the window's Confirmer.
 */
import { describeDeletion, takesWorkAlong, type DeletionSummary } from '@common/deletion.js';
import type { Clip, ClipDraft, ClipPatch, Song } from '@common/dto.js';
import type { MusicalTimePatch } from '@common/musical-time.js';
import { ApiError, errorMessage, type Api } from '../shell/api.js';
import type { ConfirmRequest, Confirmer } from '../shell/confirm.svelte.js';
import type { NoticeStore } from '../shell/notices.svelte.js';

/** Clips in the order a timeline shows them. */
function byStart(a: Clip, b: Clip): number {
  return a.start - b.start || a.id - b.id;
}

export class LibraryStore {
  songs = $state<Song[]>([]);
  status = $state<'loading' | 'ready' | 'failed'>('loading');
  loadError = $state<string | null>(null);
  selectedSongId = $state<number | null>(null);
  /** Clips per song id, for songs whose clips have been loaded. */
  clipsBySong = $state<Record<number, Clip[]>>({});

  selectedSong = $derived(this.songs.find((song) => song.id === this.selectedSongId) ?? null);

  readonly #api: Api;
  readonly #confirm: Confirmer;
  readonly #notices: NoticeStore;
  /** Per song: bumped by every load and local change, so a stale answer is dropped. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders from it
  readonly #clipVersion = new Map<number, number>();
  #unsubscribe: (() => void) | null = null;

  constructor(api: Api, confirm: Confirmer, notices: NoticeStore) {
    this.#api = api;
    this.#confirm = confirm;
    this.#notices = notices;
  }

  /** Loads the songs and starts listening for changes made elsewhere. */
  async init(): Promise<void> {
    this.#unsubscribe ??= this.#api.on('library:did-change', ({ songIds }) => {
      void this.refresh();
      for (const songId of songIds) {
        if (this.clipsBySong[songId] !== undefined) void this.loadClips(songId);
      }
    });
    await this.refresh();
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async refresh(): Promise<void> {
    try {
      const songs = await this.#api.invoke('library:list-songs', {});
      this.songs = songs;
      this.status = 'ready';
      this.loadError = null;
      for (const songId of Object.keys(this.clipsBySong).map(Number)) {
        if (!songs.some((song) => song.id === songId)) this.#forgetClips(songId);
      }
      if (this.selectedSongId !== null && !songs.some((song) => song.id === this.selectedSongId)) {
        this.selectedSongId = null;
      }
      if (this.selectedSongId === null && songs.length > 0) {
        const newest = songs.reduce((a, b) => (b.id > a.id ? b : a));
        this.select(newest.id);
      }
    } catch (error) {
      this.loadError = errorMessage(error);
      if (this.status === 'loading') this.status = 'failed';
    }
  }

  select(songId: number): void {
    this.selectedSongId = songId;
    if (this.clipsBySong[songId] === undefined) void this.loadClips(songId);
  }

  song(songId: number): Song | undefined {
    return this.songs.find((song) => song.id === songId);
  }

  /** Where the renderer can load a file's playback audio from. */
  mediaUrl(fileId: number): string {
    return this.#api.mediaUrl({ kind: 'file', fileId });
  }

  clipsOf(songId: number): Clip[] {
    return this.clipsBySong[songId] ?? [];
  }

  async loadClips(songId: number): Promise<void> {
    const version = this.#bump(songId);
    try {
      const clips = await this.#api.invoke('library:list-clips', { songId });
      if (this.#clipVersion.get(songId) !== version) return;
      this.clipsBySong[songId] = clips.toSorted(byStart);
    } catch (error) {
      if (this.#clipVersion.get(songId) !== version) return;
      // A song deleted meanwhile (here or elsewhere) has no clips to show, and that is no error.
      if (error instanceof ApiError && error.code === 'NOT_FOUND') this.#forgetClips(songId);
      else this.loadError = errorMessage(error);
    }
  }

  /**
   * Deletes a song once the person confirmed what goes with it (its files, clips, their models
   * and takes); resolves true when it went, false when they kept it or the core refused (said
   * in a notice).
   */
  async deleteSong(songId: number): Promise<boolean> {
    try {
      const summary = await this.#api.invoke('library:describe-deletion', { kind: 'song', songId });
      if (!(await this.#confirm.ask(confirmation(summary, 'Delete song')))) return false;
      await this.#api.invoke('library:delete-song', { songId });
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return false;
    }
    this.songs = this.songs.filter((song) => song.id !== songId);
    this.#forgetClips(songId);
    if (this.selectedSongId === songId) this.selectedSongId = null;
    await this.refresh();
    return true;
  }

  /** Renames a song; resolves with the error message, or null when it worked. */
  async renameSong(songId: number, name: string): Promise<string | null> {
    try {
      const song = await this.#api.invoke('library:rename-song', { songId, name });
      this.#putSong(song);
      return null;
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** Sets a song's tempo, signature, bar 1 or key; rejects with the service's ApiError when it refuses. */
  async setMusicalTime(songId: number, patch: MusicalTimePatch): Promise<Song> {
    const song = await this.#api.invoke('library:set-musical-time', { songId, patch });
    this.#putSong(song);
    return song;
  }

  /** Creates a clip; rejects with the service's ApiError when it refuses. */
  async addClip(draft: ClipDraft): Promise<Clip> {
    const clip = await this.#api.invoke('library:add-clip', draft);
    this.#putClip(clip);
    this.#adjustClipCount(clip.songId, +1);
    return clip;
  }

  /** Changes a clip; rejects with the service's ApiError when it refuses. */
  async updateClip(clipId: number, patch: ClipPatch): Promise<Clip> {
    const clip = await this.#api.invoke('library:update-clip', { clipId, patch });
    this.#putClip(clip);
    return clip;
  }

  /**
   * Deletes a clip. One with models (which go with it, with their takes) is asked about first:
   * resolves false when the person keeps it. Rejects with the service's ApiError when it refuses.
   */
  async deleteClip(clip: Clip): Promise<boolean> {
    const summary = await this.#api.invoke('library:describe-deletion', { kind: 'clip', clipId: clip.id });
    const withModels = takesWorkAlong(summary);
    if ((withModels || summary.blockers.length > 0) && !(await this.#confirm.ask(confirmation(summary, 'Delete clip')))) return false;
    await this.#api.invoke('library:delete-clip', { clipId: clip.id, ...(withModels ? { withModels } : {}) });
    this.#bump(clip.songId);
    this.clipsBySong[clip.songId] = this.clipsOf(clip.songId).filter((c) => c.id !== clip.id);
    this.#adjustClipCount(clip.songId, -1);
    return true;
  }

  #forgetClips(songId: number): void {
    this.#bump(songId);
    delete this.clipsBySong[songId];
  }

  #bump(songId: number): number {
    const version = (this.#clipVersion.get(songId) ?? 0) + 1;
    this.#clipVersion.set(songId, version);
    return version;
  }

  #putClip(clip: Clip): void {
    this.#bump(clip.songId);
    const others = this.clipsOf(clip.songId).filter((c) => c.id !== clip.id);
    this.clipsBySong[clip.songId] = [...others, clip].toSorted(byStart);
  }

  #putSong(song: Song): void {
    this.songs = this.songs.map((s) => (s.id === song.id ? song : s));
  }

  #adjustClipCount(songId: number, delta: number): void {
    this.songs = this.songs.map((s) =>
      s.id === songId ? { ...s, clipCount: Math.max(0, s.clipCount + delta) } : s,
    );
  }
}

/** The question before a delete, in common/deletion.ts's words. */
function confirmation(summary: DeletionSummary, confirmLabel: string): ConfirmRequest {
  const words = describeDeletion(summary);
  const undo = summary.target.kind === 'clip' ? ['Undo brings back the clip, not its models or takes.'] : ['This cannot be undone.'];
  return {
    title: words.question,
    lines: [words.goes, ...(words.stays === null ? [] : [words.stays]), ...undo],
    confirmLabel,
    blocked: words.blocked,
  };
}
