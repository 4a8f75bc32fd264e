/**
 * The order-3 Kneser–Ney Markov baseline on the test corpus: held-out perplexity finite and
 * well below a uniform model's and an order-1 chain's, distributions that sum to 1, a
 * hand-checked small case, and samples reproducible from their seed.
 */
import { allowedTranspositions, transpose } from '../../../../src-main/services/phrases/augment.js';
import { generateCorpus } from '../../../../src-main/services/phrases/corpus.js';
import { MarkovChain, UNIFORM_PERPLEXITY } from '../../../../src-main/services/phrases/markov.js';
import { cutPhrases, phraseTokens, splitPhrases } from '../../../../src-main/services/phrases/phrases.js';
import { BOS, EOS, VOCAB_SIZE, decode, durationToken, noteToken, timeShiftToken } from '../../../../src-main/services/phrases/tokens.js';

describe('Markov baseline', () => {
  const phrases = generateCorpus({ seed: '1' }).flatMap((piece) => cutPhrases(piece.music, 4, piece.name));
  const split = splitPhrases(phrases, { seed: '5', heldOutFraction: 0.25 });
  // Every training phrase in each key it fits within ±6 semitones, as the models train on it.
  const train = split.train.flatMap((phrase) =>
    allowedTranspositions(phrase.notes).map((semitones) => phraseTokens({ ...phrase, notes: transpose(phrase.notes, semitones)! })),
  );
  const heldOut = split.heldOut.map(phraseTokens);
  const chain = MarkovChain.fit(train);

  it('predicts held-out corpus phrases far better than a uniform model and an order-1 chain', () => {
    const score = chain.score(heldOut);
    const order1 = MarkovChain.fit(train, 1).score(heldOut);
    expect(Number.isFinite(score.perplexity)).toBe(true);
    expect(score.tokens).toBeGreaterThan(1000);
    expect(score.perplexity).toBeLessThan(UNIFORM_PERPLEXITY / 10);
    expect(score.perplexity).toBeLessThan(order1.perplexity * 0.8);
    expect(score.accuracy).toBeGreaterThan(order1.accuracy);
  });

  it('gives distributions that sum to 1 with every token possible, for seen and unseen contexts', () => {
    for (const context of [[BOS], train[0]!.slice(0, 7), [noteToken(1), noteToken(2), noteToken(3)], []]) {
      const p = chain.distribution(context);
      expect(p.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
      expect(Math.min(...p)).toBeGreaterThan(0);
    }
    expect(chain.logProb(durationToken(12), [BOS, noteToken(60)])).toBeCloseTo(Math.log(chain.distribution([BOS, noteToken(60)])[durationToken(12)]!), 12);
  });

  it('smooths a tiny case as interpolated Kneser–Ney says', () => {
    // Order 1, one sequence BOS a b a b a c EOS: bigrams (a b) and (b a) twice, (BOS a),
    // (a c), (c EOS) once, so the bigram D = n1 / (n1 + 2·n2) = 3 / (3 + 4).
    const [a, b, c] = [noteToken(60), noteToken(62), noteToken(64)];
    const tiny = MarkovChain.fit([[BOS, a, b, a, b, a, c, EOS]], 1);
    // Unigram continuation counts (distinct contexts, not occurrences): a after BOS and b, b
    // after a only (though seen twice), c and EOS after one each: 5 in all; n1 = 3, n2 = 1, D = 0.6.
    expect(tiny.discounts).toEqual([0.6, 3 / 7]);
    const unigram = (count: number): number => Math.max(count - 0.6, 0) / 5 + ((0.6 * 4) / 5) * (1 / VOCAB_SIZE);
    // After a: b twice and c once, out of 3.
    const afterA = (count: number, continuations: number): number =>
      Math.max(count - 3 / 7, 0) / 3 + (((3 / 7) * 2) / 3) * unigram(continuations);
    expect(tiny.distribution([a])[b]).toBeCloseTo(afterA(2, 1), 12);
    expect(tiny.distribution([a])[c]).toBeCloseTo(afterA(1, 1), 12);
    expect(tiny.distribution([a])[a]).toBeCloseTo(afterA(0, 2), 12);
    expect(tiny.distribution([a])[EOS]).toBeCloseTo(afterA(0, 1), 12);
    expect(tiny.distribution([a])[timeShiftToken(1)]).toBeCloseTo(afterA(0, 0), 12);
    // A context never seen backs off to the unigram level entirely.
    expect(tiny.distribution([EOS])[a]).toBeCloseTo(unigram(2), 12);
  });

  it('samples the same tokens from the same seed, others from another, and decodes them', () => {
    const context = heldOut[0]!.slice(0, 20);
    const one = chain.sample(context, 60, 1, '42');
    expect(chain.sample(context, 60, 1, '42')).toEqual(one);
    expect(chain.sample(context, 60, 1, '43')).not.toEqual(one);
    expect(one.length).toBeGreaterThan(0);
    expect(one.length).toBeLessThanOrEqual(60);
    expect(decode([...context, ...one]).length).toBeGreaterThan(0);
    // A low temperature takes the most likely token where one clearly leads.
    // After a NOTE its DURATION follows, and the rhythm makes one length far likelier.
    const atNote = heldOut[0]!.slice(0, heldOut[0]!.findIndex((token) => token >= noteToken(0) && token <= noteToken(127)) + 1);
    const [best, second] = [...chain.distribution(atNote).entries()].sort((x, y) => y[1] - x[1]);
    expect(best![1] / second![1]).toBeGreaterThan(1.5); // so (second / best)^100 is below 1e-17
    for (const seed of ['1', '2', '3']) expect(chain.sample(atNote, 1, 0.01, seed)).toEqual([best![0]]);
    expect(() => chain.sample(context, 10, 0, '1')).toThrow('The temperature is a number above 0');
  });

  it('refuses sequences without BOS and an empty held-out set', () => {
    expect(() => MarkovChain.fit([[noteToken(60)]])).toThrow('starts with BOS');
    expect(() => chain.score([[BOS]])).toThrow('Nothing to score');
  });
});
