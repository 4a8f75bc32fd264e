/**
 * The baseline `continue` must beat: an order-3 Markov chain over the phrase tokens of
 * tokens.ts (the next token from the three before it), measured by held-out next-token
 * accuracy and perplexity, and sampled with a temperature and a seed like the model.
 *
 * Smoothing is interpolated Kneser–Ney (Chen & Goodman 1998, "An empirical study of smoothing
 * techniques for language modeling"), not add-k: add-k gives every unseen continuation of a
 * context the same small mass whatever shorter contexts say (after a NOTE, a DURATION is far
 * likelier than another NOTE even if this exact context was never seen), and it takes a lot of
 * mass from seen events when the vocabulary is large. Kneser–Ney subtracts a discount D from
 * each seen count and hands the mass to the next shorter context, whose counts are the number
 * of distinct contexts a token continues (so a token seen often but only after one context
 * does not dominate the backoff). That is the strongest n-gram baseline there is, so a model
 * that beats it has learned something an n-gram cannot. D per order is Ney's estimate
 * n1 / (n1 + 2·n2) from the counts of n-grams seen once and twice. The shortest level
 * interpolates with the uniform distribution over the vocabulary, so every token has a
 * probability > 0 and held-out perplexity is finite.
 */
import { seededRandom } from '../../node/seeded-random.js';
import { BOS, EOS, VOCAB_SIZE } from './tokens.js';

interface ContextCounts {
  /** Sum of counts over next tokens. */
  total: number;
  /** Next token → count (raw counts at the top order, continuation counts below). */
  next: Map<number, number>;
}

export interface MarkovScore {
  /** Tokens predicted (every token after the first BOS, EOS included). */
  tokens: number;
  /** exp(mean negative log-likelihood per token). */
  perplexity: number;
  /** Fraction of tokens that were the chain's most probable next token. */
  accuracy: number;
}

/** A fitted chain; immutable once made. */
export class MarkovChain {
  private constructor(
    readonly order: number,
    /** levels[L]: contexts of length L (key: the tokens packed base VOCAB_SIZE) → counts. */
    private readonly levels: readonly Map<number, ContextCounts>[],
    /** Kneser–Ney discount per context length. */
    readonly discounts: readonly number[],
  ) {}

  /**
   * Counts from sequences of tokens, each starting with BOS (encode's output). Contexts at
   * the start are padded with BOS, so the first tokens of a phrase are predicted from "the
   * start of a phrase" rather than from nothing.
   */
  static fit(sequences: readonly (readonly number[])[], order = 3): MarkovChain {
    if (!Number.isInteger(order) || order < 0 || order > 4) throw new Error(`A Markov chain's order is 0..4 (got ${order}).`);
    const levels = Array.from({ length: order + 1 }, () => new Map<number, ContextCounts>());
    const bump = (level: Map<number, ContextCounts>, key: number, token: number, by = 1): void => {
      let counts = level.get(key);
      if (!counts) level.set(key, (counts = { total: 0, next: new Map() }));
      counts.total += by;
      counts.next.set(token, (counts.next.get(token) ?? 0) + by);
    };
    for (const sequence of sequences) {
      if (sequence[0] !== BOS) throw new Error('A token sequence for the Markov chain starts with BOS.');
      const padded = [...Array<number>(order).fill(BOS), ...sequence.slice(1)];
      for (let i = order; i < padded.length; i++) bump(levels[order]!, packContext(padded, i, order), padded[i]!);
    }
    // Continuation counts: each distinct (longer context, token) adds one to its shorter context.
    for (let length = order; length > 0; length--) {
      for (const [key, counts] of levels[length]!) {
        const shorter = key % VOCAB_SIZE ** (length - 1);
        for (const token of counts.next.keys()) bump(levels[length - 1]!, shorter, token);
      }
    }
    const discounts = levels.map((level) => neyDiscount(level));
    return new MarkovChain(order, levels, discounts);
  }

