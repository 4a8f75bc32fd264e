/**
 * The latent a `vary` take starts from (docs/midi.md "MIDI takes"): a phrase's latent refined
 * against the trained decoder (phrase-models/vae-refine.ts, 200 Adam steps on z from the
 * encoder's mu), which reconstructs a phrase the model never heard far better than mu does
 * (held-out 2-bar F1 0.991 against 0.544). Vary and interpolate takes and the Sliders panel
 * (its position and its previews) all start from it.
 *
 * The refinement runs on the addon's ops with the model's checkpoint (`model.ckpt`; the ONNX
 * graphs have no gradient), loaded on first use. It is deterministic (fixed steps, no noise),
 * so a take made again from its settings and seed has the same notes. It is long work — one
 * phrase alone with `quick` (no batch to share the steps) measured 1.1 s for a 2-bar phrase
 * and 2.4 s for a 4-bar one on 2 cores under a load of 4.4 — so it does not run in one piece:
 * it runs here, on the main process, in slices of ~20 ms (refineLatentsAsync gives the event
 * loop a turn between them; the longest wait measured was 74 ms, one step under that load),
 * one phrase at a time, once per phrase: the result is kept per phrase (its song, part, bars
 * and a hash of its tokens), so moving a slider decodes at once.
 *
 * A model without a readable checkpoint (an older one, a folder copied without it) starts from
 * mu, through the ONNX encoder, as before.
 */
import { createHash } from 'node:crypto';
import { loadNativeAddon } from '../../addon/binding.js';
import type { SequenceOps } from '../../addon/binding.js';
import type { PhraseVaeRuntime } from '../models/onnx/phrase-runtime.js';
import { loadVae } from '../phrase-models/vae-checkpoint.js';
import { refineLatentsAsync } from '../phrase-models/vae-refine.js';
import type { PhraseVae } from '../phrase-models/vae.js';

/** Refined latents kept per model (a phrase is a few hundred bytes; the Sliders panel revisits a handful). */
const CACHED_PHRASES = 128;

/** A phrase to start from: what identifies it in the cache, and its tokens (BOS..EOS). */
export interface SourcePhrase {
  /** Its song, part and bars ("song:part:startBar:bars"); the tokens' hash is added to it. */
  where: string;
  tokens: readonly number[];
}

export class RefinedLatents {
  readonly #checkpoint: string;
  readonly #onnx: PhraseVaeRuntime;
  readonly #ops: () => SequenceOps;
  #model: Promise<PhraseVae | null> | null = null;
  readonly #cache = new Map<string, Promise<Float32Array>>();
  /** Refinements run one after another: two at once would only share the cores. */
  #queue: Promise<unknown> = Promise.resolve();

  /** `checkpoint`: the model's `model.ckpt`; `onnx`: its graphs, for mu when there is no checkpoint. */
  constructor(checkpoint: string, onnx: PhraseVaeRuntime, ops: () => SequenceOps = () => loadNativeAddon().sequence) {
    this.#checkpoint = checkpoint;
    this.#onnx = onnx;
    this.#ops = ops;
  }

  /** Whether this model's latents are refined (its checkpoint loads), or mu. */
  async refines(): Promise<boolean> {
    return (await this.#vae()) !== null;
  }

  /** The phrases' latents: refined (cached per phrase), or mu where the model has no checkpoint. */
  async of(phrases: readonly SourcePhrase[]): Promise<Float32Array[]> {
    const vae = await this.#vae();
    if (vae === null) return this.#onnx.encodeMean(phrases.map((phrase) => phrase.tokens));
    return Promise.all(phrases.map((phrase) => this.#refined(vae, phrase)));
  }

  #refined(vae: PhraseVae, phrase: SourcePhrase): Promise<Float32Array> {
    const key = `${phrase.where}:${createHash('sha256').update(Int32Array.from(phrase.tokens)).digest('hex')}`;
    let latent = this.#cache.get(key);
    if (latent) {
      // Most recently used last: the oldest goes first.
      this.#cache.delete(key);
      this.#cache.set(key, latent);
      return latent;
    }
    latent = this.#queue.then(async () => (await refineLatentsAsync(vae, [phrase.tokens]))[0]!);
    this.#queue = latent.catch(() => undefined);
    this.#cache.set(key, latent);
    latent.catch(() => this.#cache.delete(key));
    while (this.#cache.size > CACHED_PHRASES) this.#cache.delete(this.#cache.keys().next().value!);
    return latent;
  }

  #vae(): Promise<PhraseVae | null> {
    this.#model ??= (async () => {
      try {
        const { vae } = await loadVae(this.#ops(), this.#checkpoint);
        // A checkpoint that does not match the graphs is not the model they were exported from.
        return vae.config.latent === this.#onnx.latent ? vae : null;
      } catch {
        return null; // missing (an older model) or unreadable: its takes start from mu
      }
    })();
    return this.#model;
  }
}
