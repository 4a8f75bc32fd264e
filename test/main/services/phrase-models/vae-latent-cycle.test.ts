/**
 * The latent-consistency term (vae-latent-cycle.ts) on the real addon: its gradient with
 * respect to the encoder's weights against central finite differences of the term (the
 * decoded phrases do not move: the decoder's weights are not perturbed); the targets lie along
 * the batch's own differences, within reach; the decoder gets no gradient from it; training
 * with it is deterministic per seed and resumes exactly; and it does what it is for: after the
 * same steps, a model trained with it reads back the latents its decodes came from more closely
 * than one trained without.
 */
import { loadNativeAddon, type SequenceOps } from '../../../../src-main/addon/binding.js';
import type { PartMusic } from '../../../../src-main/common/midi.js';
import { fastRandom } from '../../../../src-main/services/phrase-models/lstm-lm.js';
import { BufferPool, createVae, encodeMean, type PhraseVae, type VaeConfig } from '../../../../src-main/services/phrase-models/vae.js';
import { CYCLE_REACH, cycleTargets, latentCycleBackward } from '../../../../src-main/services/phrase-models/vae-latent-cycle.js';
import { VAE_PRESETS } from '../../../../src-main/services/phrase-models/vae-presets.js';
import { trainVae, type VaeSchedule } from '../../../../src-main/services/phrase-models/vae-train.js';
import { generateCorpus } from '../../../../src-main/services/phrases/corpus.js';
import { cutPhrases, phraseTokens } from '../../../../src-main/services/phrases/phrases.js';
import { VOCAB_SIZE } from '../../../../src-main/services/phrases/tokens.js';

/** 8 bars of 4/4: two arpeggios, quarter notes (as vae.test.ts's corpus). */
const TWO_SHAPES: PartMusic = {
  program: 0,
  channel: 0,
  notes: Array.from({ length: 32 }, (_, i) => ({ pitch: (i < 16 ? [60, 64, 67, 72] : [72, 67, 64, 60])[i % 4]!, startBeats: i, durationBeats: 1, velocity: 88 })),
  bends: [],
  tempoMap: [{ beats: 0, bpm: 120 }],
  meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
};
const PHRASES = cutPhrases(TWO_SHAPES, 2, 'two-shapes');
const TEST = VAE_PRESETS.test;
const STEPS = 150;
const schedule = (steps: number, over: Partial<VaeSchedule> = {}): VaeSchedule => ({ ...TEST.schedule, lanes: 4, steps, ...over });

let ops: SequenceOps;
beforeAll(() => {
  ops = loadNativeAddon().sequence;
});

