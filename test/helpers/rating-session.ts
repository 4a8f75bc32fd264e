/**
 * A blind rating session stored straight through the real repository (real SQLite with its
 * triggers, real WAV files moved into data/rating/<id>), for tests of what happens after a
 * session exists; building one from takes is session-builder's test.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SessionFormat } from '../../src-main/common/rating.js';
import type { Core } from '../../src-main/core.js';
import type { NewRater, StoredItem } from '../../src-main/services/rating/rating-repository.js';
import { wavBytes } from './signals.js';

/**
 * Stores a session of `trials` trials: single — one item each (the first half generated, the
 * rest real); 2afc/abx — a generated and a real item per trial. Each rater hears the trials
 * in reverse order of the one before (a stand-in for the builder's shuffle).
 */
export async function storeSession(
  core: Core,
  format: SessionFormat,
  raters: string[],
  trials: number,
  name = `${format} session`,
): Promise<{ id: number; files: string[] }> {
  const staging = path.join(core.dataDir, 'rating', `.staging-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  const itemCount = format === 'single' ? trials : 2 * trials;
  const generatedCount = format === 'single' ? Math.ceil(trials / 2) : trials;
  const items: StoredItem[] = [];
  for (let index = 0; index < itemCount; index++) {
    const file = path.join(staging, `${randomBytes(16).toString('hex')}.wav`);
    await writeFile(file, wavBytes({ seconds: 0.5, sampleRate: 16_000, channels: 1, frequency: 220 + 20 * index, seed: index + 1 }));
    const generated = index < generatedCount;
    items.push({
      index,
      origin: generated ? 'generated' : 'real',
      catchKind: null,
      repeatOf: null,
      xOf: null,
      expected: generated ? 'fake' : 'real',
      takeId: generated ? 100 + index : null,
      clipId: 7,
      modelId: generated ? 3 : null,
      songId: 1,
      preset: generated ? 'test' : null,
      epochs: generated ? 10 : null,
      mode: generated ? 'new' : null,
      lengthSeconds: generated ? 2 : null,
      sourceFileId: generated ? null : 1,
      phraseTakeId: null,
      phraseModelId: null,
      phrase: null,
      sourceStart: 0,
      file,
      loudnessLufs: -23,
      truePeakDbtp: -3,
    });
  }
  const stimuliOf = (trial: number): number[] =>
    format === 'single' ? [trial] : format === '2afc' ? [trial, trials + trial] : [trial, trials + trial, trial];
  const newRaters: NewRater[] = raters.map((name, r) => {
    const order = Array.from({ length: trials }, (_, p) => stimuliOf(r % 2 === 0 ? p : trials - 1 - p));
    return { name, order, tokens: order.map((stimuli) => stimuli.map(() => randomBytes(16).toString('hex'))) };
  });
  const id = core.ratingRepository.createSession(
    {
      name,
      format,
      itemSeconds: 0.5,
      sampleRate: 16_000,
      fileRate: 16_000,
      targetLufs: -23,
      catchTrials: false,
      seed: '42',
      draft: { name, format, generatedCount: generatedCount, realCount: itemCount - generatedCount, raters },
    },
    items,
    newRaters,
  );
  return { id, files: core.ratingRepository.items(id).map((item) => item.file) };
}
