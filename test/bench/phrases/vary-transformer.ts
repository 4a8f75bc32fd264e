/**
 * Bench: the VAE-Transformer variant of `vary` (services/phrase-models/transformer-vae.ts),
 * run by vary-vae.ts with the override "arch": "transformer" on its corpus, split and schedule,
 * so it is measured on the same held-out phrases as the LSTM VAE. Trains for a fixed number of
 * steps ("steps", required: the LSTM's figures to compare with are at fixed steps) with the
 * preset's schedule (B, lr, β, warm-up, free bits, word dropout) and the architecture below
 * ("transformer": {…} overrides it), then measures as vary-vae.ts does: held-out and training
 * note F1 from mu (vae-eval.ts), held-out F1 from latents refined (vae-refine.ts), seconds per
 * step, parameters. The slider checks are the LSTM bench's alone (thousands of greedy decodes:
 * this decoder, without a key-value cache, reruns the prefix at each token).
 *   npx tsc -p tsconfig.node.json && npm run bench:vary -- quick 300 1 2 '{"arch":"transformer","steps":3000}'
 * Writes vary-transformer.json to the output folder of vary-vae.ts.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { SequenceOps } from '../../../src-main/addon/binding.js';
import { transformerVaeParameterCount, type TransformerVaeConfig } from '../../../src-main/services/phrase-models/transformer-vae.js';
import { trainTransformerVae } from '../../../src-main/services/phrase-models/transformer-vae-train.js';
import { reconstructionF1 } from '../../../src-main/services/phrase-models/vae-eval.js';
import { refineLatents, type RefineOptions } from '../../../src-main/services/phrase-models/vae-refine.js';
import type { VaeSchedule } from '../../../src-main/services/phrase-models/vae-train.js';
import { phraseTokens, type Phrase } from '../../../src-main/services/phrases/phrases.js';
import { VOCAB_SIZE } from '../../../src-main/services/phrases/tokens.js';

/**
 * The architecture measured: C 128 with 4 heads of 32, FFN 256, 2 blocks each side, Z 100 as the
 * LSTM's, residual dropout 0.1 (the usual Transformer regulariser; the 174 training phrases are
 * read ~280 times in 3000 steps). Sized to train on 2 cores in minutes, near the LSTM `quick`
 * model: 653k parameters against its 494k (a block's dense layers are 4·C² + 2·C·F = 131k
 * weights, the decoder LSTM's 4·H·(E + Z + H) = 150k), and width enough for 4 heads of 32.
 */
export const TRANSFORMER_BENCH_CONFIG: TransformerVaeConfig = {
  vocab: VOCAB_SIZE,
  width: 128,
  heads: 4,
  ffn: 256,
  encoderLayers: 2,
  decoderLayers: 2,
  latent: 100,
  dropout: 0.1,
};

export interface TransformerBenchInput {
  ops: SequenceOps;
  split: { train: readonly Phrase[]; heldOut: readonly Phrase[] };
  schedule: Omit<VaeSchedule, 'steps'>;
  steps: number;
  seed: string;
  bars: number;
  overrides: Partial<TransformerVaeConfig>;
  refine: RefineOptions;
  /** Progress reports (with held-out F1) in the run; the last step always reports. */
  reports: number;
  out: string;
  commit: string;
  line: (text: string) => void;
}

export function benchTransformer(input: TransformerBenchInput): void {
  const { ops, split, steps, seed, line } = input;
  const config = { ...TRANSFORMER_BENCH_CONFIG, ...input.overrides };
  const schedule = { ...input.schedule, steps };
  const params = transformerVaeParameterCount(config);
  line(
    `VAE-Transformer (C ${config.width}, ${config.heads} heads, FFN ${config.ffn}, encoder ${config.encoderLayers} blocks, decoder ${config.decoderLayers} blocks, Z ${config.latent}, dropout ${config.dropout}; ` +
      `${params} parameters; B ${schedule.lanes}, lr ${schedule.learningRate}, β ${schedule.beta}, warm-up ${schedule.klWarmup}, free bits ${schedule.freeBits}, word dropout ${schedule.wordDropout}): ${steps} steps, seed ${seed}`,
  );
  const curve: { step: number; epoch: number; loss: number; reconstruction: number; kl: number; f1: number; seconds: number; load: number }[] = [];
  const every = Math.max(1, Math.round(steps / input.reports));
  let trainSeconds = 0;
  let evalSeconds = 0;
  const { vae } = trainTransformerVae({ ops, config, schedule, train: split.train, seed, progressEvery: every }, (progress) => {
    const started = performance.now();
    const f1 = reconstructionF1(progress.vae, split.heldOut).f1;
    evalSeconds += (performance.now() - started) / 1000;
    trainSeconds = progress.seconds - evalSeconds;
    const load = loadavg()[0]!;
    curve.push({ step: progress.step, epoch: progress.epoch, loss: progress.loss, reconstruction: progress.reconstruction, kl: progress.kl, f1, seconds: trainSeconds, load });
    line(
      `  step ${progress.step}/${progress.steps} (epoch ${progress.epoch}, ${trainSeconds.toFixed(0)} s training, load ${load.toFixed(2)}): loss ${progress.loss.toFixed(3)}, ` +
        `cross-entropy ${progress.reconstruction.toFixed(3)}, KL ${progress.kl.toFixed(1)} nats, held-out F1 ${f1.toFixed(3)}`,
    );
  });
  const secondsPerStep = trainSeconds / steps;
  line(`training: ${trainSeconds.toFixed(0)} s, ${(secondsPerStep * 1000).toFixed(1)} ms a step (held-out checks during the run not counted)`);
  const train = reconstructionF1(vae, split.train);
  const heldOutScore = reconstructionF1(vae, split.heldOut);
  line(`reconstruction, held out: F1 ${heldOutScore.f1.toFixed(3)} (precision ${heldOutScore.precision.toFixed(3)}, recall ${heldOutScore.recall.toFixed(3)}, ${heldOutScore.phrases} phrases)`);
  line(`reconstruction, training: F1 ${train.f1.toFixed(3)} (precision ${train.precision.toFixed(3)}, recall ${train.recall.toFixed(3)})`);
  const refineStarted = performance.now();
  const refinedLatents = refineLatents(vae, split.heldOut.map(phraseTokens), input.refine);
  const refineSeconds = (performance.now() - refineStarted) / 1000;
  const refined = reconstructionF1(vae, split.heldOut, refinedLatents);
  line(
    `reconstruction, held out, latents refined (${JSON.stringify(input.refine)}, ${refineSeconds.toFixed(1)} s): F1 ${refined.f1.toFixed(3)} ` +
      `(precision ${refined.precision.toFixed(3)}, recall ${refined.recall.toFixed(3)})`,
  );
  const report = {
    commit: input.commit, arch: 'transformer', config, schedule, bars: input.bars, seed, params, steps, trainSeconds, secondsPerStep,
    heldOut: heldOutScore, train, refined: { settings: input.refine, seconds: refineSeconds, ...refined }, curve, loadAtEnd: loadavg()[0],
  };
  const file = path.join(input.out, 'vary-transformer.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  line(`written ${file}`);
}
