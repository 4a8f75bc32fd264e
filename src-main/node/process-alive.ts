/**
 * Whether a process still exists, for the persisted queues: a training job or a take left
 * 'running' by a process that is gone is marked interrupted when a core starts.
 */

/** Whether a process exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
