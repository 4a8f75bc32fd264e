/**
 * Latent refinement of the `vary` model (vae-refine.ts) on the real addon: the gradient with
 * respect to z against central finite differences of its objective; no steps give mu back; a
 * refinement lowers the objective and reconstructs at least as well as mu; refined in slices
 * (refineLatentsAsync, the app's) it gives the same latents.
 */
import { loadNativeAddon, type SequenceOps } from '../../../../src-main/addon/binding.js';
import { BufferPool, createVae, encodeMean, type VaeConfig } from '../../../../src-main/services/phrase-models/vae.js';
import { reconstructionF1 } from '../../../../src-main/services/phrase-models/vae-eval.js';
import { VAE_PRESETS } from '../../../../src-main/services/phrase-models/vae-presets.js';
import { latentLossAndGradient, refineLatents, refineLatentsAsync } from '../../../../src-main/services/phrase-models/vae-refine.js';
import { shiftedWindows, trainVae } from '../../../../src-main/services/phrase-models/vae-train.js';
import { cutPhrases, phraseTokens } from '../../../../src-main/services/phrases/phrases.js';
import { VOCAB_SIZE } from '../../../../src-main/services/phrases/tokens.js';
import { TWO_SHAPES } from '../../../helpers/phrase-gradients.js';

const PHRASES = cutPhrases(TWO_SHAPES, 2, 'two-shapes');
const TEST = VAE_PRESETS.test;

let ops: SequenceOps;
beforeAll(() => {
  ops = loadNativeAddon().sequence;
});

describe('vary model: latent refinement', () => {
  it('gives the gradient of finite differences of its objective with respect to z', () => {
    const config: VaeConfig = { vocab: VOCAB_SIZE, embedding: 6, encoderHidden: 8, encoderLayers: 1, latent: 5, decoderHidden: 7, decoderLayers: 2, dropout: 0 };
    const vae = createVae(ops, config, '3');
    const sequences = PHRASES.slice(0, 2).map(phraseTokens);
    const pool = new BufferPool();
    const z = Float32Array.from({ length: 2 * 5 }, (_, i) => Math.sin(i + 1));
    const grad = new Float32Array(z.length);
    latentLossAndGradient(vae, pool, sequences, z, 0.3, grad);
    const kept = Float32Array.from(grad);
    const scratch = new Float32Array(z.length);
    for (let i = 0; i < z.length; i++) {
      const at = z[i]!;
      const step = 1e-2;
      z[i] = at + step;
      const up = latentLossAndGradient(vae, pool, sequences, z, 0.3, scratch);
      z[i] = at - step;
      const down = latentLossAndGradient(vae, pool, sequences, z, 0.3, scratch);
      z[i] = at;
      const numeric = (up - down) / (2 * step);
      expect(Math.abs(numeric - kept[i]!)).toBeLessThan(0.03 * Math.abs(kept[i]!) + 2e-4);
    }
  });

  it('gives mu back with no steps, and lowers the objective with some; in slices, the same latents', async () => {
    const { state } = trainVae({ ops, config: TEST.config, schedule: { ...TEST.schedule, lanes: 2, steps: 30 }, train: PHRASES, seed: '1', augment: false });
    const vae = state.vae;
    const sequences = PHRASES.map(phraseTokens);
    const mu = encodeMean(vae, sequences);
    expect(refineLatents(vae, sequences, { steps: 0 }).map((z) => Array.from(z))).toEqual(mu.map((z) => Array.from(z)));
    const refined = refineLatents(vae, sequences, { steps: 30 });
    const sliced = await refineLatentsAsync(vae, sequences, { steps: 30, sliceMs: 0 });
    expect(sliced.map((z) => Array.from(z))).toEqual(refined.map((z) => Array.from(z)));
    const objective = (latents: Float32Array[]): number => {
      const z = new Float32Array(latents.length * latents[0]!.length);
      latents.forEach((one, b) => z.set(one, b * one.length));
      return latentLossAndGradient(vae, new BufferPool(), sequences, z, 0.01, new Float32Array(z.length));
    };
    expect(objective(refined)).toBeLessThan(objective(mu));
    expect(reconstructionF1(vae, PHRASES, refined).f1).toBeGreaterThanOrEqual(reconstructionF1(vae, PHRASES).f1);
  });

  it('adds the windows between adjacent phrases of a source', () => {
    const windows = shiftedWindows(PHRASES);
    // Four 2-bar phrases, three adjacent pairs: a window starting at bar 2 of each.
    expect(windows.map((w) => w.startBar)).toEqual([2, 4, 6]);
    expect(windows.map((w) => w.fromBeats)).toEqual([4, 12, 20]);
    // Bars 2–3 of the part: its notes from beat 4 to 12, moved to start at 0.
    const expected = TWO_SHAPES.notes.filter((note) => note.startBeats >= 4 && note.startBeats < 12).map((note) => ({ ...note, startBeats: note.startBeats - 4 }));
    expect(windows[0]!.notes).toEqual(expected);
  });
});
