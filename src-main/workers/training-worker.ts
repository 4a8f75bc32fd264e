/**
 * The training worker: a separate process per training run (child_process.fork from the CLI
 * and web mode, Electron's utilityProcess in the desktop app), so a native crash, an
 * out-of-memory or a kill ends this process and not the app; the parent marks the job failed
 * and it can resume from its last finished scale.
 *
 * Protocol (services/training/protocol.ts): the worker says `ready`, receives one `start`, then
 * reports progress and ends with `finished` or `failed`; `cancel` stops it after the current
 * epoch. Or it receives one `measure` (the forecast before a run), answers `measured` (or
 * `failed`) and leaves. If the parent goes away the worker cancels and exits.
 */
import { loadNativeAddon } from '../addon/binding.js';
import { toErrorPayload } from '../common/errors.js';
import { parentChannel } from '../node/worker-port.js';
import { parentMessageSchema, type WorkerMessage } from '../services/training/protocol.js';
import { runMeasureJob, runTrainingJob } from '../services/training/run-training.js';

const parent = parentChannel<WorkerMessage>();
const post = (message: WorkerMessage): void => parent.post(message);

let cancelled = false;
let cancelNative: (() => void) | null = null;
let started = false;

function cancel(): void {
  cancelled = true;
  cancelNative?.();
}

parent.onMessage((raw) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) return post({ type: 'failed', error: { code: 'INTERNAL', message: 'the training worker got a malformed message' } });
  const message = parsed.data;
  if (message.type === 'cancel') return cancel();
  if (started) return;
  started = true;
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

// The parent went away (app killed, CLI interrupted hard): stop training and leave.
process.on('disconnect', () => {
  cancel();
  if (!started) process.exit(0);
});

post({ type: 'ready' });