describe('latent consistency (the sliders’ training term)', () => {
  it('draws its targets along the batch’s own differences, within reach', () => {
    const B = 3;
    const Z = 2;
    const mu = Float32Array.from([0, 0, 1, 0, 0, 2]);
    const targets = cycleTargets(mu, B, Z, 5);
    expect(cycleTargets(mu, B, Z, 5)).toEqual(targets);
    expect(cycleTargets(mu, B, Z, 6)).not.toEqual(targets);
    for (let b = 0; b < B; b++) {
      // t_b − mu_b = u (mu_j − mu_k): a difference of two of the batch's latents (of which the largest is (−1, 2)), scaled by |u| ≤ reach.
      const dx = targets[b * Z]! - mu[b * Z]!;
      const dy = targets[b * Z + 1]! - mu[b * Z + 1]!;
      expect(Math.hypot(dx, dy)).toBeLessThanOrEqual(CYCLE_REACH * Math.hypot(1, 2) + 1e-6);
    }
  });

  it('gives the encoder the gradient of finite differences of the term, and the decoder none', () => {
    const config: VaeConfig = { vocab: VOCAB_SIZE, embedding: 6, encoderHidden: 8, encoderLayers: 2, latent: 5, decoderHidden: 7, decoderLayers: 1, dropout: 0.2 };
    const vae = createVae(ops, config, '3');
    const batch = PHRASES.slice(0, 3).map(phraseTokens);
    const mu = Float32Array.from({ length: 3 * config.latent }, (_, i) => Math.sin(i + 1));
    const pool = new BufferPool();
    const termAndGrad = (): { term: number; grad: Float32Array } => {
      const grad = new Float32Array(vae.layout.total);
      const term = latentCycleBackward(vae, pool, batch, mu, grad, 0.7, 17);
      return { term, grad };
    };
    const { term, grad } = termAndGrad();
    expect(term).toBeGreaterThan(0);
    const { layout } = vae;
    for (const block of [layout.initW, layout.decoder, layout.outW, layout.outB, layout.outZ]) {
      expect(grad.subarray(block.offset, block.offset + block.length).every((value) => value === 0)).toBe(true);
    }
    expect(grad.subarray(layout.logvarW.offset, layout.logvarW.offset + layout.logvarW.length).every((value) => value === 0)).toBe(true);
    const random = fastRandom('4', 'fd-candidates');
    for (const block of [layout.encoder, layout.encoderForwards, layout.muW, layout.muB]) {
      let index = block.offset;
      for (let k = 0; k < 40; k++) {
        const candidate = block.offset + Math.floor(random() * block.length);
        if (Math.abs(grad[candidate]!) > Math.abs(grad[index]!)) index = candidate;
      }
      expect(Math.abs(grad[index]!)).toBeGreaterThan(1e-5);
      const keep = vae.params[index]!;
      const step = 1e-2;
      vae.params[index] = keep + step;
      const up = termAndGrad().term;
      vae.params[index] = keep - step;
      const down = termAndGrad().term;
      vae.params[index] = keep;
      const numeric = (up - down) / (2 * step);
      expect(Math.abs(numeric - grad[index]!)).toBeLessThan(0.03 * Math.abs(grad[index]!) + 2e-6);
    }
  });

  it('trains deterministically per seed, resumes exactly, and reads its own decodes back more closely', () => {
    const run = (seed: string, steps: number, latentCycle: number) => trainVae({ ops, config: TEST.config, schedule: schedule(steps, { latentCycle }), train: PHRASES, seed });
    const a = run('2', 40, 1);
    expect(run('2', 40, 1).losses).toEqual(a.losses);
    const half = trainVae({ ops, config: TEST.config, schedule: schedule(40, { latentCycle: 1 }), train: PHRASES, seed: '2' }, undefined, (() => {
      let calls = 0;
      return () => ++calls > 20;
    })());
    expect(half.stopped).toBe(true);
    const rest = trainVae({ ops, config: TEST.config, schedule: schedule(40, { latentCycle: 1 }), train: PHRASES, seed: '2', resume: half.state });
    expect([...half.losses, ...rest.losses]).toEqual(a.losses);

    // What it is for, on a small corpus of the generator's: after the same steps, the term (the
    // distance between latents near the training phrases' and the mu of their decodes) is lower
    // in a model trained with it than in one trained without.
    const corpus = generateCorpus({ seed: '3', pieces: 4 }).flatMap((piece) => cutPhrases(piece.music, 2, piece.name));
    const trained = (latentCycle: number): PhraseVae => trainVae({ ops, config: TEST.config, schedule: schedule(STEPS, { lanes: 8, latentCycle }), train: corpus, seed: '4' }).state.vae;
    const termOf = (vae: PhraseVae): number => {
      const batch = corpus.slice(0, 16).map(phraseTokens);
      const mu = new Float32Array(batch.length * vae.config.latent);
      encodeMean(vae, batch).forEach((z, b) => mu.set(z, b * vae.config.latent));
      return latentCycleBackward(vae, new BufferPool(), batch, mu, new Float32Array(vae.layout.total), 1, 99);
    };
    const [withTerm, withoutTerm] = [termOf(trained(1)), termOf(trained(0))];
    // Measured: 0.29 with, 0.60 without.
    expect(withTerm).toBeLessThan(0.75 * withoutTerm);
  }, 120_000);
});
