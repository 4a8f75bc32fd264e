/**
 * Beam search over a decoder's tokens: the bookkeeping the `vary` model's two decoders share (the
 * addon's, vae-decode.ts decodeBeam, and onnxruntime's, phrase-runtime.ts), so the app's takes
 * and the bench's figures come from one rule.
 *
 * Why a beam: greedy decoding commits to each token in turn, so a small move of the latent that
 * flips one early token sends the rest of the phrase elsewhere, and the likeliest first token
 * need not start the likeliest phrase. Keeping `width` hypotheses compares whole continuations:
 * on the 2-bar bench (test/bench/RESULTS.md "Sliders: beam decoding") a width of 4 reconstructs
 * every held-out phrase from its refined latent (F1 1.000 against greedy's 0.991) and more slider
 * sweeps read back in order.
 *
 * Each step the decoder gives the next token's logits for every lane (one lane a hypothesis);
 * every live hypothesis is extended by every token (PAD and BOS never), finished ones carry over
 * as they are, and the `width` best by summed log-probability are kept, ties to the earlier lane
 * and the lower token (deterministic). The decoder's states follow their hypotheses: `advance`
 * returns each new lane's parent lane. At the end the hypothesis with the best mean
 * log-probability a token wins (a phrase cut short by an early end is not favoured for being
 * short). Width 1 is greedy decoding exactly.
 */
import { BAR, BOS, EOS, PAD } from '../phrases/tokens.js';

/** What a token does to the hypothesis it extends: the tokens it adds (itself, or more, or none), and whether the phrase ends. */
export type BeamRule = (tokens: readonly number[], token: number) => { add: readonly number[]; done: boolean };

interface Hypothesis {
  tokens: number[];
  /** Summed log-probability of its chosen tokens; −∞ for an empty lane. */
  score: number;
  /** Tokens chosen (what the mean log-probability divides by). */
  chosen: number;
  done: boolean;
}

export class BeamSearch {
  #beams: Hypothesis[];

  /** `start`: the tokens every hypothesis begins with (BOS); `rule`: what a chosen token does (see BeamRule). */
  constructor(
    readonly width: number,
    start: readonly number[],
    private readonly rule: BeamRule,
  ) {
    if (!Number.isInteger(width) || width < 1) throw new Error(`The beam width is a whole number ≥ 1 (got ${width}).`);
    // Only the first lane is live at the start: the others would repeat it.
    this.#beams = Array.from({ length: width }, (_, b) => ({ tokens: [...start], score: b === 0 ? 0 : -Infinity, chosen: 0, done: b !== 0 }));
  }

  /** Whether every hypothesis has ended. */
  get done(): boolean {
    return this.#beams.every((beam) => beam.done);
  }

  /** Lane b's tokens so far. */
  hypothesis(b: number): number[] {
    return [...this.#beams[b]!.tokens];
  }

  /** Each lane's input token for the next step: its last token (PAD for a lane that has ended). */
  inputs(): number[] {
    return this.#beams.map((beam) => (beam.done ? PAD : beam.tokens[beam.tokens.length - 1]!));
  }

  /** Takes the step's logits (width × V, lane-major) and keeps the best `width`; returns each new lane's parent lane. */
  advance(logits: ArrayLike<number>): number[] {
    const V = logits.length / this.width;
    // The best `width` of the width × V extensions, kept sorted as they come: candidates arrive by
    // lane, then token, so on a tie the one already kept (earlier lane, lower token) stays ahead.
    const chosen: { parent: number; token: number; score: number }[] = [];
    const offer = (parent: number, token: number, score: number): void => {
      if (chosen.length === this.width && !(score > chosen[chosen.length - 1]!.score)) return;
      let at = chosen.length;
      while (at > 0 && score > chosen[at - 1]!.score) at -= 1;
      chosen.splice(at, 0, { parent, token, score });
      if (chosen.length > this.width) chosen.pop();
    };
    this.#beams.forEach((beam, b) => {
      if (beam.done) {
        if (beam.score > -Infinity) offer(b, -1, beam.score);
        return;
      }
      let top = -Infinity;
      for (let j = 0; j < V; j++) if (j !== PAD && j !== BOS) top = Math.max(top, logits[b * V + j]!);
      let sum = 0;
      for (let j = 0; j < V; j++) if (j !== PAD && j !== BOS) sum += Math.exp(logits[b * V + j]! - top);
      const logSum = top + Math.log(sum);
      for (let j = 0; j < V; j++) if (j !== PAD && j !== BOS) offer(b, j, beam.score + logits[b * V + j]! - logSum);
    });
    const previous = this.#beams;
    this.#beams = chosen.map((candidate) => {
      const parent = previous[candidate.parent]!;
      if (candidate.token < 0) return parent;
      const { add, done } = this.rule(parent.tokens, candidate.token);
      return { tokens: [...parent.tokens, ...add], score: candidate.score, chosen: parent.chosen + 1, done };
    });
    const parents = chosen.map((candidate) => candidate.parent);
    while (this.#beams.length < this.width) {
      this.#beams.push({ tokens: [], score: -Infinity, chosen: 0, done: true });
      parents.push(0);
    }
    return parents;
  }

  /** The winner so far: the live or ended hypothesis with the best mean log-probability a token. */
  best(): number[] {
    const mean = (beam: Hypothesis): number => beam.score / Math.max(1, beam.chosen);
    const scored = this.#beams.filter((beam) => beam.score > -Infinity);
    return scored.reduce((best, beam) => (mean(beam) > mean(best) ? beam : best)).tokens;
  }
}

/** Rows `parents[b]` of a state laid out (layers, width, hidden), gathered into lane b. */
export function followParents(state: Float32Array, parents: readonly number[], hidden: number): Float32Array {
  const width = parents.length;
  const layers = state.length / (width * hidden);
  const out = new Float32Array(state.length);
  for (let l = 0; l < layers; l++) {
    parents.forEach((parent, b) => out.set(state.subarray((l * width + parent) * hidden, (l * width + parent + 1) * hidden), (l * width + b) * hidden));
  }
  return out;
}

/**
 * The ends of a phrase of `bars` bars as the app decodes one (phrase-runtime.ts): EOS, or the bar
 * line that would start bar bars + 1, which ends it with EOS in its place.
 */
export function endAtBars(bars: number): BeamRule {
  return (tokens, token) => {
    if (token === EOS) return { add: [EOS], done: true };
    if (token === BAR && tokens.filter((t) => t === BAR).length + 1 > bars) return { add: [EOS], done: true };
    return { add: [token], done: false };
  };
}
