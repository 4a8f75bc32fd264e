/**
 * Decoding the `vary` model's latents into phrases (vae.ts's decoder, token by token): the loop
 * both vary models share (decodeLatents; transformer-vae.ts runs its own decoder in it), and the
 * LSTM VAE's greedy and sampled decoding.
 */
import { seededRandom } from '../../node/seeded-random.js';
import { BOS, EOS, PAD, describeToken, lengthInSteps } from '../phrases/tokens.js';
import { BeamSearch, endAtBars, followParents } from './beam-search.js';
import { BufferPool, decoderForward, ENCODE_LANES, initialState, type PhraseVae } from './vae.js';

export interface DecodeOptions {
  /** Tokens after BOS at most, EOS included (a phrase that never ends is cut there); default 1024. */
  maxTokens?: number;
  /**
   * The phrase's length in grid steps (tokens.ts: 12 a beat), one for all or one per latent: a
   * lane whose time shifts reach it ends there with EOS, as a phrase of that many bars does.
   */
  lengthSteps?: number | readonly number[];
}

/**
 * A decoder run over one group of B lanes: given the tokens just chosen (B; BOS at the start),
 * the logits of the next token of each lane (B, V), valid until the next call.
 */
export type DecodeStep = (ids: Int32Array) => Float32Array;

/** Latent i's phrase length in grid steps from the options (Infinity: none given). */
function lengthStepsOf(options: DecodeOptions, i: number): number {
  const given = options.lengthSteps;
  return given === undefined ? Infinity : typeof given === 'number' ? given : (given[i] ?? Infinity);
}

/**
 * Phrases decoded from latents (each Z floats), from BOS, each chosen token fed back, ENCODE_LANES
 * latents at a time: `begin(z (B, Z), B)` starts a model's decoder run over a group; `pick`
 * chooses the next token of latent i from its logits (V). The returned sequences run from BOS to
 * EOS (or to maxTokens without one). PAD and BOS are never chosen (pick is given them at −∞). The
 * LSTM's run (below) and transformer-vae.ts's share this loop.
 */
export function decodeLatents(
  latents: readonly Float32Array[],
  Z: number,
  options: DecodeOptions,
  begin: (z: Float32Array, B: number) => DecodeStep,
  pick: (logits: Float32Array, i: number) => number,
): number[][] {
  const maxTokens = options.maxTokens ?? 1024;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new Error(`Tokens to decode: a whole number ≥ 1 (got ${maxTokens}).`);
  for (const z of latents) if (z.length !== Z) throw new Error(`A latent of this model has ${Z} numbers (got ${z.length}).`);
  const lengthOf = (i: number): number => lengthStepsOf(options, i);
  const out: number[][] = [];
  for (let first = 0; first < latents.length; first += ENCODE_LANES) {
    const group = latents.slice(first, first + ENCODE_LANES);
    const B = group.length;
    const z = new Float32Array(B * Z);
    group.forEach((latent, b) => z.set(latent, b * Z));
    const step = begin(z, B);
    const ids = new Int32Array(B).fill(BOS);
    const sequences = group.map(() => [BOS]);
    const done = group.map(() => false);
    const time = group.map(() => 0);
    for (let t = 0; t < maxTokens && done.includes(false); t++) {
      const logits = step(ids);
      const V = logits.length / B;
      for (let b = 0; b < B; b++) {
        if (done[b]) {
          ids[b] = PAD;
          continue;
        }
        const row = logits.subarray(b * V, (b + 1) * V);
        row[PAD] = -Infinity;
        row[BOS] = -Infinity;
        const token = pick(row, first + b);
        sequences[b]!.push(token);
        ids[b] = token;
        const { kind, value } = describeToken(token);
        if (kind === 'shift') time[b] = time[b]! + value;
        if (token === EOS) done[b] = true;
        else if (time[b]! >= lengthOf(first + b)) {
          sequences[b]!.push(EOS);
          done[b] = true;
        }
      }
    }
    out.push(...sequences);
  }
  return out;
}