  /** The next-token distribution after `context` (its last `order` tokens count; shorter ones are padded with BOS). */
  distribution(context: readonly number[]): Float64Array {
    const padded = [...Array<number>(this.order).fill(BOS), ...context];
    const p = new Float64Array(VOCAB_SIZE).fill(1 / VOCAB_SIZE);
    for (let length = 0; length <= this.order; length++) {
      const counts = this.levels[length]!.get(packContext(padded, padded.length, length));
      if (!counts || counts.total === 0) continue; // an unseen context: the shorter one's distribution stands
      const discount = this.discounts[length]!;
      const backoff = (discount * counts.next.size) / counts.total;
      for (let token = 0; token < VOCAB_SIZE; token++) p[token] = backoff * p[token]!;
      for (const [token, count] of counts.next) p[token] = p[token]! + Math.max(count - discount, 0) / counts.total;
    }
    return p;
  }

  /** ln P(next | context). */
  logProb(next: number, context: readonly number[]): number {
    return Math.log(this.distribution(context)[next]!);
  }

  /** Next-token accuracy and perplexity over held-out sequences (each starting with BOS). */
  score(sequences: readonly (readonly number[])[]): MarkovScore {
    let tokens = 0;
    let nll = 0;
    let correct = 0;
    for (const sequence of sequences) {
      for (let i = 1; i < sequence.length; i++) {
        const p = this.distribution(sequence.slice(Math.max(0, i - this.order), i));
        const actual = sequence[i]!;
        nll -= Math.log(p[actual]!);
        if (argmax(p) === actual) correct += 1;
        tokens += 1;
      }
    }
    if (tokens === 0) throw new Error('Nothing to score: the held-out sequences have no tokens after BOS.');
    return { tokens, perplexity: Math.exp(nll / tokens), accuracy: correct / tokens };
  }

  /**
   * Up to n tokens after `context`, drawn from the distribution raised to 1/temperature
   * (below 1: surer, above: wilder); stops after EOS. The same seed gives the same tokens.
   */
  sample(context: readonly number[], n: number, temperature: number, seed: string): number[] {
    if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`The temperature is a number above 0 (got ${temperature}).`);
    if (!Number.isInteger(n) || n < 0) throw new Error(`Tokens to sample: a whole number ≥ 0 (got ${n}).`);
    const random = seededRandom(seed, 'markov-sample');
    const history = [...context];
    const out: number[] = [];
    while (out.length < n) {
      const p = this.distribution(history.slice(-this.order));
      const token = draw(p, temperature, random);
      out.push(token);
      history.push(token);
      if (token === EOS) break;
    }
    return out;
  }
}

/** The uniform model's perplexity, the floor every model must at least beat. */
export const UNIFORM_PERPLEXITY = VOCAB_SIZE;

/** The `length` tokens before index `end` of `tokens`, packed into one integer (base VOCAB_SIZE, exact up to 6 tokens). */
function packContext(tokens: readonly number[], end: number, length: number): number {
  let key = 0;
  for (let i = end - length; i < end; i++) key = key * VOCAB_SIZE + tokens[i]!;
  return key;
}

function neyDiscount(level: Map<number, ContextCounts>): number {
  let once = 0;
  let twice = 0;
  for (const counts of level.values()) {
    for (const count of counts.next.values()) {
      if (count === 1) once += 1;
      else if (count === 2) twice += 1;
    }
  }
  // Too few counts to estimate (a tiny corpus): the usual 0.75.
  if (once === 0 || twice === 0) return 0.75;
  return Math.min(0.95, Math.max(0.05, once / (once + 2 * twice)));
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

function draw(p: Float64Array, temperature: number, random: () => number): number {
  const weights = Array.from(p, (value) => value ** (1 / temperature));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (!(total > 0)) return argmax(p); // a temperature so low that every power underflowed
  let threshold = random() * total;
  let last = 0;
  for (let token = 0; token < weights.length; token++) {
    if (weights[token]! === 0) continue;
    threshold -= weights[token]!;
    last = token;
    if (threshold < 0) return token;
  }
  return last; // rounding left a sliver past the end: the last token with weight
}
