/**
 * Seeds and seeded randomness, one implementation for every feature: training runs, take
 * batches and rating sessions all record a seed (a decimal string in [0, 2^64)) so their work
 * can be repeated and audited.
 *
 * The generator is splitmix64 (Steele, Lea & Flood 2014) over a 64-bit state: the seed xor a
 * 64-bit FNV-1a hash of a stream name ("takes", "order:2"), so every use draws its own
 * independent stream and adding one use does not reshuffle the others. BigInt is slow, but the
 * callers draw a few thousand numbers.
 */
import { randomBytes } from 'node:crypto';

const MASK = (1n << 64n) - 1n;

function fnv1a64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & MASK;
  }
  return hash;
}

/** A fresh seed for work that did not ask for one: 64 random bits, decimal. */
export function randomSeed(): string {
  return randomBytes(8).readBigUInt64BE().toString();
}

/** Uniform numbers in [0, 1) from `seed` (decimal, < 2^64) and a stream name. */
export function seededRandom(seed: string, stream: string): () => number {
  let state = (BigInt(seed) ^ fnv1a64(stream)) & MASK;
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    z ^= z >> 31n;
    return Number(z >> 11n) / 2 ** 53;
  };
}

/** An integer in [0, n). */
export function randomIndex(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** A Fisher–Yates shuffled copy. */
export function shuffled<T>(values: readonly T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
