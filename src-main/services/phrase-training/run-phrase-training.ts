/**
 * One phrase model's training job, as the training worker runs it (on a thread of its own, so
 * the worker's main thread hears a cancel while the synchronous training loop runs): read the
 * phrases (`corpus.json`), turn the budget into steps by timing a few first (a resume keeps the
 * steps it planned), train in stretches of about ten seconds with the state saved to
 * `resume.ckpt` after each and at a cancel, and at the end save `model.ckpt`, measure the model
 * on the held-out phrases, export it for onnxruntime (`onnx/`, its manifest last) and remove
 * `resume.ckpt`. stretched-job.ts takes these steps with each kind's parts from continue-job.ts
 * and vary-job.ts; docs/midi.md "Phrase models in the app" describes it for a reader.
 *
 * Why stretches: the training loops (lm-train.ts, vae-train.ts) hand out their full state (the
 * optimiser's moments, the carried LSTM state) only when they return, so the job stops them at
 * a stretch's end, saves, and goes on with that state. A loop that goes on re-reads the windows
 * it has read (its data order is drawn by step, so the run equals an unbroken one); that costs a
 * little per step already taken, so a stretch lasts at least 50 times what the last re-read took.
 */
import type { SequenceOps } from '../../addon/binding.js';
import { AppError } from '../../common/errors.js';
import { readPhraseCorpus } from '../models/phrase-model-files.js';
import { runContinueJob } from './continue-job.js';
import type { PhraseEmit, PhraseJobControl } from './job-pacing.js';
import type { PhraseJob } from './protocol.js';
import { runVaryJob } from './vary-job.js';

export type { PhraseEmit, PhraseJobControl } from './job-pacing.js';

export async function runPhraseTrainingJob(job: PhraseJob, ops: SequenceOps, control: PhraseJobControl, emit: PhraseEmit): Promise<void> {
  const corpus = await readPhraseCorpus(job.modelDir);
  if (corpus.train.length === 0) throw new AppError('INVALID_INPUT', 'the phrase model has no training phrases');
  if (job.kind === 'continue') await runContinueJob(job, corpus, ops, control, emit);
  else await runVaryJob(job, corpus, ops, control, emit);
}
