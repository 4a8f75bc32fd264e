/**
 * Named points in the multi-step writes (an import, a song's delete, a rating session's build, an export) where
 * the crash-recovery tests stop the real CLI, to SIGKILL it exactly there and check that the
 * next start cleans up what it left. `EUREKA_PAUSE_AT=<name>` makes the process say
 * `eureka: paused at <name>` on stderr and block its thread for good (it must be killed);
 * unset, a pause point costs one comparison.
 */
import { writeSync } from 'node:fs';

/** The environment variable naming the one point to pause at. */
export const PAUSE_AT_ENV = 'EUREKA_PAUSE_AT';

export function pausePoint(name: string): void {
  if (process.env[PAUSE_AT_ENV] !== name) return;
  // Synchronous on purpose: the line must be out before the thread blocks, and a point may sit
  // inside a database transaction, where nothing may be awaited.
  writeSync(2, `eureka: paused at ${name}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
