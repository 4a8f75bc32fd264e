/**
 * MIDI parts as audio the UI can stream: a part (or part clip) rendered once into a 16-bit WAV
 * in the store's playback area, under a key that is a hash of everything the sound depends on —
 * the notes, bends and tempo map, the program and channel, the rate, and the synth and
 * SoundFont versions (synthVersion). The same music plays the cached file; an edited part, a
 * new rate or an upgraded SoundFont is another key and renders afresh. The renderer plays it
 * through the media URL (MediaRef kind `rendered`, by that hash), as it plays an imported file's
 * playback copy. Files are written atomically by the store; concurrent asks for one rendering
 * share it.
 */
import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../../common/errors.js';
import type { PartMusic } from '../../common/midi.js';
import { encodeWav } from '../audio/wav.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { isRenderedKey, renderedKey, sha256Hex, type AudioStore } from '../store/audio-store.js';
import { DEFAULT_SYNTH_RATE, DEFAULT_TAIL_SECONDS } from './render-music.js';
import { synthVersion } from './soundfont.js';
import type { SynthRunner } from './synth-runner.js';

export interface RenderedPlayback {
  /** The rendering's id: the hash its key and media path carry. */
  renderId: string;
  /** The WAV in the store. */
  path: string;
  durationSeconds: number;
  sampleRate: number;
  /** Whether this call rendered it (false: the cached file, or another caller's rendering). */
  rendered: boolean;
}

/** How a part is rendered for playback: its rate, and where its notes stop (a clip's last bar line) when not at its last note. */
export interface PlaybackOptions {
  sampleRate?: number;
  toBeats?: number;
}

/** A part or part clip as the synth is asked to play it (core.ts makes one from the parts feature's music). */
export interface PartSound {
  music: PartMusic & { name: string };
  options: PlaybackOptions;
}

const RENDER_ID = /^[0-9a-f]{64}$/;
/** The playback WAV's header: 16-bit stereo PCM, as encodeWav writes it (44 bytes). */
const WAV_HEADER_BYTES = encodeWav({ sampleRate: DEFAULT_SYNTH_RATE, channels: [new Float32Array(0), new Float32Array(0)] }, { bitDepth: 16 }).length;
const BYTES_PER_FRAME = 4;

export class PartPlayback {
  private readonly inFlight = new Map<string, Promise<RenderedPlayback>>();

  constructor(
    private readonly store: AudioStore,
    private readonly synth: SynthRunner,
  ) {}

  /** The id of `music` rendered so: a hash of what the sound depends on (not the part's name, meter or id). */
  renderIdOf(music: PartMusic, options: PlaybackOptions = {}): string {
    const recipe = {
      synth: synthVersion(),
      sampleRate: options.sampleRate ?? DEFAULT_SYNTH_RATE,
      toBeats: options.toBeats ?? null,
      tailSeconds: DEFAULT_TAIL_SECONDS,
      program: music.program,
      channel: music.channel,
      // Arrays in a fixed field order: the same music hashes the same however its objects were built.
      notes: music.notes.map((note) => [note.pitch, note.startBeats, note.durationBeats, note.velocity]),
      bends: music.bends.map((bend) => [bend.beats, bend.value]),
      tempo: music.tempoMap.map((point) => [point.beats, point.bpm]),
    };
    return sha256Hex(new TextEncoder().encode(JSON.stringify(recipe)));
  }

  /** The playback WAV of `music`, rendered (on the runner's thread) only when the store lacks it. */
  playbackOf(music: PartMusic, options: PlaybackOptions = {}): Promise<RenderedPlayback> {
    const renderId = this.renderIdOf(music, options);
    const running = this.inFlight.get(renderId);
    if (running) return running.then((playback) => ({ ...playback, rendered: false }));
    const job = this.renderOnce(renderId, music, options).finally(() => this.inFlight.delete(renderId));
    this.inFlight.set(renderId, job);
    return job;
  }

  /** The file of a rendering, for the media route; NOT_FOUND for an id that names none. */
  pathOf(renderId: string): string {
    if (!RENDER_ID.test(renderId)) throw new AppError('NOT_FOUND', 'there is no such rendering');
    return this.store.pathOf(renderedKey(renderId));
  }

  /** Writes the playback WAV of `music` to `destination` (atomically), rendering it first when needed. */
  async writeWav(music: PartMusic, destination: string, options: PlaybackOptions = {}): Promise<RenderedPlayback> {
    const playback = await this.playbackOf(music, options);
    await writeFileAtomic(destination, await readFile(playback.path));
    return playback;
  }

  /**
   * Removes the rendered files whose id is not in `keep()` (the renderings of the parts and clips
   * that exist now) and not being rendered: what deleted parts and changed clips left. Returns
   * how many went. Synchronous, for the app's start, before any page holds a URL to one; `keep`
   * reads and hashes every part's music, so it is called only when renderings are there.
   */
  prune(keep: () => ReadonlySet<string>): number {
    const rendered = this.store.keysSync('playback').flatMap((key) => {
      const renderId = renderedIdOf(key);
      return renderId === null ? [] : [{ key, renderId }];
    });
    if (rendered.length === 0) return 0;
    const current = keep();
    const stale = rendered.filter(({ renderId }) => !current.has(renderId) && !this.inFlight.has(renderId));
    for (const { key } of stale) this.store.removeSync(key);
    return stale.length;
  }

  private async renderOnce(renderId: string, music: PartMusic, options: PlaybackOptions): Promise<RenderedPlayback> {
    const sampleRate = options.sampleRate ?? DEFAULT_SYNTH_RATE;
    const key = renderedKey(renderId);
    const path = this.store.pathOf(key);
    let rendered = false;
    if (!(await this.store.has(key))) {
      const { wav } = await this.synth.renderWav(music, { sampleRate, ...(options.toBeats === undefined ? {} : { toBeats: options.toBeats }) });
      rendered = (await this.store.put(key, wav)).created;
    }
    const frames = ((await stat(path)).size - WAV_HEADER_BYTES) / BYTES_PER_FRAME;
    return { renderId, path, durationSeconds: frames / sampleRate, sampleRate, rendered };
  }
}

/** The rendering id in a rendered key (`playback/ab/<id>-rendered.wav`); null for any other key. */
function renderedIdOf(key: string): string | null {
  return isRenderedKey(key) ? (key.split('/')[2]?.slice(0, 64) ?? null) : null;
}
