/**
 * What the model's shape demands of a level, shared by the presets' schema (a crop must be
 * trainable) and the planner (which levels can train): its own module so that neither imports
 * the other.
 */

/** The padding P of one generator side (caw_pad): (K − 1)/2 · (2^L − 1) for dilations 1 … 2^(L−1). */
export function receptivePad(kernel: number, layers: number): number {
  return ((kernel - 1) / 2) * (2 ** layers - 1);
}

/** The shortest level a preset can train: D needs 2P + 1 samples, the MSS loss n_fft/2 + 1. */
export function minLevelLength(
  // Spelled out rather than Pick<Preset, …>: the preset schema's own check calls this.
  preset: { kernelSize: number; layers: number; alpha2: number | null; mssConfigs: readonly { nFft: number }[] | null },
  mode: 'normal' | 'denoising' | 'inpainting',
): number {
  const discriminator = 2 * receptivePad(preset.kernelSize, preset.layers) + 1;
  // The MSS loss is used in the music mode (alpha2 1e-4 unless overridden), not in the others.
  const usesMss = preset.alpha2 !== null ? preset.alpha2 > 0 : mode === 'normal';
  const nFfts = preset.mssConfigs?.map((c) => c.nFft) ?? [2048, 1024, 512];
  return usesMss ? Math.max(discriminator, Math.max(...nFfts) / 2 + 1) : discriminator;
}
