/**
 * The `vary` model's core on the real addon: the whole model's gradient (shared embedding,
 * 2-layer encoder and decoder, mu/logvar, the initial state, reparameterisation, KL, word
 * dropout) against central finite differences of its loss; a few steps of the `test` preset on
 * a tiny corpus lower the loss and bring a training phrase's reconstruction closer; the same
 * losses from the same seed, and a resumed run equal to an uninterrupted one; decoding that
 * stops at a phrase's length and samples reproducibly; and the checkpoint's round trip, with
 * bad files refused in one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNativeAddon, type SequenceOps } from '../../../../src-main/addon/binding.js';
import { AppError } from '../../../../src-main/common/errors.js';
import { BufferPool, createVae, encodeMean, type VaeConfig } from '../../../../src-main/services/phrase-models/vae.js';
import { decodeBeam, decodeGreedy, decodeSample } from '../../../../src-main/services/phrase-models/vae-decode.js';
import { decodeVaeCheckpoint, encodeVaeCheckpoint, loadVae, saveVae } from '../../../../src-main/services/phrase-models/vae-checkpoint.js';
import { matchedNotes, reconstructPhrases, reconstructionF1 } from '../../../../src-main/services/phrase-models/vae-eval.js';
import { VAE_PRESETS } from '../../../../src-main/services/phrase-models/vae-presets.js';
import { trainVae, vaeForwardBackward, type VaeSchedule } from '../../../../src-main/services/phrase-models/vae-train.js';
import { cutPhrases, phraseTokens } from '../../../../src-main/services/phrases/phrases.js';
import { BAR, BOS, EOS, VOCAB_SIZE, decode, lengthInSteps } from '../../../../src-main/services/phrases/tokens.js';
import { expectGradientsMatchDifferences, TWO_SHAPES } from '../../../helpers/phrase-gradients.js';

const PHRASES = cutPhrases(TWO_SHAPES, 4, 'two-shapes');
const TEST = VAE_PRESETS.test;
const schedule = (steps: number, over: Partial<VaeSchedule> = {}): VaeSchedule => ({ ...TEST.schedule, lanes: 2, steps, ...over });

let ops: SequenceOps;
beforeAll(() => {
  ops = loadNativeAddon().sequence;
});

describe('vary model (LSTM VAE)', () => {
  it('gives the gradient of finite differences of its own loss (every block, KL and word dropout on)', () => {
    const config: VaeConfig = { vocab: VOCAB_SIZE, embedding: 6, encoderHidden: 8, encoderLayers: 2, latent: 5, decoderHidden: 7, decoderLayers: 2, dropout: 0.2 };
    const vae = createVae(ops, config, '3');
    const batch = [phraseTokens(PHRASES[0]!).slice(0, 14).concat([EOS]), phraseTokens(PHRASES[1]!).slice(0, 9).concat([EOS])];
    const pool = new BufferPool();
    const lossAndGrad = (): { loss: number; grad: Float32Array } => {
      const grad = new Float32Array(vae.layout.total);
      const { loss } = vaeForwardBackward(vae, pool, batch, grad, { beta: 0.7, freeBits: 0, wordDropout: 0.3 }, { eps: 11, words: 12, dropout: 13 });
      return { loss, grad };
    };
    const { grad } = lossAndGrad();
    const { layout } = vae;
    const blocks = [layout.embedding, layout.encoder, layout.encoderForwards, layout.muW, layout.muB, layout.logvarW, layout.logvarB, layout.initW, layout.initB, layout.decoder, layout.outW, layout.outB, layout.outZ];
    expectGradientsMatchDifferences({ params: vae.params, grad, loss: () => lossAndGrad().loss, blocks, embedding: { block: layout.embedding, width: config.embedding, tokens: batch[0]! } });
  });

  it('learns: a few steps of the test preset lower the loss and bring a reconstruction closer', () => {
    const untrained = createVae(ops, TEST.config, '1');
    const before = reconstructionF1(untrained, PHRASES);
    const { losses, state } = trainVae({ ops, config: TEST.config, schedule: schedule(60), train: PHRASES, seed: '1', augment: false });
    const first = losses.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
    const last = losses.slice(-5).reduce((s, v) => s + v, 0) / 5;
    expect(losses[0]).toBeGreaterThan(4.5); // about ln 236 = 5.5 at the start
    expect(last).toBeLessThan(0.5 * first);
    const after = reconstructionF1(state.vae, PHRASES);
    expect(after.phrases).toBe(2);
    expect(after.f1).toBeGreaterThan(before.f1 + 0.2);
    // The first phrase's own notes, matched more often than before.
    const reference = decode(phraseTokens(PHRASES[0]!));
    expect(matchedNotes(reconstructPhrases(state.vae, PHRASES)[0]!, reference)).toBeGreaterThan(matchedNotes(reconstructPhrases(untrained, PHRASES)[0]!, reference));
  });

  it('gives the same losses from the same seed, others from another, and resumes exactly', () => {
    const run = (seed: string) => trainVae({ ops, config: TEST.config, schedule: schedule(10, { wordDropout: 0.2 }), train: PHRASES, seed });
    const whole = run('5');
    expect(run('5').losses).toEqual(whole.losses);
    expect(run('6').losses).not.toEqual(whole.losses);
    let calls = 0;
    const part = trainVae({ ops, config: TEST.config, schedule: schedule(10, { wordDropout: 0.2 }), train: PHRASES, seed: '5' }, undefined, () => ++calls > 6);
    expect(part.stopped).toBe(true);
    expect(part.state.step).toBe(6);
    // Through a checkpoint, as a training worker resumes.
    const saved = decodeVaeCheckpoint(ops, encodeVaeCheckpoint(part.state.vae, part.state));
    const rest = trainVae({ ops, config: TEST.config, schedule: schedule(10, { wordDropout: 0.2 }), train: PHRASES, seed: '5', resume: { vae: saved.vae, ...saved.training! } });
    expect([...part.losses, ...rest.losses]).toEqual(whole.losses);
    expect(Array.from(rest.state.vae.params)).toEqual(Array.from(whole.state.vae.params));
  });

  it('decodes from BOS to EOS, stopping at the length asked for, and samples reproducibly', () => {
    const vae = createVae(ops, TEST.config, '2');
    const latents = encodeMean(vae, PHRASES.map(phraseTokens));
    expect(latents).toHaveLength(2);
    expect(latents[0]).toHaveLength(TEST.config.latent);
    const greedy = decodeGreedy(vae, latents, { maxTokens: 400, lengthSteps: 4 * 48 });
    for (const tokens of greedy) {
      expect(tokens[0]).toBe(BOS);
      expect(tokens.slice(1)).not.toContain(BOS);
      expect(tokens.length).toBeLessThanOrEqual(402);
      if (tokens[tokens.length - 1] === EOS) expect(lengthInSteps(tokens)).toBeLessThanOrEqual(4 * 48 + 48);
    }
    expect(decodeGreedy(vae, latents, { maxTokens: 3 })[0]!.length).toBeLessThanOrEqual(4);
    const a = decodeSample(vae, latents, 1, '42', { maxTokens: 60 });
    expect(decodeSample(vae, latents, 1, '42', { maxTokens: 60 })).toEqual(a);
    expect(decodeSample(vae, latents, 1, '43', { maxTokens: 60 })).not.toEqual(a);
    // A latent's phrase does not depend on what is decoded beside it.
    expect(decodeSample(vae, [latents[0]!], 1, '42', { maxTokens: 60 })[0]).toEqual(a[0]);
    expect(() => encodeMean(vae, [[EOS]])).toThrow('A phrase to encode is its tokens from BOS to EOS.');
    expect(() => decodeGreedy(vae, [new Float32Array(3)])).toThrow(`A latent of this model has ${TEST.config.latent} numbers (got 3).`);
  });

  it('decodes by beam search: a beam of 1 is greedy, and a wider one ends as greedy does', () => {
    const vae = createVae(ops, TEST.config, '2');
    const latents = encodeMean(vae, PHRASES.map(phraseTokens));
    const options = { maxTokens: 400, lengthSteps: 4 * 48 };
    expect(decodeBeam(vae, latents, 1, options)).toEqual(decodeGreedy(vae, latents, options));
    for (const tokens of decodeBeam(vae, latents, 4, options)) {
      expect(tokens[0]).toBe(BOS);
      expect(tokens.slice(1)).not.toContain(BOS);
      if (tokens[tokens.length - 1] === EOS) expect(lengthInSteps(tokens)).toBeLessThanOrEqual(4 * 48 + 48);
    }
    // The app's ends: EOS, or the bar line that would start bar 3 (EOS in its place).
    for (const tokens of decodeBeam(vae, latents, 4, { maxTokens: 400, bars: 2 })) expect(tokens.filter((token) => token === BAR).length).toBeLessThanOrEqual(2);
    expect(() => decodeBeam(vae, latents, 0)).toThrow('The beam width is a whole number ≥ 1 (got 0).');
  });

  it('saves and loads a checkpoint, and refuses a bad one in one line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eureka-vae-'));
    try {
      const { state } = trainVae({ ops, config: TEST.config, schedule: schedule(3), train: PHRASES, seed: '1' });
      const file = path.join(dir, 'model.ckpt');
      await saveVae(file, state.vae, state, { preset: 'test' });
      const loaded = await loadVae(ops, file);
      expect(loaded.vae.config).toEqual(TEST.config);
      expect(Array.from(loaded.vae.params)).toEqual(Array.from(state.vae.params));
      expect(loaded.training?.step).toBe(3);
      expect(Array.from(loaded.training!.v)).toEqual(Array.from(state.v));
      expect(loaded.info).toEqual({ preset: 'test' });
      await saveVae(file, state.vae, null);
      expect((await loadVae(ops, file)).training).toBeNull();

      const bytes = readFileSync(file);
      const refuse = async (content: Uint8Array, message: string): Promise<void> => {
        const bad = path.join(dir, 'bad.ckpt');
        writeFileSync(bad, content);
        const error = await loadVae(ops, bad).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).message).toBe(message.replace('FILE', bad));
      };
      await refuse(Buffer.from('EULSTMLM0000'), 'FILE is not a vary model checkpoint: it does not start with EUVAEPHR.');
      await refuse(bytes.subarray(0, bytes.length - 4), `FILE is not a vary model checkpoint: it is ${bytes.length - 4} bytes where its header says ${bytes.length}.`);
      const headerLength = bytes.readUInt32LE(8);
      const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8'));
      const withHeader = (changed: unknown): Uint8Array => {
        const json = Buffer.from(JSON.stringify(changed));
        const out = Buffer.alloc(12 + json.length);
        out.write('EUVAEPHR', 0, 'ascii');
        out.writeUInt32LE(json.length, 8);
        json.copy(out, 12);
        return out;
      };
      await refuse(withHeader({ ...header, version: 3 }), 'FILE was written by a newer Eureka (vary model format 3; this one reads up to 2).');
      await refuse(withHeader({ ...header, version: 1 }), 'FILE is a vary model of an earlier Eureka (format 1; this one reads 2): train it again.');
      await refuse(withHeader({ ...header, params: 5 }), `FILE is not a vary model checkpoint: it holds 5 parameters where its configuration has ${state.vae.layout.total}.`);
      await refuse(withHeader({ ...header, config: { ...header.config, vocab: 10 } }), `FILE is not a vary model checkpoint: its configuration is not one (The model's vocabulary is the ${VOCAB_SIZE} phrase tokens (got 10).).`);
      const missing = await loadVae(ops, path.join(dir, 'none.ckpt')).catch((e: unknown) => e);
      expect((missing as AppError).code).toBe('NOT_FOUND');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
