/**
 * Where a MIDI take sits in its song (docs/midi.md "MIDI takes"): a continuation right after the
 * phrase it carries on, a variation or an interpolation over its `from` phrase's own bars (bar 1
 * for a variation of the latent's centre, which has no song), in whole bars of the part's meter
 * map. The same settings and map always give the same span, so it is computed, not stored.
 */
import type { MeterPoint } from '../../common/midi.js';
import type { PhraseTakeSettings } from '../../common/phrases.js';
import { beatsAtBar } from '../../common/tempo-map.js';

export interface TakeSpan {
  /** The first bar (1-based) and how many. */
  startBar: number;
  bars: number;
  /** Beats from bar 1 of the song. */
  startBeats: number;
  lengthBeats: number;
}

export function takeSpan(settings: Pick<PhraseTakeSettings, 'mode' | 'from' | 'bars'>, meterMap: readonly MeterPoint[]): TakeSpan {
  const from = settings.from;
  const startBar = from === null ? 1 : settings.mode === 'continue' ? from.startBar + from.bars : from.startBar;
  const startBeats = beatsAtBar(meterMap, startBar);
  return { startBar, bars: settings.bars, startBeats, lengthBeats: beatsAtBar(meterMap, startBar + settings.bars) - startBeats };
}
