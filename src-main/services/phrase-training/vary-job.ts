/**
 * A `vary` model's training job (run-phrase-training.ts describes the steps every job takes):
 * the LSTM VAE of phrase-models/ trained with trainVae on the training phrases (all of the
 * model's length in bars), its held-out reconstruction note F1, the sliders fitted over the
 * training phrases' mean latents and what each does to the music (`latent-space.json`), and its
 * ONNX export: the encoder, the initial-state graph and the decoder (models/onnx/vae-onnx.ts).
 */
import { stat } from 'node:fs/promises';
import type { SequenceOps } from '../../addon/binding.js';
import type { PhraseEvaluation } from '../../common/phrases.js';
import {
  PHRASE_MODEL_FILES,
  phraseModelFile,
  phraseOnnxDirOf,
  phraseOnnxFile,
  type PhraseCorpus,
  type PhraseOnnxManifest,
} from '../models/phrase-model-files.js';
import { exportVaeOnnx } from '../models/onnx/vae-onnx.js';
import type { PartNote } from '../../common/midi.js';
import { CHARACTER_PHRASES, type SliderCharacter } from '../../common/slider-character.js';
import { fitLatentSpace, saveLatentSpace, type LatentSpace } from '../phrase-models/latent-space.js';
import { measureSliderCharacters, spreadEvenly } from '../phrase-models/slider-character.js';
import { decodeGreedy } from '../phrase-models/vae-decode.js';
import { loadVae, saveVae } from '../phrase-models/vae-checkpoint.js';
import { DECODE_TOKENS_PER_BAR, reconstructionF1 } from '../phrase-models/vae-eval.js';
import { VAE_PRESETS, measureVaeSecondsPerStep } from '../phrase-models/vae-presets.js';
import { trainVae, type VaeTrainingState } from '../phrase-models/vae-train.js';
import { encodeMean, type PhraseVae } from '../phrase-models/vae.js';
import { phraseTokens, type Phrase } from '../phrases/phrases.js';
import { decode, stepsOf } from '../phrases/tokens.js';
import type { PhraseEmit, PhraseJobControl } from './job-pacing.js';
import type { PhraseJob } from './protocol.js';
import { runStretchedJob, type PhraseJobKind } from './stretched-job.js';

export async function runVaryJob(job: PhraseJob, corpus: PhraseCorpus, ops: SequenceOps, control: PhraseJobControl, emit: PhraseEmit): Promise<void> {
  const preset = VAE_PRESETS[job.preset];
  const kind: PhraseJobKind<PhraseVae, VaeTrainingState> = {
    kind: 'vary',
    loadResume: async (file) => {
      const saved = await loadVae(ops, file);
      return saved.training ? { vae: saved.vae, ...saved.training } : undefined;
    },
    loadModel: async (file) => {
      const saved = await loadVae(ops, file);
      return { model: saved.vae, info: saved.info };
    },
    measureSecondsPerStep: () => measureVaeSecondsPerStep(ops, preset, corpus.train),
    train: (steps, resume, onStep, shouldStop) =>
      trainVae(
        { ops, config: preset.config, schedule: { ...preset.schedule, steps }, train: corpus.train, seed: job.seed, progressEvery: 1, ...(resume ? { resume } : {}) },
        (p) => onStep(p.step, p.steps, p.loss),
        shouldStop,
      ),
    modelOf: (state) => state.vae,
    save: async (file, { vae, ...training }, withTraining, info) => saveVae(file, vae, withTraining ? training : null, info),
    evaluate: (vae) => evaluateVary(vae, corpus),
    export: (vae) => exportVary(job, corpus, vae),
  };
  await runStretchedJob(kind, job, corpus, control, emit);
}

/**
 * The sliders fitted over the training phrases, what each does to the music (measured from a few
 * training phrases: describeSliders), and the three ONNX graphs, and what the manifest says of them.
 */
async function exportVary(job: PhraseJob, corpus: PhraseCorpus, vae: PhraseVae): Promise<Pick<PhraseOnnxManifest, 'vocab' | 'lm' | 'vae' | 'files'>> {
  const means = encodeMean(vae, corpus.train.map(phraseTokens));
  const space = fitLatentSpace(means);
  const characters = describeSliders(vae, space, means, corpus.train[0]!);
  await saveLatentSpace(phraseModelFile(job.modelDir, 'latentSpace'), { ...space, characters });
  const { config } = vae;
  await exportVaeOnnx({ config, params: vae.params }, phraseOnnxDirOf(job.modelDir));
  const files = await Promise.all(
    (['vaeEncoder', 'vaeInit', 'vaeDecoder'] as const).map(async (name) => ({ file: PHRASE_MODEL_FILES[name], bytes: (await stat(phraseOnnxFile(job.modelDir, name))).size })),
  );
  return {
    vocab: config.vocab,
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
  };
}

/**
 * What each slider does (slider-character.ts), measured from CHARACTER_PHRASES of the training
 * phrases' means spread over the corpus, decoded greedily to `shape`'s length (the model's
 * phrases all have it). Greedy rather than the beam a take uses: batched, it takes about a second
 * where the beam's latent-by-latent search takes ten to fifty, and on the bench's model it names
 * the three strongest sliders as the beam does, the faint ones differently (docs/midi.md "What
 * each slider does").
 */
export function describeSliders(vae: PhraseVae, space: LatentSpace, trainMeans: readonly Float32Array[], shape: Pick<Phrase, 'bars' | 'fromBeats' | 'toBeats'>): (SliderCharacter | null)[] {
  const options = { maxTokens: shape.bars * DECODE_TOKENS_PER_BAR, lengthSteps: stepsOf(shape.toBeats - shape.fromBeats) };
  const decodeNotes = (latents: Float32Array[]): PartNote[][] => decodeGreedy(vae, latents, options).map((tokens) => decode(tokens));
  return measureSliderCharacters(space, spreadEvenly(trainMeans, CHARACTER_PHRASES), decodeNotes, shape.bars);
}

/** Held-out reconstruction note F1: each held-out phrase encoded to its mean and decoded greedily. */
export function evaluateVary(vae: PhraseVae, corpus: Pick<PhraseCorpus, 'heldOut'>): PhraseEvaluation {
  const none = { perplexity: null, accuracy: null, markovPerplexity: null, markovAccuracy: null };
  if (corpus.heldOut.length === 0) return { heldOutPhrases: 0, ...none, reconstructionF1: null };
  return { heldOutPhrases: corpus.heldOut.length, ...none, reconstructionF1: reconstructionF1(vae, corpus.heldOut).f1 };
}
