/** From a generate request to its takes' settings and seeds: fixed lengths, extend's rate, seeds that wrap at 2^64. */
import type { ModeAvailability } from '../../../../src-main/common/generation.js';
import type { Model } from '../../../../src-main/common/training.js';
import { randomSeed } from '../../../../src-main/node/seeded-random.js';
import { batchSeeds, takeSettingsFor } from '../../../../src-main/services/takes/take-request.js';

const model = { id: 4, plan: { topRate: 16_000 } } as unknown as Model;
const mode = (fields: Partial<ModeAvailability>): ModeAvailability => ({ mode: 'new', available: true, reason: null, fixedSeconds: null, extendRates: [], ...fields });

describe('take requests', () => {
  it('numbers seeds on from the first, wrapping at 2^64', () => {
    expect(batchSeeds('7', 3)).toEqual(['7', '8', '9']);
    expect(batchSeeds('18446744073709551614', 3)).toEqual(['18446744073709551614', '18446744073709551615', '0']);
    expect(BigInt(randomSeed())).toBeLessThan(2n ** 64n);
  });

  it('takes the requested length for new takes and the fixed one otherwise', () => {
    expect(takeSettingsFor({ mode: 'new' }, mode({}), model)).toEqual({ mode: 'new', seconds: 30, extendFromRate: null });
    expect(takeSettingsFor({ mode: 'new', seconds: 90 }, mode({}), model).seconds).toBe(90);
    expect(takeSettingsFor({ mode: 'variation', seconds: 90 }, mode({ mode: 'variation', fixedSeconds: 8 }), model).seconds).toBe(8);
  });

  it("extends from half the top rate by default, from a rate the pyramid has when asked, and refuses another", () => {
    const extend = mode({ mode: 'extend', fixedSeconds: 8, extendRates: [8000, 4000, 2000] });
    expect(takeSettingsFor({ mode: 'extend' }, extend, model).extendFromRate).toBe(8000);
    expect(takeSettingsFor({ mode: 'extend', extendFromRate: 4000 }, extend, model).extendFromRate).toBe(4000);
    expect(() => takeSettingsFor({ mode: 'extend', extendFromRate: 5000 }, extend, model)).toThrow('model 4 extends from 8000, 4000, 2000 Hz only, not 5000 Hz');
    expect(takeSettingsFor({ mode: 'extend' }, mode({ mode: 'extend', extendRates: [4000, 2000] }), model).extendFromRate).toBe(4000);
  });
});
