/**
 * The training worker: a separate process per training run (child_process.fork from the CLI
 * and web mode, Electron's utilityProcess in the desktop app), so a native crash, an
 * out-of-memory or a kill ends this process and not the app; the parent marks the job failed
 * and it can resume from its last finished scale (audio) or saved state (phrases).
 *
 * Protocol: the worker says `ready` and receives one job, dispatched on its type:
 * - `start` (services/training/protocol.ts): an audio model; it reports progress and ends with
 *   `finished` or `failed`; `cancel` stops it after the current epoch.
 * - `measure`: the forecast before an audio run; it answers `measured` (or `failed`) and leaves.
 * - `start-phrases` (services/phrase-training/protocol.ts): a phrase model. Its training loop is
 *   synchronous, so it runs on a worker thread of this process (this same file, started as a
 *   thread), and this main thread stays free to hear `cancel`, which it passes on through shared
 *   memory: the loop stops after its current step and saves its state. The thread's messages are
 *   forwarded as they are.
 * If the parent goes away the worker cancels and exits.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadNativeAddon } from '../addon/binding.js';
import { toErrorPayload } from '../common/errors.js';
import { parentChannel } from '../node/worker-port.js';
import { parentMessageSchema, type WorkerMessage } from '../services/training/protocol.js';
import { runMeasureJob, runTrainingJob } from '../services/training/run-training.js';
import { phraseJobSchema, phraseParentMessageSchema, type PhraseJob, type PhraseJobMessage } from '../services/phrase-training/protocol.js';
import { runPhraseTrainingJob } from '../services/phrase-training/run-phrase-training.js';

/** What the phrase thread is started with. */
interface PhraseThreadData {
  job: PhraseJob;
  /** One Int32: 1 once the job is cancelled. */
  cancelFlag: SharedArrayBuffer;
}

if (isMainThread) serveParent();
else void servePhraseThread(workerData as PhraseThreadData);

function serveParent(): void {
  const parent = parentChannel<WorkerMessage | PhraseJobMessage>();
  const post = (message: WorkerMessage | PhraseJobMessage): void => parent.post(message);

  let cancelled = false;
  let cancelNative: (() => void) | null = null;
  let started = false;

  function cancel(): void {
    cancelled = true;
    cancelNative?.();
  }

  parent.onMessage((raw) => {
    const phrases = phraseParentMessageSchema.safeParse(raw);
    const parsed = parentMessageSchema.safeParse(raw);
    if (!phrases.success && !parsed.success) return post({ type: 'failed', error: { code: 'INTERNAL', message: 'the training worker got a malformed message' } });
    if ((phrases.data ?? parsed.data)!.type === 'cancel') return cancel();
    if (started) return;
    started = true;
    if (phrases.success && phrases.data.type === 'start-phrases') return startPhraseThread(phrases.data.job);
    const message = parsed.data!;
    void (async () => {
      try {
        const addon = loadNativeAddon();
        if (message.type === 'measure') {
          const control = {
            get cancelled() {
              return cancelled;
            },
          };
          return await runMeasureJob(message.preset, message.device, addon, control, post);
        }
        if (message.type !== 'start') return;
        await runTrainingJob(
          message.job,
          addon,
          {
            get cancelled() {
              return cancelled;
            },
            onCancel(stop) {
              cancelNative = stop;
              if (cancelled) stop();
            },
          },
          post,
        );
      } catch (error) {
        post({ type: 'failed', error: toErrorPayload(error) });
      } finally {
        parent.finish();
      }
    })();
  });

  /** Runs a phrase job on a thread of this process; its messages go to the parent as they come. */
  function startPhraseThread(job: PhraseJob): void {
    const cancelFlag = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancelFlag);
    cancelNative = () => Atomics.store(flag, 0, 1);
    if (cancelled) cancelNative();
    let answered = false;
    const thread = new Worker(new URL(import.meta.url), { workerData: { job, cancelFlag } satisfies PhraseThreadData });
    thread.on('message', (message: PhraseJobMessage) => {
      if (message.type === 'phrases-finished' || message.type === 'failed') answered = true;
      post(message);
    });
    thread.on('error', (error) => {
      if (!answered) post({ type: 'failed', error: toErrorPayload(error) });
      answered = true;
    });
    thread.on('exit', () => {
      if (!answered) post({ type: 'failed', error: { code: 'INTERNAL', message: 'the phrase training thread stopped without a word' } });
      parent.finish();
    });
  }

  // The parent went away (app killed, CLI interrupted hard): stop training and leave.
  process.on('disconnect', () => {
    cancel();
    if (!started) process.exit(0);
  });

  post({ type: 'ready' });
}

async function servePhraseThread(data: PhraseThreadData): Promise<void> {
  const flag = new Int32Array(data.cancelFlag);
  const post = (message: PhraseJobMessage): void => parentPort!.postMessage(message);
  try {
    const ops = loadNativeAddon().sequence;
    const control = {
      get cancelled() {
        return Atomics.load(flag, 0) === 1;
      },
    };
    await runPhraseTrainingJob(phraseJobSchema.parse(data.job), ops, control, post);
  } catch (error) {
    post({ type: 'failed', error: toErrorPayload(error) });
  }
}
