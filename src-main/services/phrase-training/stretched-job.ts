/**
 * The steps every phrase model's training job takes, whatever its kind (run-phrase-training.ts
 * says what they are and why it trains in stretches): plan the steps or pick up `resume.ckpt`,
 * train in stretches saving `resume.ckpt` after each, save `model.ckpt`, then evaluate, export
 * (the manifest removed first and written last) and remove `resume.ckpt`. continue-job.ts and
 * vary-job.ts pass in what differs: the model, its checkpoints, its loop, its measures and export.
 */
import { rm } from 'node:fs/promises';
import type { PhraseEvaluation, PhraseModelKind } from '../../common/phrases.js';
import { phraseModelFile, phraseOnnxFile, writePhraseOnnxManifest, type PhraseCorpus, type PhraseOnnxManifest } from '../models/phrase-model-files.js';
// One budget rule for both kinds (vae-presets.ts re-exports it).
import { stepsForBudget } from '../phrase-models/lm-presets.js';
import { exists, ProgressThrottle, Stretch, type PhraseEmit, type PhraseJobControl } from './job-pacing.js';
import type { PhraseJob } from './protocol.js';

/** What a kind of phrase model brings to the job; State is its training loop's full state. */
export interface PhraseJobKind<Model, State extends { readonly step: number }> {
  readonly kind: PhraseModelKind;
  /** The training state a resume checkpoint holds (undefined when it holds none). */
  loadResume(file: string): Promise<State | undefined>;
  /** A finished model checkpoint and the info saved with it (its `step` among them). */
  loadModel(file: string): Promise<{ model: Model; info: Record<string, unknown> }>;
  /** Seconds one step takes on these phrases, timed on a few. */
  measureSecondsPerStep(): number;
  /** Runs the loop to `steps` (from `resume` when given) until it ends or `shouldStop` says so. */
  train(steps: number, resume: State | undefined, onStep: (step: number, steps: number, loss: number) => void, shouldStop: () => boolean): { state: State; stopped: boolean };
  modelOf(state: State): Model;
  /** Saves the model with its training state (a resume checkpoint) or without (`model.ckpt`). */
  save(file: string, state: State, withTraining: boolean, info: Record<string, unknown>): Promise<void>;
  evaluate(model: Model): PhraseEvaluation;
  /** Writes the kind's files of the export (the manifest is gone): what the manifest says of them. */
  export(model: Model): Promise<Pick<PhraseOnnxManifest, 'vocab' | 'lm' | 'vae' | 'files'>>;
}

export async function runStretchedJob<Model, State extends { readonly step: number }>(
  kind: PhraseJobKind<Model, State>,
  job: PhraseJob,
  corpus: PhraseCorpus,
  control: PhraseJobControl,
  emit: PhraseEmit,
): Promise<void> {
  const resumeFile = phraseModelFile(job.modelDir, 'resume');
  const modelFile = phraseModelFile(job.modelDir, 'model');
  let steps = job.steps;
  let state: State | undefined;
  if (steps !== null) {
    if (await exists(resumeFile)) {
      state = await kind.loadResume(resumeFile);
    } else if (await exists(modelFile)) {
      // Trained to the end before, stopped before it said so: finish from the model.
      const saved = await kind.loadModel(modelFile);
      if (saved.info.step === steps) return finish(kind, job, corpus, saved.model, steps, emit);
    }
  } else {
    const secondsPerStep = kind.measureSecondsPerStep();
    steps = stepsForBudget(job.budgetSeconds, secondsPerStep);
    emit({ type: 'phrases-planned', steps, secondsPerStep });
  }
  const info = { kind: kind.kind, preset: job.preset, seed: job.seed, bars: corpus.bars, steps };
  const progress = new ProgressThrottle(emit, state?.step ?? 0);
  const stretch = new Stretch(control);
  for (;;) {
    if (control.cancelled) {
      emit({ type: 'phrases-finished', cancelled: true, step: state?.step ?? 0, steps, evaluation: null });
      return;
    }
    stretch.begin();
    const result = kind.train(steps, state, (step, total, loss) => progress.step(step, total, loss), stretch.shouldStop);
    state = result.state;
    if (!result.stopped) break;
    await kind.save(resumeFile, state, true, { ...info, step: state.step });
    emit({ type: 'phrases-saved', step: state.step });
  }
  await kind.save(modelFile, state, false, { ...info, step: state.step });
  await finish(kind, job, corpus, kind.modelOf(state), steps, emit);
}

/** The trained model's evaluation and export; resume.ckpt goes last, then the word. */
async function finish<Model, State extends { readonly step: number }>(
  kind: PhraseJobKind<Model, State>,
  job: PhraseJob,
  corpus: PhraseCorpus,
  model: Model,
  steps: number,
  emit: PhraseEmit,
): Promise<void> {
  const evaluation = kind.evaluate(model);
  // An export that stops half-way must not look whole: the manifest goes first and comes back last.
  await rm(phraseOnnxFile(job.modelDir, 'onnxManifest'), { force: true });
  const exported = await kind.export(model);
  await writePhraseOnnxManifest(job.modelDir, { format: 1, kind: kind.kind, bars: corpus.bars, steps, ...exported });
  await rm(phraseModelFile(job.modelDir, 'resume'), { force: true });
  emit({ type: 'phrases-finished', cancelled: false, step: steps, steps, evaluation });
}