/** decodeLatents with the LSTM decoder: from the initial state of z, stepped a token a run. */
function decodeWith(vae: PhraseVae, latents: readonly Float32Array[], options: DecodeOptions, pick: (logits: Float32Array, i: number) => number): number[][] {
  const pool = new BufferPool();
  return decodeLatents(
    latents,
    vae.config.latent,
    options,
    (z, B) => {
      const state = initialState(vae, pool, z, B);
      let h = state.h0.slice();
      let c = state.c0.slice();
      return (ids) => {
        const { logits, hT, cT } = decoderForward(vae, pool, ids, 1, B, z, h, c);
        [h, c] = [hT.slice(), cT.slice()];
        return logits;
      };
    },
    pick,
  );
}

/** The most likely token at each step (the first of equals). */
export function decodeGreedy(vae: PhraseVae, latents: readonly Float32Array[], options: DecodeOptions = {}): number[][] {
  return decodeWith(vae, latents, options, (row) => {
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
    return best;
  });
}

/**
 * Tokens drawn from the decoder's distribution raised to 1/temperature; latent i draws from
 * its own stream of the seed, so the same seed gives the same phrases whatever else is decoded
 * beside them.
 */
export function decodeSample(vae: PhraseVae, latents: readonly Float32Array[], temperature: number, seed: string, options: DecodeOptions = {}): number[][] {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`The temperature is a number above 0 (got ${temperature}).`);
  const randoms = latents.map((_, i) => seededRandom(seed, `vae-sample:${i}`));
  const weights = new Float64Array(vae.config.vocab);
  return decodeWith(vae, latents, options, (row, i) => {
    let top = -Infinity;
    for (let j = 0; j < row.length; j++) top = Math.max(top, row[j]!);
    let sum = 0;
    for (let j = 0; j < row.length; j++) sum += weights[j] = Math.exp((row[j]! - top) / temperature);
    let draw = randoms[i]!() * sum;
    for (let j = 0; j < row.length; j++) {
      draw -= weights[j]!;
      if (draw < 0 && weights[j]! > 0) return j;
    }
    return EOS;
  });
}

/**
 * The likeliest phrase of each latent by beam search (beam-search.ts: `width` hypotheses kept a
 * step, ranked at the end by mean log-probability a token; width 1 is decodeGreedy), with
 * decodeLatents's ends: EOS, or the grid steps of `lengthSteps` reached (EOS added) — or, given
 * `bars`, the app's (beam-search.ts endAtBars, as phrase-runtime.ts decodes). Latent by latent,
 * its hypotheses run as the lanes of one batch.
 */
export function decodeBeam(vae: PhraseVae, latents: readonly Float32Array[], width: number, options: DecodeOptions & { bars?: number } = {}): number[][] {
  const { latent: Z, decoderHidden: Hd } = vae.config;
  const maxTokens = options.maxTokens ?? 1024;
  const pool = new BufferPool();
  return latents.map((latent, i) => {
    if (latent.length !== Z) throw new Error(`A latent of this model has ${Z} numbers (got ${latent.length}).`);
    const lengthSteps = lengthStepsOf(options, i);
    const search = new BeamSearch(
      width,
      [BOS],
      options.bars !== undefined
        ? endAtBars(options.bars)
        : (tokens, token) => {
            if (token === EOS) return { add: [EOS], done: true };
            return lengthInSteps([...tokens, token]) >= lengthSteps ? { add: [token, EOS], done: true } : { add: [token], done: false };
          },
    );
    const z = new Float32Array(width * Z);
    for (let b = 0; b < width; b++) z.set(latent, b * Z);
    const state = initialState(vae, pool, z, width);
    let h: Float32Array = state.h0.slice();
    let c: Float32Array = state.c0.slice();
    for (let t = 0; t < maxTokens && !search.done; t++) {
      const { logits, hT, cT } = decoderForward(vae, pool, Int32Array.from(search.inputs()), 1, width, z, h, c);
      const parents = search.advance(logits);
      [h, c] = [followParents(hT, parents, Hd), followParents(cT, parents, Hd)];
    }
    return search.best();
  });
}
