/**
 * Sliders that move the phrase the way they say (docs/midi.md "Steady sliders"): a decode steered
 * until the phrase it gives reads back, through the encoder, as far along each slider as the
 * sliders were moved.
 *
 * Why: decoding the latent at the sliders' positions (latent-space.ts sliderLatent) is not
 * enough. The decoder's output is discrete and the encoder reads it back compressed (a slider
 * set to +2 reads back near +1 on the 2-bar bench) and with noise of a few tenths of a spread, so
 * one step along a slider sometimes lands on a phrase that reads back BEHIND the step before:
 * measured on the bench (test/bench/RESULTS.md "Steady sliders"), 29 % of the held-out slider
 * sweeps that change the phrase went backwards somewhere. No training term we tried fixed it
 * (RESULTS "Sliders: a latent-consistency term").
 *
 * What: the phrase at rest (every slider where the phrase sits) decodes as before and is read
 * back (r₀); the target of a move is r₀ plus the move, slider by slider. Starting from the
 * sliders' positions q = s, each round decodes the latent at q, reads the decode back (r) and
 * moves q by the shortfall, q += gain · (target − r), within ±REACH of the sliders (an integral
 * controller: a shortfall that a discrete decode does not yet answer keeps accumulating until
 * the decode moves). The decode whose read-back is nearest the target over all the sliders
 * (the unmoved ones too: a move along one slider should not drift along the others) wins; the
 * earliest on a tie. Everything is deterministic: a take made again from its sliders and seed
 * has the same notes.
 *
 * Plain sliderLatent would need no encoder; this needs a decode and an encode a round, which is
 * milliseconds for a phrase of a few bars (both through onnxruntime in the app).
 */
import { SLIDER_LIMIT } from '../../common/phrases.js';
import { sliderLatent, sliderPosition, type LatentSpace } from './latent-space.js';

/** Decoding and reading back, as the model at hand does them (the app: ONNX; the bench: the addon). */
export interface SteeringCodec {
  /** The tokens a latent decodes to, BOS..EOS (with the take's temperature and seed, if any). */
  decode(latent: Float32Array): Promise<number[]>;
  /** A decode's mean encoding (mu). */
  encode(tokens: readonly number[]): Promise<Float32Array>;
}

export interface SteeringOptions {
  /** Decodes tried at most (the first at the sliders' own positions). */
  rounds: number;
  /** How much of a round's shortfall moves the positions for the next. */
  gain: number;
  /** How far (spreads) the positions may go beyond the sliders' values. */
  reach: number;
  /** A squared read-back error (spreads², summed over the sliders) counted as on target. */
  tolerance: number;
  /** How much of a slider's move the read-back should show (the encoder reads decodes back compressed). */
  targetScale: number;
  /** The weight of the sliders not moved in the error (1: as much as the moved ones). */
  othersWeight: number;
}

/**
 * The panel's values come in tenths, rounded from the phrase's own positions: a slider within
 * half a tenth of where the phrase sits has not been moved.
 */
const AT_REST = 0.05 + 1e-9;

export const STEERING: SteeringOptions = { rounds: 8, gain: 1, reach: SLIDER_LIMIT, tolerance: 0.01, targetScale: 1, othersWeight: 1 };

export interface SteeredDecode {
  /** The winning decode, BOS..EOS. */
  tokens: number[];
  /** The latent it was decoded from. */
  latent: Float32Array;
  /** Decodes run (1 when no slider was moved). */
  rounds: number;
  /** Its read-back's squared distance from the target (0 when no slider was moved). */
  error: number;
}

/**
 * The decode for `sliders` from `base` (null: the latent's centre), steered as the file
 * comment says. With every slider where `base` sits, it is base's own decode.
 */
export async function steerSliders(
  space: LatentSpace,
  base: Float32Array | null,
  sliders: readonly number[],
  codec: SteeringCodec,
  options: SteeringOptions = STEERING,
): Promise<SteeredDecode> {
  const start = base ?? space.mean;
  const at = sliderPosition(space, start);
  const restLatent = sliderLatent(space, base, at);
  const rest = await codec.decode(restLatent);
  if (sliders.every((value, i) => Math.abs(value - at[i]!) <= AT_REST)) return { tokens: rest, latent: restLatent, rounds: 1, error: 0 };
  const restReading = sliderPosition(space, await codec.encode(rest));
  const target = sliders.map((value, i) => restReading[i]! + options.targetScale * (value - at[i]!));
  const weight = sliders.map((value, i) => (Math.abs(value - at[i]!) <= AT_REST ? options.othersWeight : 1));
  const positions = [...sliders];
  let best: Omit<SteeredDecode, 'rounds'> | null = null;
  let rounds = 0;
  while (rounds < options.rounds) {
    rounds += 1;
    const latent = sliderLatent(space, base, positions);
    const tokens = await codec.decode(latent);
    const reading = sliderPosition(space, await codec.encode(tokens));
    const error = reading.reduce((sum, value, i) => sum + weight[i]! * (value - target[i]!) ** 2, 0);
    if (best === null || error < best.error) best = { tokens, latent, error };
    if (error <= options.tolerance) break;
    positions.forEach((value, i) => {
      const moved = value + options.gain * weight[i]! * (target[i]! - reading[i]!);
      positions[i] = Math.min(sliders[i]! + options.reach, Math.max(sliders[i]! - options.reach, moved));
    });
  }
  return { ...best!, rounds };
}
