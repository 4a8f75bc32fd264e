/**
 * A `continue` model's training job (run-phrase-training.ts describes the steps every job
 * takes): the LSTM language model of phrase-models/ trained with trainLm on the training
 * phrases, its held-out next-token perplexity and accuracy set beside the order-3 Markov
 * chain's on the same split, and its ONNX export `onnx/lm.onnx` (models/onnx/lstm-lm-onnx.ts).
 */
import { mkdir, rm } from 'node:fs/promises';
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
import { writeLstmLmOnnx } from '../models/onnx/lstm-lm-onnx.js';
import { loadLm, saveLm } from '../phrase-models/lm-checkpoint.js';
import { scoreLm } from '../phrase-models/lm-eval.js';
import { LM_PRESETS, measureSecondsPerStep, stepsForBudget } from '../phrase-models/lm-presets.js';
import { trainLm, type LmTrainingState } from '../phrase-models/lm-train.js';
import type { LstmLm } from '../phrase-models/lstm-lm.js';
import { allowedTranspositions, transpose } from '../phrases/augment.js';
import { MarkovChain } from '../phrases/markov.js';
import { phraseTokens, type Phrase } from '../phrases/phrases.js';
import { exists, ProgressThrottle, Stretch, type PhraseEmit, type PhraseJobControl } from './job-pacing.js';
import type { PhraseJob } from './protocol.js';

export async function runContinueJob(job: PhraseJob, corpus: PhraseCorpus, ops: SequenceOps, control: PhraseJobControl, emit: PhraseEmit): Promise<void> {
  const preset = LM_PRESETS[job.preset];
  const resumeFile = phraseModelFile(job.modelDir, 'resume');
  const modelFile = phraseModelFile(job.modelDir, 'model');
  let steps = job.steps;
  let state: LmTrainingState | undefined;
  if (steps !== null) {
    if (await exists(resumeFile)) {
      const saved = await loadLm(ops, resumeFile);
      if (saved.training) state = { model: saved.model, ...saved.training };
    } else if (await exists(modelFile)) {
      // Trained to the end before, stopped before it said so: finish from the model.
      const saved = await loadLm(ops, modelFile);
      if (saved.info.step === steps) return finishContinue(job, corpus, saved.model, steps, emit);
    }
  } else {
    const secondsPerStep = measureSecondsPerStep(ops, preset, corpus.train);
    steps = stepsForBudget(job.budgetSeconds, secondsPerStep);
    emit({ type: 'phrases-planned', steps, secondsPerStep });
  }
  const info = { kind: 'continue', preset: job.preset, seed: job.seed, bars: corpus.bars, steps };
  const progress = new ProgressThrottle(emit, state?.step ?? 0);
  const stretch = new Stretch(control);
  for (;;) {
    if (control.cancelled) {
      emit({ type: 'phrases-finished', cancelled: true, step: state?.step ?? 0, steps, evaluation: null });
      return;
    }
    stretch.begin();
    const result = trainLm(
      { ops, config: preset.config, schedule: { ...preset.schedule, steps }, train: corpus.train, seed: job.seed, progressEvery: 1, ...(state ? { resume: state } : {}) },
      (p) => progress.step(p.step, p.steps, p.loss),
      stretch.shouldStop,
    );
    state = result.state;
    if (!result.stopped) break;
    const { model, ...training } = state;
    await saveLm(resumeFile, model, training, { ...info, step: state.step });
    emit({ type: 'phrases-saved', step: state.step });
  }
  await saveLm(modelFile, state.model, null, { ...info, step: state.step });
  await finishContinue(job, corpus, state.model, steps, emit);
}

/** The trained model's evaluation and ONNX export; resume.ckpt goes last, then the word. */
async function finishContinue(job: PhraseJob, corpus: PhraseCorpus, model: LstmLm, steps: number, emit: PhraseEmit): Promise<void> {
  const evaluation = evaluateContinue(model, corpus);
  // An export that stops half-way must not look whole: the manifest goes first and comes back last.
  await rm(phraseOnnxFile(job.modelDir, 'onnxManifest'), { force: true });
  await mkdir(phraseOnnxDirOf(job.modelDir), { recursive: true });
  const { vocab, embedding, hidden, layers } = model.config;
  const bytes = await writeLstmLmOnnx(phraseOnnxFile(job.modelDir, 'lm'), { vocab, embed: embedding, hidden, layers, params: model.params }, { tokens: 'eureka-phrase-tokens', bars: String(corpus.bars) });
  await writePhraseOnnxManifest(job.modelDir, {
    format: 1,
    kind: 'continue',
    bars: corpus.bars,
    vocab,
    steps,
    lm: { embed: embedding, hidden, layers },
    vae: null,
    files: [{ file: PHRASE_MODEL_FILES.lm, bytes }],
  });
  await rm(phraseModelFile(job.modelDir, 'resume'), { force: true });
  emit({ type: 'phrases-finished', cancelled: false, step: steps, steps, evaluation });
}

/**
 * Held-out next-token perplexity and accuracy of the model and of the order-3 Markov chain on
 * the same split (docs/midi.md "Phrase data": the chain learns the training phrases in every
 * key they fit within ±6 semitones, as the model meets them through augmentation).
 */
export function evaluateContinue(model: LstmLm, corpus: Pick<PhraseCorpus, 'train' | 'heldOut'>): PhraseEvaluation {
  const heldOut = corpus.heldOut.map(phraseTokens);
  if (heldOut.length === 0) {
    return { heldOutPhrases: 0, perplexity: null, accuracy: null, markovPerplexity: null, markovAccuracy: null, reconstructionF1: null };
  }
  const lm = scoreLm(model, heldOut);
  const chain = MarkovChain.fit(everyKey(corpus.train), 3).score(heldOut);
  return {
    heldOutPhrases: heldOut.length,
    perplexity: lm.perplexity,
    accuracy: lm.accuracy,
    markovPerplexity: chain.perplexity,
    markovAccuracy: chain.accuracy,
    reconstructionF1: null,
  };
}

/** Every training phrase in every transposition within ±6 semitones that keeps its notes in range, as tokens. */
function everyKey(train: readonly Phrase[]): number[][] {
  return train.flatMap((phrase) => allowedTranspositions(phrase.notes).map((semitones) => phraseTokens({ ...phrase, notes: transpose(phrase.notes, semitones)! })));
}
