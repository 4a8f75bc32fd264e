/**
 * The shell's state: which view is showing and what to select on arrival (the router, router.svelte.ts,
 * keeps it in the window's address), and what the host said about itself, including where
 * training will run.
 */
import type { AppInfo } from '@common/ipc-contract.js';
import type { ViewRoute } from '@common/view-route.js';
import { errorMessage, type Api } from './api.js';

/**
 * The view and what to select on arrival (null: keep the store's selection). The grammar of its
 * address is @common/view-route.ts.
 */
export type Route = ViewRoute;

/** Longest reason shown in the header; the full sentence is in the tooltip. */
const MAX_REASON_CHARS = 48;

/**
 * The head of the core's "why CPU" sentence, for the header: "no usable NVIDIA driver: it is
 * missing or older…" → "no usable NVIDIA driver".
 */
export function shortReason(reason: string | null): string {
  const head = (reason ?? 'no CUDA device').split(/[:;(.]/, 1)[0]?.trim() ?? '';
  const text = head === '' ? 'no CUDA device' : head;
  const clipped = text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
  return clipped.charAt(0).toLowerCase() + clipped.slice(1);
}

export class AppStore {
  info = $state<AppInfo | null>(null);
  infoError = $state<string | null>(null);
  route = $state<Route>({ view: 'library', songId: null });

  /** "CUDA · 1 GPU", or "CPU (why)" when training will run on the processor. */
  computeLabel = $derived.by(() => {
    const compute = this.info?.compute;
    if (!compute) return this.infoError ? 'Compute unknown' : 'Checking compute…';
    if (compute.cudaDevices > 0) {
      return `CUDA · ${compute.cudaDevices} GPU${compute.cudaDevices === 1 ? '' : 's'}`;
    }
    return `CPU (${shortReason(compute.cpuReason)})`;
  });

  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      this.info = await this.#api.invoke('app:get-info', {});
      this.infoError = null;
    } catch (error) {
      this.infoError = errorMessage(error);
    }
  }

  /** Shows `route` (the router's way in: an address, or the nearest valid view). */
  go(route: Route): void {
    this.route = route;
  }

  openLibrary(): void {
    this.route = { view: 'library', songId: null };
  }

  openEditor(songId: number, clipId: number | null = null): void {
    this.route = { view: 'editor', songId, clipId };
  }

  /** A song's MIDI part on the piano roll. */
  openPart(songId: number, partId: number): void {
    this.route = { view: 'part', songId, partId };
  }

  openTraining(modelId: number | null = null): void {
    this.route = { view: 'training', modelId };
  }

  openTakes(target: { clipId?: number | null; modelId?: number | null } = {}): void {
    this.route = { view: 'takes', clipId: target.clipId ?? null, modelId: target.modelId ?? null, takeId: null, exporting: false };
  }

  /** Phrase ideas: the phrase models, optionally with one open. */
  openPhrases(modelId: number | null = null): void {
    this.route = { view: 'phrases', modelId };
  }

  /** The listening sessions (Listen), optionally showing one. */
  openRating(sessionId: number | null = null): void {
    this.route = { view: 'rating', sessionId };
  }

  /** A rater's screen: their next unanswered item. */
  openRater(raterId: number): void {
    this.route = { view: 'rater', raterId };
  }
}
