/**
 * A `vary` model's training job (run-phrase-training.ts describes the steps every job takes):
 * the LSTM VAE of phrase-models/ trained with trainVae on the training phrases (all of the
 * model's length in bars), its held-out reconstruction note F1, the sliders fitted over the
 * training phrases' mean latents (`latent-space.json`), and its ONNX export: the encoder, the
 * initial-state graph and the decoder (models/onnx/vae-onnx.ts).
 */
import { rm, stat } from 'node:fs/promises';
import type { SequenceOps } from '../../addon/binding.js';
import type { PhraseEvaluation } from '../../common/phrases.js';
import {
  PHRASE_MODEL_FILES,
  phraseModelFile,
  phraseOnnxDirOf,
  phraseOnnxFile,
  writePhraseOnnxManifest,
  type PhraseCorpus,
} from '../models/phrase-model-files.js';
import { exportVaeOnnx } from '../models/onnx/vae-onnx.js';
import { fitLatentSpace, saveLatentSpace } from '../phrase-models/latent-space.js';
import { loadVae, saveVae } from '../phrase-models/vae-checkpoint.js';
import { reconstructionF1 } from '../phrase-models/vae-eval.js';
import { VAE_PRESETS, measureVaeSecondsPerStep, stepsForBudget } from '../phrase-models/vae-presets.js';
import { trainVae, type VaeTrainingState } from '../phrase-models/vae-train.js';
import { encodeMean, type PhraseVae } from '../phrase-models/vae.js';
import { phraseTokens } from '../phrases/phrases.js';
import { exists, ProgressThrottle, Stretch, type PhraseEmit, type PhraseJobControl } from './job-pacing.js';
import type { PhraseJob } from './protocol.js';

export async function runVaryJob(job: PhraseJob, corpus: PhraseCorpus, ops: SequenceOps, control: PhraseJobControl, emit: PhraseEmit): Promise<void> {
  const preset = VAE_PRESETS[job.preset];
  const resumeFile = phraseModelFile(job.modelDir, 'resume');
  const modelFile = phraseModelFile(job.modelDir, 'model');
  let steps = job.steps;
  let state: VaeTrainingState | undefined;
  if (steps !== null) {
    if (await exists(resumeFile)) {
      const saved = await loadVae(ops, resumeFile);
      if (saved.training) state = { vae: saved.vae, ...saved.training };
    } else if (await exists(modelFile)) {
      // Trained to the end before, stopped before it said so: finish from the model.
      const saved = await loadVae(ops, modelFile);
      if (saved.info.step === steps) return finishVary(job, corpus, saved.vae, steps, emit);
    }
  } else {
    const secondsPerStep = measureVaeSecondsPerStep(ops, preset, corpus.train);
    steps = stepsForBudget(job.budgetSeconds, secondsPerStep);
    emit({ type: 'phrases-planned', steps, secondsPerStep });
  }
  const info = { kind: 'vary', preset: job.preset, seed: job.seed, bars: corpus.bars, steps };
  const progress = new ProgressThrottle(emit, state?.step ?? 0);
  const stretch = new Stretch(control);
  for (;;) {
    if (control.cancelled) {
      emit({ type: 'phrases-finished', cancelled: true, step: state?.step ?? 0, steps, evaluation: null });
      return;
    }
    stretch.begin();
    const result = trainVae(
      { ops, config: preset.config, schedule: { ...preset.schedule, steps }, train: corpus.train, seed: job.seed, progressEvery: 1, ...(state ? { resume: state } : {}) },
      (p) => progress.step(p.step, p.steps, p.loss),
      stretch.shouldStop,
    );
    state = result.state;
    if (!result.stopped) break;
    const { vae, ...training } = state;
    await saveVae(resumeFile, vae, training, { ...info, step: state.step });
    emit({ type: 'phrases-saved', step: state.step });
  }
  await saveVae(modelFile, state.vae, null, { ...info, step: state.step });
  await finishVary(job, corpus, state.vae, steps, emit);
}

/** The trained model's evaluation, sliders and ONNX export; resume.ckpt goes last, then the word. */
async function finishVary(job: PhraseJob, corpus: PhraseCorpus, vae: PhraseVae, steps: number, emit: PhraseEmit): Promise<void> {
  const evaluation = evaluateVary(vae, corpus);
  await saveLatentSpace(phraseModelFile(job.modelDir, 'latentSpace'), fitLatentSpace(encodeMean(vae, corpus.train.map(phraseTokens))));
  // An export that stops half-way must not look whole: the manifest goes first and comes back last.
  await rm(phraseOnnxFile(job.modelDir, 'onnxManifest'), { force: true });
  const { config } = vae;
  await exportVaeOnnx({ config, params: vae.params }, phraseOnnxDirOf(job.modelDir));
  const files = await Promise.all(
    (['vaeEncoder', 'vaeInit', 'vaeDecoder'] as const).map(async (name) => ({ file: PHRASE_MODEL_FILES[name], bytes: (await stat(phraseOnnxFile(job.modelDir, name))).size })),
  );
  await writePhraseOnnxManifest(job.modelDir, {
    format: 1,
    kind: 'vary',
    bars: corpus.bars,
    vocab: config.vocab,
    steps,
    lm: null,
    vae: {
      embedding: config.embedding,
      encoderHidden: config.encoderHidden,
      encoderLayers: config.encoderLayers,
      latent: config.latent,
      decoderHidden: config.decoderHidden,
      decoderLayers: config.decoderLayers,
    },
    files,
  });
  await rm(phraseModelFile(job.modelDir, 'resume'), { force: true });
  emit({ type: 'phrases-finished', cancelled: false, step: steps, steps, evaluation });
}

/** Held-out reconstruction note F1: each held-out phrase encoded to its mean and decoded greedily. */
export function evaluateVary(vae: PhraseVae, corpus: Pick<PhraseCorpus, 'heldOut'>): PhraseEvaluation {
  const none = { perplexity: null, accuracy: null, markovPerplexity: null, markovAccuracy: null };
  if (corpus.heldOut.length === 0) return { heldOutPhrases: 0, ...none, reconstructionF1: null };
  return { heldOutPhrases: corpus.heldOut.length, ...none, reconstructionF1: reconstructionF1(vae, corpus.heldOut).f1 };
}
