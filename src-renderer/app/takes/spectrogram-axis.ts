/**
 * The frequency ruler beside a take's spectrogram, outside it so it covers none of the picture
 * (wavesurfer's own labels sit on the spectrogram's first second). The spectrogram plugin draws
 * on its mel scale, 2595·log10(1 + f/700), from 0 Hz at the bottom to the decoded audio's
 * Nyquist frequency at the top (TakePlayer passes both), so a frequency's height is its share
 * of that scale. Pure, so the spec checks it without a browser.
 */

/** The frequencies the ruler may name, low to high; those that fit are shown. */
const CANDIDATE_HZ = [50, 100, 200, 500, 1000, 2000, 4000, 8000, 16_000] as const;

/** wavesurfer's spectrogram mel scale (its plugins/spectrogram hzToMel). */
export function spectrogramMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

/** "500 Hz", "2 kHz", "16 kHz". */
export function hzLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000} kHz` : `${hz} Hz`;
}

export interface AxisTick {
  hz: number;
  label: string;
  /** Pixels down from the spectrogram's top edge. */
  y: number;
}

/**
 * The ticks for a spectrogram `height` pixels tall reaching `topHz`, top first: each candidate
 * frequency below the top, at least `minGap` pixels from the one above it and from either edge
 * (a label centred on it then stays inside and clear of its neighbours).
 */
export function spectrogramTicks(topHz: number, height: number, minGap = 14): AxisTick[] {
  if (!(topHz > 0) || !(height > 0)) return [];
  const top = spectrogramMel(topHz);
  const ticks: AxisTick[] = [];
  // The top edge counts as a neighbour half a gap away: a label there needs half a gap below it.
  let above = -minGap / 2;
  for (const hz of [...CANDIDATE_HZ].reverse()) {
    const y = height * (1 - spectrogramMel(hz) / top);
    if (y - above < minGap || height - y < minGap / 2) continue;
    ticks.push({ hz, label: hzLabel(hz), y });
    above = y;
  }
  return ticks;
}
