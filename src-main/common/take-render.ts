/**
 * What a take's file is, as its worker made it (recorded with the take once ready): the rate
 * the model generated at, so the band it really has can be said ("up to 8 kHz" for a 16 kHz
 * model, whatever rate the file is written at), the file's channels, and for a gap fill where
 * the generated audio sits in the clip, how long its crossfades are and what it was spliced
 * into. The words for them live here too, so the Takes view and the CLI say the same thing.
 */
import { z } from 'zod';

/** One filled hole, seconds from the take's start: the fill fades in over [start − fadeIn, start) and out over [end, end + fadeOut). */
export const filledHoleSchema = z.object({
  start: z.number().nonnegative(),
  end: z.number().positive(),
  fadeIn: z.number().nonnegative(),
  fadeOut: z.number().nonnegative(),
});
export type FilledHole = z.infer<typeof filledHoleSchema>;

export const gapFillSchema = z.object({
  holes: z.array(filledHoleSchema).min(1),
  /**
   * 'original': the clip as imported (its rate, its channels), every sample outside the holes
   * and their crossfades kept; 'model copy': the model's own mono copy of the clip, because the
   * library's clip is no longer the audio the model learned (moved, trimmed or deleted).
   */
  into: z.enum(['original', 'model copy']),
  /** Per channel, the gain that brought the fill to the level of the audio around the hole, dB. */
  gainsDb: z.array(z.number()),
});
export type GapFill = z.infer<typeof gapFillSchema>;

export const takeRenderSchema = z.object({
  /** The rate of the model's finest scale used, Hz: nothing it generated lies above half of it. */
  modelRate: z.number().int().positive(),
  /** Channels of the file: a gap fill has its clip's, every other take is mono. */
  channels: z.number().int().positive(),
  /** A gap fill's splice; null for every other mode. */
  fill: gapFillSchema.nullable(),
});
export type TakeRender = z.infer<typeof takeRenderSchema>;

/** The highest frequency the generated audio holds, Hz: the model rate's Nyquist frequency. */
export function bandTopHz(render: TakeRender): number {
  return render.modelRate / 2;
}

/** 8000 → "8 kHz", 44100 → "44.1 kHz", 11025 → "11 kHz" (to a tenth, trailing zero dropped). */
export function formatKilohertz(hz: number): string {
  return `${Math.round(hz / 100) / 10} kHz`;
}

/** "up to 8 kHz": the band the model's audio really has (the fill's, for a gap fill). */
export function bandText(render: TakeRender): string {
  return `up to ${formatKilohertz(bandTopHz(render))}`;
}

/** "gap filled 3.2–4.0 s" (several holes: "gap filled 1.0–1.5 s, 3.2–4.0 s"). */
export function gapFillText(fill: GapFill): string {
  return `gap filled ${fill.holes.map((hole) => `${hole.start.toFixed(1)}–${hole.end.toFixed(1)} s`).join(', ')}`;
}
