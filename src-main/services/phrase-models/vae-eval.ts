/**
 * How well the `vary` model reconstructs phrases: each phrase encoded to its mean latent (mu),
 * decoded greedily (the most likely token at each step) and the decoded notes compared with the
 * phrase's own. A note matches when its pitch and its onset on the 1/12-beat grid are equal
 * (duration and velocity are left out: they are the finish, the notes and their placement are
 * the phrase); each note matches at most once. Precision is the share of decoded notes that
 * match, recall the share of the phrase's notes matched, both micro-averaged (counted over all
 * notes of all phrases, so a dense phrase weighs more than a sparse one), and F1 their
 * harmonic mean.
 */
import type { PartNote } from '../../common/midi.js';
import { phraseTokens, type Phrase } from '../phrases/phrases.js';
import { decode, stepsOf } from '../phrases/tokens.js';
import { encodeMean, PhraseVae } from './vae.js';
import { decodeGreedy, type DecodeOptions } from './vae-decode.js';

export interface ReconstructionScore {
  f1: number;
  precision: number;
  recall: number;
  /** Phrases scored. */
  phrases: number;
}

/** The most tokens a decoded bar may take: a bar of sixteenth-note chords is about 160. */
export const DECODE_TOKENS_PER_BAR = 256;

/** Notes matched between two sets by (pitch, onset step), each note at most once. */
export function matchedNotes(decoded: readonly PartNote[], reference: readonly PartNote[]): number {
  const counts = new Map<string, number>();
  const key = (note: PartNote): string => `${note.pitch}@${stepsOf(note.startBeats)}`;
  for (const note of reference) counts.set(key(note), (counts.get(key(note)) ?? 0) + 1);
  let matched = 0;
  for (const note of decoded) {
    const left = counts.get(key(note)) ?? 0;
    if (left > 0) {
      matched += 1;
      counts.set(key(note), left - 1);
    }
  }
  return matched;
}

/**
 * What reconstruction needs of a model: its mean encodings and greedy decodes. vae.ts's
 * PhraseVae is taken as it is; another model (transformer-vae.ts's) brings the two methods.
 */
export interface PhraseCodec {
  encodeMean(sequences: readonly (readonly number[])[]): Float32Array[];
  decodeGreedy(latents: readonly Float32Array[], options?: DecodeOptions): number[][];
}

function codecOf(vae: PhraseVae | PhraseCodec): PhraseCodec {
  if (!(vae instanceof PhraseVae)) return vae;
  return { encodeMean: (sequences) => encodeMean(vae, sequences), decodeGreedy: (latents, options) => decodeGreedy(vae, latents, options) };
}

/**
 * Greedy reconstructions of phrases (from mu, or the latents given, one a phrase) as notes from
 * beat 0, in order, each decoded to its own length.
 */
export function reconstructPhrases(vae: PhraseVae | PhraseCodec, phrases: readonly Phrase[], given?: readonly Float32Array[]): PartNote[][] {
  const codec = codecOf(vae);
  const latents = given ?? codec.encodeMean(phrases.map(phraseTokens));
  const bars = Math.max(...phrases.map((phrase) => phrase.bars));
  const lengthSteps = phrases.map((phrase) => stepsOf(phrase.toBeats - phrase.fromBeats));
  return codec.decodeGreedy(latents, { maxTokens: bars * DECODE_TOKENS_PER_BAR, lengthSteps }).map((tokens) => decode(tokens));
}

export function reconstructionF1(vae: PhraseVae | PhraseCodec, phrases: readonly Phrase[], latents?: readonly Float32Array[]): ReconstructionScore {
  if (phrases.length === 0) throw new Error('Nothing to score: no phrases.');
  const decoded = reconstructPhrases(vae, phrases, latents);
  let matched = 0;
  let predicted = 0;
  let actual = 0;
  phrases.forEach((phrase, i) => {
    const reference = decode(phraseTokens(phrase));
    matched += matchedNotes(decoded[i]!, reference);
    predicted += decoded[i]!.length;
    actual += reference.length;
  });
  const precision = predicted === 0 ? 0 : matched / predicted;
  const recall = actual === 0 ? 0 : matched / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { f1, precision, recall, phrases: phrases.length };
}
