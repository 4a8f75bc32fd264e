/**
 * Beam search's bookkeeping (beam-search.ts) on a stand-in decoder whose next-token
 * probabilities are a table over the prefix, so the likeliest phrase is known: width 1 is greedy
 * exactly; a wider beam finds the likelier phrase that greedy's first choice shuts out; a
 * hypothesis that ended carries over; states follow their hypotheses' parents. The trained model,
 * through the addon and onnxruntime alike: vae.test.ts and phrase-runtime-vae.test.ts.
 */
import { BeamSearch, followParents, type BeamRule } from '../../../../src-main/services/phrase-models/beam-search.js';
import { BOS, EOS } from '../../../../src-main/services/phrases/tokens.js';

const V = 6;
const [A, B, C] = [3, 4, 5];

/**
 * Next-token probabilities after a prefix (BOS first): A is the likeliest first token (0.5), but
 * after A everything is a toss-up; after B (0.4), C is near certain, then EOS.
 */
function probabilities(prefix: readonly number[]): number[] {
  const p = new Array<number>(V).fill(1e-6);
  const last = prefix[prefix.length - 1];
  if (prefix.length === 1) [p[A], p[B], p[C], p[EOS]] = [0.5, 0.4, 0.05, 0.05];
  else if (prefix.length === 2 && last === A) [p[A], p[B], p[C], p[EOS]] = [0.25, 0.25, 0.25, 0.25];
  else if (prefix.length === 2 && last === B) [p[C], p[EOS]] = [0.95, 0.05];
  else if (prefix.length === 2) p[EOS] = 1;
  else p[EOS] = 1;
  return p;
}

/** The stand-in's logits for each lane's tokens (log-probabilities: any constant shift would do). */
const logitsOf = (prefixes: readonly (readonly number[])[]): number[] => prefixes.flatMap((prefix) => probabilities(prefix).map(Math.log));

const endsOnEos: BeamRule = (_, token) => (token === EOS ? { add: [EOS], done: true } : { add: [token], done: false });

/** Runs a search to its end; the stand-in's state is a lane's prefix, read from the search itself. */
function run(width: number): number[] {
  const search = new BeamSearch(width, [BOS], endsOnEos);
  for (let t = 0; t < 10 && !search.done; t++) search.advance(logitsOf(Array.from({ length: width }, (_, b) => search.hypothesis(b))));
  return search.best();
}

/** Greedy by hand: the likeliest next token each step. */
function greedy(): number[] {
  const tokens = [BOS];
  while (tokens[tokens.length - 1] !== EOS) {
    const p = probabilities(tokens);
    tokens.push(p.indexOf(Math.max(...p)));
  }
  return tokens;
}

describe('beam search', () => {
  it('is greedy decoding at width 1', () => {
    expect(greedy()).toEqual([BOS, A, EOS]); // after A all four tie: the first of equals, EOS
    expect(run(1)).toEqual(greedy());
  });

  it('finds the likelier phrase that greedy’s first token shuts out', () => {
    // B C EOS: 0.4 · 0.95 · 1 = 0.38 against A EOS: 0.5 · 0.25 = 0.125.
    expect(run(2)).toEqual([BOS, B, C, EOS]);
    expect(run(4)).toEqual([BOS, B, C, EOS]);
  });

  it('carries an ended hypothesis over and never extends it', () => {
    const search = new BeamSearch(2, [BOS], endsOnEos);
    // Step 1: EOS at once is the likeliest (0.6), B second.
    const first = [Math.log(1e-6), Math.log(1e-6), Math.log(0.6), Math.log(0.05), Math.log(0.3), Math.log(0.05)];
    search.advance([...first, ...first]);
    expect(search.inputs()).toEqual([0, B]);
    // Step 2: lane 1 (B) goes on to C with certainty; the ended lane stays as it is.
    const second = Array.from({ length: V }, (_, j) => (j === C ? 0 : Math.log(1e-9)));
    const parents = search.advance([...second, ...second]);
    expect(parents).toEqual([0, 1]);
    expect([search.hypothesis(0), search.hypothesis(1)]).toEqual([[BOS, EOS], [BOS, B, C]]);
  });

  it('gathers each lane’s state from its parent lane', () => {
    // (layers 2, width 3, hidden 2): lane b of layer l holds 10 l + b in both its numbers.
    const state = Float32Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 6) + Math.floor((k % 6) / 2));
    expect(Array.from(followParents(state, [2, 0, 0], 2))).toEqual([2, 2, 0, 0, 0, 0, 12, 12, 10, 10, 10, 10]);
  });
});
