/**
 * The Generate form's first mode: a gap model starts on "fill the gap" (not on new material), a
 * denoising model on denoising, any other on the first mode it offers; nothing while the modes
 * load or when none is available.
 */
import { describe, expect, it } from '@jest/globals';
import { GENERATION_MODES, type GenerationMode, type ModeAvailability } from '@common/generation.js';
import { defaultMode } from './generate-mode.js';

/** The modes of a model that offers `available` (in the core's order, every mode listed). */
function offering(...available: GenerationMode[]): ModeAvailability[] {
  return GENERATION_MODES.map((mode) => ({
    mode,
    available: available.includes(mode),
    reason: available.includes(mode) ? null : 'not this model',
    fixedSeconds: mode === 'new' ? null : 3,
    extendRates: [],
  }));
}

describe('the Generate form’s first mode', () => {
  it('starts a gap model on filling its gap, though new material comes first in the list', () => {
    expect(GENERATION_MODES.indexOf('new')).toBeLessThan(GENERATION_MODES.indexOf('gap'));
    expect(defaultMode(offering('new', 'variation', 'gap', 'reconstruct'))).toBe('gap');
  });

  it('starts a denoising model on denoising', () => {
    expect(defaultMode(offering('new', 'denoise', 'reconstruct'))).toBe('denoise');
  });

  it('starts any other model on the first mode it offers', () => {
    expect(defaultMode(offering('new', 'variation', 'reconstruct', 'extend'))).toBe('new');
    expect(defaultMode(offering('reconstruct', 'extend'))).toBe('extend');
  });

  it('has nothing to start on while the modes load or when none is available', () => {
    expect(defaultMode(null)).toBeNull();
    expect(defaultMode(offering())).toBeNull();
  });
});
