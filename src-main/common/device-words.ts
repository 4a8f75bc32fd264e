/**
 * Why a run trains on the CPU, in a songwriter's words. The native core and device choice
 * (src-main/addon/device.ts) give a precise reason with the driver's error names; that stays one
 * click away (the model's Details, `eureka model`), and this line is what the Train form and the
 * CLI say first. Unknown reasons pass through unchanged: a sentence we did not foresee is still
 * better than a wrong translation.
 */
export function plainDeviceReason(device: 'cpu' | 'cuda', reason: string): string {
  if (device === 'cuda') return 'Training on the NVIDIA GPU.';
  const rules: [RegExp, string][] = [
    [/^the CPU was asked for/, 'Training on the CPU, as asked.'],
    [/^no usable NVIDIA driver/, 'No NVIDIA GPU driver: training on the CPU.'],
    [/^no CUDA device found/, 'No NVIDIA GPU in this computer: training on the CPU.'],
    [/^the CUDA runtime could not list devices/, 'The NVIDIA GPU did not answer: training on the CPU.'],
    [/built without CUDA|has no CUDA support/, 'This copy of Eureka was built without GPU support: training on the CPU.'],
    [/trains on the CPU only/, 'This version of Eureka trains on the CPU.'],
  ];
  for (const [pattern, words] of rules) if (pattern.test(reason)) return words;
  return `Training on the CPU: ${reason}.`;
}
