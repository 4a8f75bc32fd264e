/**
 * The library as the renderer knows it: songs, and the clips of each song it has looked at.
 * Every change goes through the core; the local copy is replaced with what the core answered
 * (never guessed), and `library:did-change` (another window or web client of the same core) triggers a reload.
 */
import type { Clip, ClipDraft, ClipPatch, Song } from '@common/dto.js';
import { errorMessage, type Api } from '../shell/api.js';

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
  /** Per song: bumped by every load and local change, so a stale answer is dropped. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders from it
  readonly #clipVersion = new Map<number, number>();
  #unsubscribe: (() => void) | null = null;

  constructor(api: Api) {
    this.#api = api;
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
      this.loadError = errorMessage(error);
    }
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

  /** Deletes a clip; rejects with the service's ApiError when it refuses. */
  async deleteClip(clip: Clip): Promise<void> {
    await this.#api.invoke('library:delete-clip', { clipId: clip.id });
    this.#bump(clip.songId);
    this.clipsBySong[clip.songId] = this.clipsOf(clip.songId).filter((c) => c.id !== clip.id);
    this.#adjustClipCount(clip.songId, -1);
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
