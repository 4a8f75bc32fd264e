import { limitsFromEnv } from '../../../src-main/node/limits-from-env.js';

describe('limitsFromEnv', () => {
  it('reads both limits in seconds and ignores unset or blank variables', () => {
    expect(limitsFromEnv({ EUREKA_MAX_IMPORT_SECONDS: '600', EUREKA_MAX_CLIP_SECONDS: '45.5' })).toEqual({
      maxImportSeconds: 600,
      maxClipSeconds: 45.5,
    });
    expect(limitsFromEnv({ EUREKA_MAX_CLIP_SECONDS: ' ' })).toEqual({});
  });

  it.each(['0', '-3', 'ten', 'Infinity'])('refuses %s with a one-line reason naming the variable', (text) => {
    expect(() => limitsFromEnv({ EUREKA_MAX_IMPORT_SECONDS: text })).toThrow(/^EUREKA_MAX_IMPORT_SECONDS must be a positive number/);
  });
});
