/**
 * The generation worker: a separate process per batch of takes (child_process.fork from the
 * CLI and web mode, Electron's utilityProcess in the desktop app), so onnxruntime, the addon and
 * a long render never block the app, and a crash or a cancel (the parent kills it) ends this
 * process only; the parent fails the unfinished takes with the reason.
 *
 * Protocol (services/generation/protocol.ts): the worker says `ready`, receives one `start`,
 * reports `prepared`, per-take progress and `take-done`/`take-failed`, and ends with `finished`
 * or `failed`. If the parent goes away the worker leaves at once.
 */
import { loadNativeAddon } from '../addon/binding.js';
import { toErrorPayload } from '../common/errors.js';
import { createOnnxEngine } from '../services/generation/engine.js';
import { parentMessageSchema, type WorkerMessage } from '../services/generation/protocol.js';
import { runGenerationJob } from '../services/generation/run-generation.js';

/** Electron's utilityProcess gives the child `process.parentPort`; fork gives `process.send`. */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;

function post(message: WorkerMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onParentMessage(listener: (message: unknown) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data));
  else process.on('message', listener);
}

let started = false;
let finishing = false;

onParentMessage((raw) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) return post({ type: 'failed', error: { code: 'INTERNAL', message: 'the generation worker got a malformed message' } });
  if (started) return;
  started = true;
  void (async () => {
    try {
      await runGenerationJob(parsed.data.job, createOnnxEngine(loadNativeAddon()), post);
    } catch (error) {
      post({ type: 'failed', error: toErrorPayload(error) });
    } finally {
      finish();
    }
  })();
});

// The parent went away (app killed, CLI interrupted hard): nobody will record the takes.
process.on('disconnect', () => {
  if (!finishing) process.exit(0);
});

function finish(): void {
  finishing = true;
  // fork: closing the IPC channel lets the process end once the last message is flushed.
  if (!parentPort && process.connected) process.disconnect();
  else if (parentPort) process.exit(0);
}

post({ type: 'ready' });
