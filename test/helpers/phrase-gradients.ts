/**
 * What the phrase models' gradient tests share (vae.test.ts, transformer-vae.test.ts,
 * vae-refine.test.ts): a tiny corpus of two shapes, and the check of a model's parameter
 * gradient against central finite differences of its loss, block by block.
 */
import type { PartMusic } from '../../src-main/common/midi.js';
import { fastRandom } from '../../src-main/services/phrase-models/lstm-lm.js';
import type { Block } from '../../src-main/services/phrase-models/vae.js';

/** 8 bars of 4/4 in two halves: an arpeggio up (C E G C') and one down (C' G E C), quarter notes. */
export const TWO_SHAPES: PartMusic = {
  program: 0,
  channel: 0,
  notes: Array.from({ length: 32 }, (_, i) => ({ pitch: (i < 16 ? [60, 64, 67, 72] : [72, 67, 64, 60])[i % 4]!, startBeats: i, durationBeats: 1, velocity: 88 })),
  bends: [],
  tempoMap: [{ beats: 0, bpm: 120 }],
  meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
};

export interface GradientCheck {
  params: Float32Array;
  /** The analytic gradient of `loss` at params as they are. */
  grad: Float32Array;
  /** The loss at params as they are now (the check moves one parameter at a time). */
  loss: () => number;
  blocks: readonly Block[];
  /** The embedding's block and row width, and a batch's tokens: its candidates are rows of those tokens (the others have no gradient). */
  embedding?: { block: Block; width: number; tokens: readonly number[] };
}

/**
 * In each block, of 40 seeded candidates, the parameter with the largest gradient: its central
 * difference (step 1e-2) must match the gradient within 3 % (plus 2e-5), and that gradient must
 * not be negligible (a block the loss does not reach fails).
 */
export function expectGradientsMatchDifferences({ params, grad, loss, blocks, embedding }: GradientCheck): void {
  const random = fastRandom('9', 'fd-candidates');
  for (const block of blocks) {
    let index = block.offset;
    for (let k = 0; k < 40; k++) {
      const candidate =
        embedding !== undefined && block === embedding.block
          ? block.offset + embedding.tokens[Math.floor(random() * embedding.tokens.length)]! * embedding.width + Math.floor(random() * embedding.width)
          : block.offset + Math.floor(random() * block.length);
      if (Math.abs(grad[candidate]!) > Math.abs(grad[index]!)) index = candidate;
    }
    expect(Math.abs(grad[index]!)).toBeGreaterThan(1e-4);
    const keep = params[index]!;
    const step = 1e-2;
    params[index] = keep + step;
    const up = loss();
    params[index] = keep - step;
    const down = loss();
    params[index] = keep;
    const numeric = (up - down) / (2 * step);
    expect(Math.abs(numeric - grad[index]!)).toBeLessThan(0.03 * Math.abs(grad[index]!) + 2e-5);
  }
}
