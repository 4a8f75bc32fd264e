/**
 * The `continue` model's core on the real addon: the whole model's gradient (embedding, a
 * 2-layer LSTM with dropout, dense, cross-entropy) against central finite differences of its
 * loss, training that learns a tiny repeating phrase, the same losses from the same seed (and
 * a resumed run equal to an uninterrupted one), scoring that counts tokens as the Markov
 * baseline does, sampling reproducible from its seed, and the checkpoint's round trip.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNativeAddon, type SequenceOps } from '../../../../src-main/addon/binding.js';
import type { PartMusic } from '../../../../src-main/common/midi.js';
import { decodeLmCheckpoint, encodeLmCheckpoint, loadLm, saveLm } from '../../../../src-main/services/phrase-models/lm-checkpoint.js';
import { scoreLm } from '../../../../src-main/services/phrase-models/lm-eval.js';
import { LM_PRESETS } from '../../../../src-main/services/phrase-models/lm-presets.js';
import { continuePhrase, continueTokens } from '../../../../src-main/services/phrase-models/lm-sample.js';
import { trainLm, type LmSchedule } from '../../../../src-main/services/phrase-models/lm-train.js';
import { LmPass, createLm, fastRandom, type LmConfig } from '../../../../src-main/services/phrase-models/lstm-lm.js';
import { MarkovChain } from '../../../../src-main/services/phrases/markov.js';
import { cutPhrases, phraseTokens } from '../../../../src-main/services/phrases/phrases.js';
import { BAR, BOS, EOS, PAD, VOCAB_SIZE, encode } from '../../../../src-main/services/phrases/tokens.js';

/** 8 bars of 4/4: an arpeggio in quarter notes (C E G C', once a bar), a phrase a tiny model learns in a second. */
const REPEATING: PartMusic = {
  program: 0,
  channel: 0,
  notes: Array.from({ length: 32 }, (_, i) => ({ pitch: [60, 64, 67, 72][i % 4]!, startBeats: i, durationBeats: 1, velocity: 88 })),
  bends: [],
  tempoMap: [{ beats: 0, bpm: 120 }],
  meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
};
const PHRASES = cutPhrases(REPEATING, 4, 'repeating');
const TEST = LM_PRESETS.test;
const schedule = (steps: number): LmSchedule => ({ ...TEST.schedule, steps });

let ops: SequenceOps;
beforeAll(() => {
  ops = loadNativeAddon().sequence;
});

