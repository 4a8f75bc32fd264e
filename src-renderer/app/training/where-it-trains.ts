/**
 * Where a run trains, in a songwriter's words: the line the Train form's forecast and a running
 * model show ("On your GPU (NVIDIA …)", "On the CPU — no usable GPU: …"), with the precise
 * reason (driver error names, the trainer's check) kept for one click away. The plan says what
 * was planned and, once the trainer has started (deviceName set), what runs.
 */
import type { TrainingPlan } from '@common/training.js';

export interface WhereItTrains {
  /** The line shown first. */
  words: string;
  /** The precise reason behind a CPU run, or null when there is nothing to explain. */
  detail: string | null;
}

/** Precise reasons (src-main/addon/device.ts, the trainer) and their few plain words. */
const SHORT_REASONS: readonly [RegExp, string][] = [
  [/no usable NVIDIA driver/, 'no NVIDIA driver'],
  [/no CUDA device found|no CUDA-capable device/i, 'none in this computer'],
  [/built without CUDA|has no CUDA support/, 'this copy of Eureka was built without GPU support'],
  [/self-test|check against the CPU|NMSE/i, 'it failed its check against the CPU'],
  [/out of memory/i, 'not enough GPU memory'],
];

export function whereItTrains(plan: Pick<TrainingPlan, 'device' | 'deviceReason' | 'deviceName'>): WhereItTrains {
  if (plan.device === 'cuda') {
    const name = plan.deviceName !== undefined && plan.deviceName !== '' ? plan.deviceName : 'NVIDIA';
    return { words: `On your GPU (${name})`, detail: null };
  }
  if (/^the CPU was asked for/.test(plan.deviceReason)) return { words: 'On the CPU, as asked', detail: null };
  const short = SHORT_REASONS.find(([pattern]) => pattern.test(plan.deviceReason))?.[1];
  return {
    words: short === undefined ? 'On the CPU — no usable GPU' : `On the CPU — no usable GPU: ${short}`,
    detail: plan.deviceReason === '' ? null : plan.deviceReason,
  };
}
