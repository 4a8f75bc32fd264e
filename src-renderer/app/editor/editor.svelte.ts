/**
 * The clip editor's state: which song and file are open, which clip is selected, the label new
 * clips get, zoom and loop. Actions go through the library store (the only path to the core,
 * seen here as {@link EditorLibrary}) and report refusals as notices; each returns whether the core accepted the change, so the
 * waveform can put a dragged region back when it did not. Each accepted cut, change and delete
 * is recorded in the window's undo history, with the library calls that take it back.
 */
import type { AudioFile, Clip, ClipLabel, ClipPatch, ClipSplit, Song } from '@common/dto.js';
import { defaultHole, holeFits } from '@common/clip-geometry.js';
import { MIN_CLIP_SECONDS } from '@common/limits.js';
import { errorMessage } from '../shell/api.js';
import type { NoticeStore } from '../shell/notices.svelte.js';
import type { UndoRecorder } from '../shell/undo.svelte.js';
import { latestFile } from '../ui/song-files.js';
import { describeChange, describeClip, draftOf, inversePatch } from './clip-undo.js';
import type { EditorLibrary } from './ports.js';

/** Zoom slider positions map to pixels per second on a log scale between "fit" and this. */
export const MAX_PX_PER_SEC = 2000;
/** One press of +/− moves the zoom slider by this much (of its 0..1 range). */
export const ZOOM_STEP = 0.08;

/**
 * A clip as undo steps see it. Undoing a delete makes the clip again under a new id (the core
 * numbers clips), so every step about that clip holds this handle, whose id follows it.
 */
interface ClipHandle {
  id: number;
}

export class EditorStore {
  readonly #library: EditorLibrary;
  readonly #notices: NoticeStore;
  readonly #history: UndoRecorder;
  /** The handle of each clip id an undo step has seen (a re-made clip's new id joins its old handle). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders from it
  readonly #handles = new Map<number, ClipHandle>();

  songId = $state<number | null>(null);
  fileId = $state<number | null>(null);
  selectedClipId = $state<number | null>(null);
  /** Label given to a clip cut by dragging on the waveform. */
  defaultLabel = $state<ClipLabel>('U');
  /** Zoom slider position, 0 (whole file fits) .. 1 ({@link MAX_PX_PER_SEC}). */
  zoom = $state(0);
  looping = $state(false);
  /** Clip ids with a change on its way to the core (their controls show as busy). */
  saving = $state<number[]>([]);

  // Getters rather than $derived fields: they read the library passed to the constructor,
  // which class field initialisers cannot see. Each is a cheap lookup over reactive state.