describe('LSTM language model', () => {
  it("gives the gradient of finite differences of its own loss (every block, dropout on)", () => {
    const config: LmConfig = { vocab: VOCAB_SIZE, embedding: 6, hidden: 10, layers: 2, dropout: 0.3 };
    const model = createLm(ops, config, '3');
    const pass = new LmPass(model, 6, 3);
    const tokens = phraseTokens(PHRASES[0]!);
    for (let n = 0; n < pass.N; n++) {
      pass.ids[n] = tokens[n % 20]!;
      pass.targets[n] = n % 7 === 0 ? PAD : tokens[(n % 20) + 1]!; // a few ignored targets
    }
    const h0 = Float32Array.from({ length: pass.h0.length }, (_, i) => Math.sin(i) * 0.5);
    const c0 = Float32Array.from({ length: pass.c0.length }, (_, i) => Math.cos(i) * 0.5);
    const lossAndGrad = (): { loss: number; grad: Float32Array } => {
      pass.h0.set(h0);
      pass.c0.set(c0);
      const grad = new Float32Array(model.layout.total);
      return { loss: pass.forwardBackward(grad, 77).loss, grad };
    };
    const { grad } = lossAndGrad();
    // One parameter per block (embedding rows of tokens that occur, both LSTM layers, dense W and b):
    // of 30 seeded candidates in each, the one with the largest gradient, so the check has something to check.
    const random = fastRandom('9', 'fd-candidates');
    const { layout } = model;
    const blocks = [
      { from: layout.embedding.offset + pass.ids[0]! * config.embedding, length: config.embedding },
      { from: layout.lstm.offset, length: layout.lstm.layerOffsets[1]! },
      { from: layout.lstm.offset + layout.lstm.layerOffsets[1]!, length: layout.lstm.length - layout.lstm.layerOffsets[1]! },
      { from: layout.outW.offset, length: layout.outW.length },
      { from: layout.outB.offset, length: layout.outB.length },
    ];
    for (const block of blocks) {
      let index = block.from;
      for (let k = 0; k < 30; k++) {
        const candidate = block.from + Math.floor(random() * block.length);
        if (Math.abs(grad[candidate]!) > Math.abs(grad[index]!)) index = candidate;
      }
      expect(Math.abs(grad[index]!)).toBeGreaterThan(1e-3);
      const keep = model.params[index]!;
      const step = 1e-2;
      model.params[index] = keep + step;
      const up = lossAndGrad().loss;
      model.params[index] = keep - step;
      const down = lossAndGrad().loss;
      model.params[index] = keep;
      const numeric = (up - down) / (2 * step);
      expect(Math.abs(numeric - grad[index]!)).toBeLessThan(0.03 * Math.abs(grad[index]!) + 2e-4);
    }
  });

  it('learns a repeating phrase: the loss falls far below its start', () => {
    // Without augmentation, so the phrase is the same every epoch: only its bar count (where EOS comes) is left to guess.
    const { losses } = trainLm({ ops, config: TEST.config, schedule: schedule(150), train: PHRASES, seed: '1', augment: false });
    expect(losses[0]!).toBeGreaterThan(4); // about ln 236 = 5.5 at the start
    const last = losses.slice(-5).reduce((sum, value) => sum + value, 0) / 5;
    expect(last).toBeLessThan(0.1 * losses[0]!);
  });

  it('gives the same losses from the same seed, others from another, and resumes exactly', () => {
    const run = (seed: string, steps = 12) => trainLm({ ops, config: { ...TEST.config, dropout: 0.2 }, schedule: schedule(steps), train: PHRASES, seed });
    const first = run('5');
    expect(run('5').losses).toEqual(first.losses);
    expect(run('6').losses).not.toEqual(first.losses);
    // Stopped after 7 steps and resumed: the same 12 losses and the same weights.
    let calls = 0;
    const part = trainLm({ ops, config: { ...TEST.config, dropout: 0.2 }, schedule: schedule(12), train: PHRASES, seed: '5' }, undefined, () => ++calls > 7);
    expect(part.stopped).toBe(true);
    expect(part.state.step).toBe(7);
    const rest = trainLm({ ops, config: TEST.config, schedule: schedule(12), train: PHRASES, seed: '5', resume: part.state });
    expect([...part.losses, ...rest.losses]).toEqual(first.losses);
    expect(Array.from(rest.state.model.params)).toEqual(Array.from(first.state.model.params));
  });

  it('scores the tokens markov.ts scores, and a trained model beats the untrained one', () => {
    const sequences = PHRASES.map(phraseTokens);
    const untrained = scoreLm(createLm(ops, TEST.config, '1'), sequences);
    expect(untrained.tokens).toBe(MarkovChain.fit(sequences, 3).score(sequences).tokens);
    expect(untrained.perplexity).toBeGreaterThan(50); // near a uniform guess over 236 tokens
    const trained = scoreLm(trainLm({ ops, config: TEST.config, schedule: schedule(150), train: PHRASES, seed: '1', augment: false }).state.model, sequences);
    expect(trained.perplexity).toBeLessThan(untrained.perplexity / 10);
    expect(trained.accuracy).toBeGreaterThan(0.6);
  });
});

