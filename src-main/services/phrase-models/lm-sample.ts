/**
 * Sampling the `continue` model: tokens after a context, and a part's phrase continued for N
 * bars as notes. The same model, context, temperature and seed give the same tokens, so a take
 * regenerated from its seed is identical.
 *
 * The model has only ever seen phrases that end with EOS where their last bar ends (tokens.ts
 * leaves that bar line to the next phrase), so EOS means "a bar line, and the phrase stops". A
 * continuation is asked to go on, so EOS's probability is given to BAR: where the model would
 * end the phrase, a new bar begins. PAD and BOS never follow anything and are never drawn. Length is counted in tokens or in bars: with bars, the
 * continuation stops just before the N-th BAR token it would write, that is before bar N + 1
 * of the continuation, counting the bar it begins in as bar 1 (continuePhrase ends its context
 * with the bar line at its end, so N whole bars follow).
 */
import { barAtBeats } from '../../common/tempo-map.js';
import type { PartMusic, PartNote } from '../../common/midi.js';
import { seededRandom } from '../../node/seeded-random.js';
import { BAR, BOS, EOS, PAD, decode, describeToken, encode } from '../phrases/tokens.js';
import { LmPass, type LstmLm } from './lstm-lm.js';

/** How long a continuation runs: a number of tokens, or of bars. */
export type ContinueLength = { tokens: number } | { bars: number };

/** The longest continuation in tokens per bar asked for: a dense bar of sixteenth-note chords is about 160. */
export const MAX_TOKENS_PER_BAR = 256;
/** The longest continuation, in bars. */
export const MAX_CONTINUE_BARS = 64;

/**
 * Up to `length` of tokens after `context` (which starts with BOS), drawn from the model's
 * next-token distribution raised to 1/temperature; see the file comment for what is never
 * drawn and how bars are counted. With bars, a model that stops writing bar lines is cut
 * off after MAX_TOKENS_PER_BAR tokens per bar asked for.
 */
export function continueTokens(model: LstmLm, context: readonly number[], length: ContinueLength, temperature: number, seed: string): number[] {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`The temperature is a number above 0 (got ${temperature}).`);
  if (context[0] !== BOS) throw new Error('A context to continue starts with BOS.');
  const bars = 'bars' in length ? length.bars : null;
  const limit = 'tokens' in length ? length.tokens : length.bars * MAX_TOKENS_PER_BAR;
  if (bars !== null && (!Number.isInteger(bars) || bars < 1 || bars > MAX_CONTINUE_BARS)) {
    throw new Error(`Bars to continue: a whole number in 1..${MAX_CONTINUE_BARS} (got ${bars}).`);
  }
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`Tokens to continue: a whole number ≥ 0 (got ${limit}).`);
  const V = model.config.vocab;
  for (const token of context) describeToken(token); // a clear error for a token outside the vocabulary

  // The context in one pass; then one token at a time from its final state.
  const prime = new LmPass(model, context.length, 1);
  prime.ids.set(context);
  prime.forward(null);
  const step = new LmPass(model, 1, 1);
  step.h0.set(prime.hT);
  step.c0.set(prime.cT);
  let logits = prime.logits.subarray((context.length - 1) * V, context.length * V);

  const random = seededRandom(seed, 'lstm-lm-sample');
  const weights = new Float64Array(V);
  const out: number[] = [];
  let barsWritten = 0;
  while (out.length < limit) {
    let top = -Infinity;
    for (let j = 0; j < V; j++) top = Math.max(top, logits[j]!);
    // The probabilities, EOS's moved to BAR (see the file comment), then raised to 1/temperature.
    let sum = 0;
    for (let j = 0; j < V; j++) sum += weights[j] = j === PAD || j === BOS ? 0 : Math.exp(logits[j]! - top);
    weights[BAR] = weights[BAR]! + weights[EOS]!;
    weights[EOS] = 0;
    let likeliest = 0;
    for (let j = 1; j < V; j++) if (weights[j]! > weights[likeliest]!) likeliest = j;
    let total = 0;
    for (let j = 0; j < V; j++) total += weights[j] = (weights[j]! / sum) ** (1 / temperature);
    let token = likeliest; // a temperature so low that every power underflowed: the likeliest
    if (total > 0 && Number.isFinite(total)) {
      let threshold = random() * total;
      for (let j = 0; j < V; j++) {
        if (weights[j] === 0) continue;
        token = j; // rounding may leave a sliver past the end: the last token with weight
        threshold -= weights[j]!;
        if (threshold < 0) break;
      }
    }
    if (token === BAR && bars !== null && ++barsWritten === bars) break;
    out.push(token);
    step.ids[0] = token;
    step.forward(null);
    step.carryState();
    logits = step.logits;
  }
  return out;
}

/**
 * A part's music in [fromBeats, toBeats) continued for `bars` bars: the notes the model writes
 * after it, in the music's beats (starting at toBeats), decoded with tokens.ts. The velocity in
 * force at the end of the context carries into the continuation until the model names another.
 */
export function continuePhrase(
  model: LstmLm,
  music: Pick<PartMusic, 'notes' | 'meterMap'>,
  fromBeats: number,
  toBeats: number,
  bars: number,
  temperature: number,
  seed: string,
): PartNote[] {
  const context = encode(music, fromBeats, toBeats);
  context.pop(); // EOS: the phrase goes on
  const bar = barAtBeats(music.meterMap, toBeats);
  // encode leaves the bar line at toBeats to the next phrase; write it, so the continuation's bars are whole.
  if (Math.abs(bar - Math.round(bar)) < 1e-9) context.push(BAR);
  const tokens = continueTokens(model, context, { bars }, temperature, seed);
  const velocity = context.findLast((token) => describeToken(token).kind === 'velocity');
  return decode(velocity === undefined ? tokens : [velocity, ...tokens], toBeats);
}
