/**
 * The VAE-Transformer variant of `vary` (transformer-vae.ts, transformer-vae-train.ts) on the
 * real addon: the whole model's gradient (shared embedding, 2 encoder and 2 decoder blocks with
 * attention, layer norms, GELU, residual dropout, the mean pool, mu/logvar, z's input projection
 * and direct logits, reparameterisation, KL, word dropout) against central finite differences
 * of its loss; the gradient with respect to z that refinement follows; the same losses from the
 * same seed; a few steps lowering the loss; a causal decoder (a token's logits do not depend on
 * later tokens); decoding from BOS to EOS at the length asked for; and refinement and
 * reconstruction F1 (vae-refine.ts, vae-eval.ts) running on it through their interfaces.
 */
import { loadNativeAddon, type SequenceOps } from '../../../../src-main/addon/binding.js';
import {
  createTransformerVae,
  tfDecoderForward,
  type TransformerVaeConfig,
} from '../../../../src-main/services/phrase-models/transformer-vae.js';
import { trainTransformerVae, transformerVaeForwardBackward } from '../../../../src-main/services/phrase-models/transformer-vae-train.js';
import { BufferPool, type Block } from '../../../../src-main/services/phrase-models/vae.js';
import { reconstructionF1 } from '../../../../src-main/services/phrase-models/vae-eval.js';
import { VAE_PRESETS } from '../../../../src-main/services/phrase-models/vae-presets.js';
import { refineLatents } from '../../../../src-main/services/phrase-models/vae-refine.js';
import { cutPhrases, phraseTokens } from '../../../../src-main/services/phrases/phrases.js';
import { BOS, EOS, VOCAB_SIZE, lengthInSteps } from '../../../../src-main/services/phrases/tokens.js';
import { expectGradientsMatchDifferences, TWO_SHAPES } from '../../../helpers/phrase-gradients.js';

const PHRASES = cutPhrases(TWO_SHAPES, 4, 'two-shapes');
const TINY: TransformerVaeConfig = { vocab: VOCAB_SIZE, width: 8, heads: 2, ffn: 12, encoderLayers: 2, decoderLayers: 2, latent: 5, dropout: 0.2 };
const SMALL: TransformerVaeConfig = { vocab: VOCAB_SIZE, width: 32, heads: 4, ffn: 64, encoderLayers: 1, decoderLayers: 1, latent: 16, dropout: 0 };
const schedule = (steps: number) => ({ ...VAE_PRESETS.test.schedule, lanes: 2, steps });

let ops: SequenceOps;
beforeAll(() => {
  ops = loadNativeAddon().sequence;
});

