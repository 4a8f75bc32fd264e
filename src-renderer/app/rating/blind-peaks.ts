/**
 * Peaks of decoded audio for the rater's waveform: per pixel column, the lowest and highest
 * sample over all channels. Drawn from the samples alone, the picture carries nothing the ears
 * do not (no name, no duration beyond the session's shared one).
 *
 *   channels: Float32Array[C] of N samples → columns: { min, max }[K], K = min(columns, N)
 */

export interface PeakColumn {
  min: number;
  max: number;
}

/** `columns` min/max pairs over `channels` (empty channels → no columns). */
export function peakColumns(channels: readonly Float32Array[], columns: number): PeakColumn[] {
  const length = Math.min(...channels.map((channel) => channel.length));
  if (channels.length === 0 || length === 0 || columns < 1) return [];
  const count = Math.min(Math.floor(columns), length);
  const out: PeakColumn[] = [];
  for (let column = 0; column < count; column++) {
    const start = Math.floor((column * length) / count);
    const end = Math.max(start + 1, Math.floor(((column + 1) * length) / count));
    let min = Infinity;
    let max = -Infinity;
    for (const channel of channels) {
      for (let i = start; i < end; i++) {
        const sample = channel[i] ?? 0;
        if (sample < min) min = sample;
        if (sample > max) max = sample;
      }
    }
    out.push({ min, max });
  }
  return out;
}

/** The largest magnitude over the columns, for scaling the picture to its height (≥ a floor). */
export function peakScale(columns: readonly PeakColumn[], floor = 1e-3): number {
  let scale = floor;
  for (const { min, max } of columns) scale = Math.max(scale, Math.abs(min), Math.abs(max));
  return scale;
}
