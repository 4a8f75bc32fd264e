/**
 * Provenance of the committed outlines (test/fixtures/ableton/): where the Live-saved reference
 * sets are present (EUREKA_ABLETON_REFERENCE_DIR names their folder), re-derive
 * the outlines and facts and require them to equal the committed files exactly. Where they are
 * absent (a clean clone, CI) this check says so and passes: every other Ableton test compares
 * against the committed files and does not need the sets.
 *
 * EUREKA_ABLETON_UPDATE_OUTLINE=1 rewrites the committed files from the sets instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  LIVE11_FIXTURE,
  LIVE11_REFERENCE,
  LIVE12_FIXTURE,
  LIVE12_REFERENCE,
  REFERENCE_DIR,
  deriveLive11Outline,
  deriveLive12Facts,
  fixtureText,
  loadLive11Outline,
  loadLive12Facts,
  referencesPresent,
} from './reference-outline.js';

it('the committed outlines are exactly what the Live reference sets yield', () => {
  if (!referencesPresent()) {
    console.warn(`SKIP: reference sets not present (${REFERENCE_DIR}); the committed outlines were not re-derived`);
    return;
  }
  const live11 = deriveLive11Outline(LIVE11_REFERENCE);
  const live12 = deriveLive12Facts(LIVE12_REFERENCE);
  if (process.env.EUREKA_ABLETON_UPDATE_OUTLINE === '1') {
    writeFileSync(LIVE11_FIXTURE, fixtureText(live11));
    writeFileSync(LIVE12_FIXTURE, fixtureText(live12));
  }
  expect(loadLive11Outline()).toEqual(live11);
  expect(loadLive12Facts()).toEqual(live12);
  // Same content is not enough: the committed text is the extractor's, byte for byte.
  expect(readFileSync(LIVE11_FIXTURE, 'utf8') === fixtureText(live11)).toBe(true);
  expect(readFileSync(LIVE12_FIXTURE, 'utf8') === fixtureText(live12)).toBe(true);
});