describe('vary model, VAE-Transformer variant', () => {
  it('gives the gradient of finite differences of its own loss (every tensor, dropout, KL and word dropout on)', () => {
    const vae = createTransformerVae(ops, TINY, '3');
    const batch = [phraseTokens(PHRASES[0]!).slice(0, 14).concat([EOS]), phraseTokens(PHRASES[1]!).slice(0, 9).concat([EOS])];
    const pool = new BufferPool();
    const lossAndGrad = (): { loss: number; grad: Float32Array } => {
      const grad = new Float32Array(vae.layout.total);
      const { loss } = transformerVaeForwardBackward(vae, pool, batch, grad, { beta: 0.7, freeBits: 0, wordDropout: 0.3 }, { eps: 11, words: 12, dropout: 13 });
      return { loss, grad };
    };
    const { grad } = lossAndGrad();
    const { layout } = vae;
    const inBlock = (start: number, part: Block): Block => ({ offset: start + part.offset, length: part.length });
    const blocks: Block[] = [
      layout.embedding, layout.encoderLnG, layout.encoderLnB, layout.muW, layout.muB, layout.logvarW, layout.logvarB,
      layout.latentInW, layout.latentInB, layout.decoderLnG, layout.decoderLnB, layout.outW, layout.outB, layout.outZ,
      // The key bias is left out: it adds q·bk to every score of a query, which the softmax ignores (its gradient is 0).
      ...[...layout.encoderBlocks, ...layout.decoderBlocks].flatMap((start) =>
        Object.entries(layout.blockParts)
          .filter(([name]) => name !== 'bk')
          .map(([, part]) => inBlock(start, part)),
      ),
    ];
    for (const start of [...layout.encoderBlocks, ...layout.decoderBlocks]) {
      const bk = inBlock(start, layout.blockParts.bk);
      for (let i = bk.offset; i < bk.offset + bk.length; i++) expect(Math.abs(grad[i]!)).toBeLessThan(1e-6);
    }
    expectGradientsMatchDifferences({ params: vae.params, grad, loss: () => lossAndGrad().loss, blocks, embedding: { block: layout.embedding, width: TINY.width, tokens: batch[0]! } });
  });

  it("gives refinement the gradient of finite differences of its objective with respect to z", () => {
    const vae = createTransformerVae(ops, { ...TINY, dropout: 0 }, '4');
    const sequences = PHRASES.map(phraseTokens).map((tokens, i) => tokens.slice(0, 10 + 3 * i).concat([EOS]));
    const pool = new BufferPool();
    const z = Float32Array.from({ length: 2 * TINY.latent }, (_, i) => Math.sin(i + 1));
    const grad = new Float32Array(z.length);
    vae.latentLossAndGradient(pool, sequences, z, 0.05, grad);
    const scratch = new Float32Array(z.length);
    for (let i = 0; i < z.length; i++) {
      const keep = z[i]!;
      const step = 1e-2;
      z[i] = keep + step;
      const up = vae.latentLossAndGradient(pool, sequences, z, 0.05, scratch);
      z[i] = keep - step;
      const down = vae.latentLossAndGradient(pool, sequences, z, 0.05, scratch);
      z[i] = keep;
      expect(Math.abs((up - down) / (2 * step) - grad[i]!)).toBeLessThan(0.03 * Math.abs(grad[i]!) + 1e-4);
    }
  });

  it('gives the same losses from the same seed, others from another, and learns', () => {
    const run = (seed: string, steps: number) => trainTransformerVae({ ops, config: { ...SMALL, dropout: 0.1 }, schedule: schedule(steps), train: PHRASES, seed, augment: false });
    const whole = run('5', 8);
    expect(run('5', 8).losses).toEqual(whole.losses);
    expect(run('6', 8).losses).not.toEqual(whole.losses);
    const { losses } = trainTransformerVae({ ops, config: SMALL, schedule: schedule(60), train: PHRASES, seed: '1', augment: false });
    const first = losses.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
    const last = losses.slice(-5).reduce((s, v) => s + v, 0) / 5;
    expect(last).toBeLessThan(0.5 * first);
  });

  it('is causal: the logits at a position do not change with the tokens after it', () => {
    const vae = createTransformerVae(ops, SMALL, '7');
    const pool = new BufferPool();
    const z = Float32Array.from({ length: SMALL.latent }, (_, i) => Math.cos(i));
    const tokens = phraseTokens(PHRASES[0]!).slice(0, 12);
    const at = (ids: number[]): Float32Array => tfDecoderForward(vae, pool, Int32Array.from(ids), [ids.length], ids.length, 1, z, null, null).logits.slice();
    const whole = at(tokens);
    const prefix = at(tokens.slice(0, 6));
    const changed = at([...tokens.slice(0, 6), ...tokens.slice(6).map(() => tokens[3]!)]);
    const V = VOCAB_SIZE;
    for (let j = 0; j < 6 * V; j++) {
      expect(whole[j]).toBeCloseTo(prefix[j]!, 4);
      expect(changed[j]).toBe(whole[j]);
    }
  });

  it('decodes from BOS to EOS at the length asked for, and refines and reconstructs through the shared interfaces', () => {
    const vae = trainTransformerVae({ ops, config: SMALL, schedule: schedule(30), train: PHRASES, seed: '2', augment: false }).vae;
    const sequences = PHRASES.map(phraseTokens);
    const latents = vae.encodeMean(sequences);
    expect(latents).toHaveLength(2);
    expect(latents[0]).toHaveLength(SMALL.latent);
    for (const tokens of vae.decodeGreedy(latents, { maxTokens: 400, lengthSteps: 4 * 48 })) {
      expect(tokens[0]).toBe(BOS);
      expect(tokens.slice(1)).not.toContain(BOS);
      if (tokens[tokens.length - 1] === EOS) expect(lengthInSteps(tokens)).toBeLessThanOrEqual(4 * 48 + 48);
    }
    expect(vae.decodeGreedy(latents, { maxTokens: 3 })[0]!.length).toBeLessThanOrEqual(4);
    expect(() => vae.encodeMean([[EOS]])).toThrow('A phrase to encode is its tokens from BOS to EOS.');
    // No refinement steps give mu back; some steps lower the objective.
    expect(refineLatents(vae, sequences, { steps: 0 })).toEqual(latents);
    const refined = refineLatents(vae, sequences, { steps: 20 });
    const pool = new BufferPool();
    const objective = (zs: Float32Array[]): number => {
      const z = new Float32Array(2 * SMALL.latent);
      zs.forEach((latent, b) => z.set(latent, b * SMALL.latent));
      return vae.latentLossAndGradient(pool, sequences, z, 0.01, new Float32Array(z.length));
    };
    expect(objective(refined)).toBeLessThan(objective(latents));
    const score = reconstructionF1(vae, PHRASES, refined);
    expect(score.phrases).toBe(2);
    expect(score.f1).toBeGreaterThanOrEqual(0);
  });
});
