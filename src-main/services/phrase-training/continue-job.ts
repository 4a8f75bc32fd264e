/**
 * A `continue` model's training job (run-phrase-training.ts describes the steps every job
 * takes): the LSTM language model of phrase-models/ trained with trainLm on the training
 * phrases, its held-out next-token perplexity and accuracy set beside the order-3 Markov
 * chain's on the same split, and its ONNX export `onnx/lm.onnx` (models/onnx/lstm-lm-onnx.ts).
 */
import { mkdir } from 'node:fs/promises';
import type { SequenceOps } from '../../addon/binding.js';
import type { PhraseEvaluation } from '../../common/phrases.js';
import {
  PHRASE_MODEL_FILES,
  phraseOnnxDirOf,
  phraseOnnxFile,
  type PhraseCorpus,
  type PhraseOnnxManifest,
} from '../models/phrase-model-files.js';
import { writeLstmLmOnnx } from '../models/onnx/lstm-lm-onnx.js';
import { loadLm, saveLm } from '../phrase-models/lm-checkpoint.js';
import { scoreLm } from '../phrase-models/lm-eval.js';
import { LM_PRESETS, measureSecondsPerStep } from '../phrase-models/lm-presets.js';
import { trainLm, type LmTrainingState } from '../phrase-models/lm-train.js';
import type { LstmLm } from '../phrase-models/lstm-lm.js';
import { allowedTranspositions, transpose } from '../phrases/augment.js';
import { MarkovChain } from '../phrases/markov.js';
import { phraseTokens, type Phrase } from '../phrases/phrases.js';
import type { PhraseEmit, PhraseJobControl } from './job-pacing.js';
import type { PhraseJob } from './protocol.js';
import { runStretchedJob, type PhraseJobKind } from './stretched-job.js';

export async function runContinueJob(job: PhraseJob, corpus: PhraseCorpus, ops: SequenceOps, control: PhraseJobControl, emit: PhraseEmit): Promise<void> {
  const preset = LM_PRESETS[job.preset];
  const kind: PhraseJobKind<LstmLm, LmTrainingState> = {
    kind: 'continue',
    loadResume: async (file) => {
      const saved = await loadLm(ops, file);
      return saved.training ? { model: saved.model, ...saved.training } : undefined;
    },
    loadModel: async (file) => {
      const saved = await loadLm(ops, file);
      return { model: saved.model, info: saved.info };
    },
    measureSecondsPerStep: () => measureSecondsPerStep(ops, preset, corpus.train),
    train: (steps, resume, onStep, shouldStop) =>
      trainLm(
        { ops, config: preset.config, schedule: { ...preset.schedule, steps }, train: corpus.train, seed: job.seed, progressEvery: 1, ...(resume ? { resume } : {}) },
        (p) => onStep(p.step, p.steps, p.loss),
        shouldStop,
      ),
    modelOf: (state) => state.model,
    save: async (file, { model, ...training }, withTraining, info) => saveLm(file, model, withTraining ? training : null, info),
    evaluate: (model) => evaluateContinue(model, corpus),
    export: (model) => exportContinue(job, corpus, model),
  };
  await runStretchedJob(kind, job, corpus, control, emit);
}

/** The model's ONNX graph `onnx/lm.onnx`, and what the manifest says of it. */
async function exportContinue(job: PhraseJob, corpus: PhraseCorpus, model: LstmLm): Promise<Pick<PhraseOnnxManifest, 'vocab' | 'lm' | 'vae' | 'files'>> {
  await mkdir(phraseOnnxDirOf(job.modelDir), { recursive: true });
  const { vocab, embedding, hidden, layers } = model.config;
  const bytes = await writeLstmLmOnnx(phraseOnnxFile(job.modelDir, 'lm'), { vocab, embed: embedding, hidden, layers, params: model.params }, { tokens: 'eureka-phrase-tokens', bars: String(corpus.bars) });
  return { vocab, lm: { embed: embedding, hidden, layers }, vae: null, files: [{ file: PHRASE_MODEL_FILES.lm, bytes }] };
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