  /** The open song, or null (none opened, or it was removed meanwhile). */
  get song(): Song | null {
    return this.songId === null ? null : (this.#library.song(this.songId) ?? null);
  }

  /** The file shown: the chosen one, else the song's most recent. */
  get file(): AudioFile | null {
    const song = this.song;
    if (!song) return null;
    return song.files.find((file) => file.id === this.fileId) ?? latestFile(song) ?? null;
  }

  /** Clips on the shown file, in timeline order. */
  get clips(): Clip[] {
    const { song, file } = this;
    if (!song || !file) return [];
    return this.#library.clipsOf(song.id).filter((clip) => clip.fileId === file.id);
  }

  get selectedClip(): Clip | null {
    return this.clips.find((clip) => clip.id === this.selectedClipId) ?? null;
  }

  constructor(library: EditorLibrary, notices: NoticeStore, history: UndoRecorder) {
    this.#library = library;
    this.#notices = notices;
    this.#history = history;
  }

  /** Opens a song at its most recent file, with `clipId` (or nothing) selected. */
  async open(songId: number, clipId: number | null = null): Promise<void> {
    if (this.songId !== songId) {
      this.zoom = 0;
      this.looping = false;
    }
    this.songId = songId;
    const song = this.#library.song(songId);
    this.fileId = song ? (latestFile(song)?.id ?? null) : null;
    this.selectedClipId = null;
    await this.#library.loadClips(songId);
    if (clipId === null || this.songId !== songId) return;
    const clip = this.#library.clipsOf(songId).find((c) => c.id === clipId);
    if (clip) {
      this.fileId = clip.fileId;
      this.selectedClipId = clip.id;
    }
  }

  chooseFile(fileId: number): void {
    this.fileId = fileId;
    this.selectedClipId = null;
  }

  select(clipId: number | null): void {
    this.selectedClipId = clipId;
    if (clipId === null) this.looping = false;
  }

  /** Selects the next (+1) or previous (−1) clip along the timeline. */
  step(direction: 1 | -1): void {
    const clips = this.clips;
    if (clips.length === 0) return;
    const index = clips.findIndex((clip) => clip.id === this.selectedClipId);
    const next = index < 0 ? (direction > 0 ? 0 : clips.length - 1) : index + direction;
    const clip = clips[Math.min(clips.length - 1, Math.max(0, next))];
    if (clip) this.select(clip.id);
  }

  /** Cuts a new clip with the default label; true when the core accepted it. */
  async createClip(start: number, end: number): Promise<boolean> {
    const { song, file } = this;
    if (!song || !file) return false;
    try {
      const clip = await this.#library.addClip({
        songId: song.id,
        fileId: file.id,
        start,
        end,
        label: this.defaultLabel,
      });
      this.selectedClipId = clip.id;
      const handle = this.#handle(clip.id);
      this.#history.record({
        label: `cut ${describeClip(clip)}`,
        undo: () => this.#remove(handle, clip),
        redo: () => this.#restore(handle, clip),
      });
      return true;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return false;
    }
  }

  /**
   * Moves or resizes a clip. A gap clip's hole moves with it when the clip is dragged, and is
   * put back in the middle third when a resize would leave it outside.
   */
  async moveClip(clipId: number, start: number, end: number): Promise<boolean> {
    const clip = this.clips.find((c) => c.id === clipId);
    if (!clip) return false;
    const patch: ClipPatch = { start, end };
    if (clip.label === 'gap' && clip.holeStart !== null && clip.holeEnd !== null) {
      const moved = Math.abs(end - start - (clip.end - clip.start)) < 1e-6;
      const shift = start - clip.start;
      const holeStart = moved ? clip.holeStart + shift : clip.holeStart;
      const holeEnd = moved ? clip.holeEnd + shift : clip.holeEnd;
      Object.assign(patch, holeFits(start, end, holeStart, holeEnd) ? { holeStart, holeEnd } : defaultHole(start, end));
    }
    return this.#update(clip, patch);
  }

  /** Sets a gap clip's hole; true when the core accepted it. */
  async setHole(clipId: number, holeStart: number, holeEnd: number): Promise<boolean> {
    const clip = this.clips.find((c) => c.id === clipId);
    if (!clip) return false;
    return this.#update(clip, { holeStart, holeEnd });
  }

  /** Labels the selected clip, or sets the label for new clips when none is selected. */
  async setLabel(label: ClipLabel): Promise<boolean> {
    const clip = this.selectedClip;
    if (!clip) {
      this.defaultLabel = label;
      return true;
    }
    if (clip.label === label) return true;
    const patch: ClipPatch =
      label === 'gap'
        ? { label, ...defaultHole(clip.start, clip.end) }
        : { label, holeStart: null, holeEnd: null };
    return this.#update(clip, patch);
  }

  async setSplit(split: ClipSplit): Promise<boolean> {
    const clip = this.selectedClip;
    if (!clip || clip.split === split) return true;
    return this.#update(clip, { split });
  }

  async setNotes(clipId: number, notes: string): Promise<boolean> {
    const clip = this.clips.find((c) => c.id === clipId);
    if (!clip || clip.notes === notes) return true;
    return this.#update(clip, { notes });
  }

  /** Sets start/end from typed values. */
  async setBounds(clipId: number, start: number, end: number): Promise<boolean> {
    if (end - start < MIN_CLIP_SECONDS) {
      this.#notices.push(`A clip must be at least ${MIN_CLIP_SECONDS} s long; this one would be ${(end - start).toFixed(3)} s`);
      return false;
    }
    return this.moveClip(clipId, start, end);
  }

  async deleteSelected(): Promise<boolean> {
    const clip = this.selectedClip;
    if (!clip) return false;
    const index = this.clips.findIndex((c) => c.id === clip.id);
    try {
      // False: the clip had models and the person kept it (the library store asked).
      if (!(await this.#library.deleteClip(clip))) return false;
      const next = this.clips[Math.min(index, this.clips.length - 1)];
      this.select(next ? next.id : null);
      const handle = this.#handle(clip.id);
      this.#history.record({
        label: `delete ${describeClip(clip)}`,
        undo: () => this.#restore(handle, clip),
        redo: () => this.#remove(handle, clip),
      });
      return true;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return false;
    }
  }

  toggleLoop(): void {
    this.looping = this.selectedClip ? !this.looping : false;
  }

  zoomBy(steps: number): void {
    this.zoom = Math.min(1, Math.max(0, this.zoom + steps * ZOOM_STEP));
  }

  async #update(clip: Clip, patch: ClipPatch): Promise<boolean> {
    try {
      await this.#patch(clip.id, patch);
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return false;
    }
    const handle = this.#handle(clip.id);
    const inverse = inversePatch(clip, patch);
    this.#history.record({
      label: describeChange(clip, patch),
      undo: () => this.#patch(handle.id, inverse).then(() => true),
      redo: () => this.#patch(handle.id, patch).then(() => true),
    });
    return true;
  }

  /** Sends a change to the core, the clip marked as saving meanwhile; rejects when the core refuses. */
  async #patch(clipId: number, patch: ClipPatch): Promise<void> {
    this.saving = [...this.saving, clipId];
    try {
      await this.#library.updateClip(clipId, patch);
    } finally {
      const index = this.saving.indexOf(clipId);
      if (index >= 0) this.saving = this.saving.toSpliced(index, 1);
    }
  }

  #handle(clipId: number): ClipHandle {
    const known = this.#handles.get(clipId);
    if (known) return known;
    const handle = { id: clipId };
    this.#handles.set(clipId, handle);
    return handle;
  }

  /**
   * Makes a clip again as `clip` was (an undone delete, a redone cut), under the new id the
   * core gives it, and selects it when its song is open.
   */
  async #restore(handle: ClipHandle, clip: Clip): Promise<boolean> {
    const made = await this.#library.addClip(draftOf(clip));
    handle.id = made.id;
    this.#handles.set(made.id, handle);
    if (this.songId === made.songId) {
      this.fileId = made.fileId;
      this.selectedClipId = made.id;
    }
    return true;
  }

  /**
   * Deletes the clip a handle names now (an undone cut, a redone delete); false when it has
   * models since and the person kept it (the library store asks).
   */
  async #remove(handle: ClipHandle, clip: Clip): Promise<boolean> {
    if (!(await this.#library.deleteClip({ ...clip, id: handle.id }))) return false;
    if (this.selectedClipId === handle.id) this.select(null);
    return true;
  }
}
