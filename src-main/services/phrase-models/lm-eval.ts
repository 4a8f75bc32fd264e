/**
 * Held-out next-token accuracy and perplexity of the `continue` model, counted exactly as
 * phrases/markov.ts's `score` counts them so the two compare: every sequence starts with BOS
 * and is read from a zero state, every token after that first BOS is predicted (EOS included)
 * from the tokens before it in the same sequence, perplexity is exp of the mean negative
 * log-likelihood per token, and a token is right when it is the model's most probable one
 * (the first of equals, as markov.ts's argmax). No dropout.
 */
import { PAD, BOS } from '../phrases/tokens.js';
import { LmPass, type LstmLm } from './lstm-lm.js';

/** The same shape as markov.ts's MarkovScore. */
export interface LmScore {
  tokens: number;
  perplexity: number;
  accuracy: number;
}

/** Sequences read side by side per forward: enough to use the matmuls well, little memory. */
const LANES = 16;

export function scoreLm(model: LstmLm, sequences: readonly (readonly number[])[]): LmScore {
  const V = model.config.vocab;
  let tokens = 0;
  let nll = 0;
  let correct = 0;
  for (let first = 0; first < sequences.length; first += LANES) {
    const group = sequences.slice(first, first + LANES).filter((sequence) => sequence.length > 1);
    if (group.length === 0) continue;
    for (const sequence of group) if (sequence[0] !== BOS) throw new Error('A sequence to score starts with BOS.');
    const T = Math.max(...group.map((sequence) => sequence.length - 1));
    const B = group.length;
    const pass = new LmPass(model, T, B);
    group.forEach((sequence, b) => {
      for (let t = 0; t < T; t++) {
        pass.ids[t * B + b] = t < sequence.length ? sequence[t]! : PAD;
        pass.targets[t * B + b] = t + 1 < sequence.length ? sequence[t + 1]! : PAD;
      }
    });
    pass.forward(null);
    for (let n = 0; n < pass.N; n++) {
      const target = pass.targets[n]!;
      if (target === PAD) continue;
      const row = pass.logits.subarray(n * V, (n + 1) * V);
      let best = 0;
      for (let j = 1; j < V; j++) if (row[j]! > row[best]!) best = j;
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(row[j]! - row[best]!);
      nll += Math.log(sum) + row[best]! - row[target]!;
      if (best === target) correct += 1;
      tokens += 1;
    }
  }
  if (tokens === 0) throw new Error('Nothing to score: the held-out sequences have no tokens after BOS.');
  return { tokens, perplexity: Math.exp(nll / tokens), accuracy: correct / tokens };
}