describe('continuing a phrase', () => {
  let trained: ReturnType<typeof trainLm>['state']['model'];
  beforeAll(() => {
    trained = trainLm({ ops, config: TEST.config, schedule: schedule(200), train: PHRASES, seed: '2', augment: false }).state.model;
  });

  it('gives the same notes from the same seed and others from another, after the context', () => {
    const notes = continuePhrase(trained, REPEATING, 0, 8, 2, 1, '42');
    expect(continuePhrase(trained, REPEATING, 0, 8, 2, 1, '42')).toEqual(notes);
    expect(notes.length).toBeGreaterThan(4);
    expect(Math.min(...notes.map((note) => note.startBeats))).toBeGreaterThanOrEqual(8);
    // Near-greedy, the learned arpeggio goes on: two bars of quarters from beat 8, the cycle unbroken.
    const cold = continuePhrase(trained, REPEATING, 0, 8, 2, 0.1, '42');
    expect(cold.map((note) => [note.pitch, note.startBeats])).toEqual(REPEATING.notes.slice(0, 8).map((note) => [note.pitch, note.startBeats + 8]));
    const hot = [1, 2, 3, 4].map((seed) => continuePhrase(trained, REPEATING, 0, 8, 2, 3, String(seed)));
    expect(hot.some((other) => JSON.stringify(other) !== JSON.stringify(hot[0]))).toBe(true);
  });

  it('stops before the N-th bar line it would write and never draws PAD, BOS or EOS', () => {
    const context = encode(REPEATING, 0, 8).slice(0, -1).concat(BAR);
    const tokens = continueTokens(trained, context, { bars: 3 }, 1.5, '7');
    expect(tokens.filter((token) => token === BAR)).toHaveLength(2);
    expect(tokens.some((token) => token === PAD || token === BOS || token === EOS)).toBe(false);
    expect(continueTokens(trained, context, { tokens: 25 }, 1, '7')).toHaveLength(25);
    expect(() => continueTokens(trained, context, { bars: 2 }, 0, '7')).toThrow('The temperature is a number above 0');
    expect(() => continueTokens(trained, [BAR], { bars: 2 }, 1, '7')).toThrow('starts with BOS');
  });
});

describe('checkpoint', () => {
  it('round-trips the model and its training state through an atomically written file', async () => {
    const { state } = trainLm({ ops, config: { ...TEST.config, layers: 2, dropout: 0.1 }, schedule: schedule(5), train: PHRASES, seed: '4' });
    const dir = mkdtempSync(path.join(tmpdir(), 'eureka-lm-'));
    try {
      const file = path.join(dir, 'continue.eulm');
      await saveLm(file, state.model, state, { seed: '4' });
      const loaded = await loadLm(ops, file);
      expect(loaded.model.config).toEqual(state.model.config);
      expect(loaded.model.layout).toEqual(state.model.layout);
      expect(Array.from(loaded.model.params)).toEqual(Array.from(state.model.params));
      expect(loaded.training!.step).toBe(5);
      for (const key of ['m', 'v', 'h0', 'c0'] as const) expect(Array.from(loaded.training![key])).toEqual(Array.from(state[key]));
      expect(loaded.info).toEqual({ seed: '4' });
      const sequences = PHRASES.map(phraseTokens);
      expect(scoreLm(loaded.model, sequences)).toEqual(scoreLm(state.model, sequences));
      const modelOnly = decodeLmCheckpoint(ops, encodeLmCheckpoint(state.model, null));
      expect(modelOnly.training).toBeNull();

      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, bytes.length - 4));
      await expect(loadLm(ops, file)).rejects.toThrow(/is not a phrase model checkpoint: it is \d+ bytes where its header says \d+\.$/);
      expect(() => decodeLmCheckpoint(ops, new Uint8Array(40))).toThrow('the checkpoint is not a phrase model checkpoint: it does not start with EULSTMLM.');
      const newer = Buffer.from(bytes);
      const headerLength = newer.readUInt32LE(8);
      const header = newer.subarray(12, 12 + headerLength).toString('utf8').replace('"version":1', '"version":9');
      newer.write(header, 12, 'utf8');
      expect(() => decodeLmCheckpoint(ops, newer)).toThrow('was written by a newer Eureka (phrase model format 9');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
