/**
 * Where the model runs. It is seconds of CPU per second of audio, so the app, web mode and the
 * CLI run each job on its own worker thread (workers/transcription-worker.ts) and the event
 * loop stays free; cancelling terminates that thread, which stops the model mid-window.
 * (Not a node/job-thread.ts: a queued thread cannot stop one job without losing the others;
 * its errors are worded the same way.) `createInlineRunner` runs the same job on the caller's
 * thread, cancellable between the model's 2 s windows (unit tests, which run the TypeScript
 * sources without a build).
 */
import { Worker } from 'node:worker_threads';
import { errorFromPayload, workerFailed, workerStopped } from '../../node/job-thread.js';
import { runTranscription, TranscriptionCancelled, type HeardNote, type TranscriptionJob } from './run-transcription.js';

export interface TranscriptionRunner {
  /** The heard notes; rejects with TranscriptionCancelled once `signal` aborts. */
  run(job: TranscriptionJob, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<HeardNote[]>;
}

/** What a transcription worker posts back. */
export type WorkerReply =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; notes: HeardNote[] }
  | { type: 'error'; error: unknown };

export function createInlineRunner(): TranscriptionRunner {
  return {
    run: (job, onProgress, signal) => runTranscription(job, onProgress, () => signal.aborted),
  };
}

export function createWorkerRunner(script: string): TranscriptionRunner {
  return {
    run(job, onProgress, signal) {
      return new Promise<HeardNote[]>((resolve, reject) => {
        if (signal.aborted) return reject(new TranscriptionCancelled());
        const worker = new Worker(script);
        let settled = false;
        const finish = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', abort);
          void worker.terminate();
          outcome();
        };
        const abort = () => finish(() => reject(new TranscriptionCancelled()));
        signal.addEventListener('abort', abort);
        worker.on('message', (reply: WorkerReply) => {
          if (reply.type === 'progress') onProgress(reply.fraction);
          else if (reply.type === 'done') finish(() => resolve(reply.notes));
          else finish(() => reject(errorFromPayload(reply.error)));
        });
        worker.on('error', (error) => finish(() => reject(workerFailed('transcription', error))));
        worker.on('exit', (code) => finish(() => reject(workerStopped('transcription', code))));
        // The audio's buffer moves to the worker instead of being copied.
        worker.postMessage(job, [job.audio.buffer as ArrayBuffer]);
      });
    },
  };
}
