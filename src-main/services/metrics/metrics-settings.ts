/**
 * The ranking weights and copy limit, kept in <data>/metrics-settings.json (written atomically,
 * so the app and a CLI sharing the folder never read half a file). Fidelity and novelty are
 * normalised to sum to 1 when saved; a missing or damaged file reads as the defaults (0.5, 0.5,
 * 4 s) — the settings are a preference, not data worth refusing to start over.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { normaliseWeights, rankWeightsSchema, type RankWeights } from '../../common/metrics.js';
import { writeFileAtomic } from '../store/atomic-write.js';

export const METRICS_SETTINGS_FILE = 'metrics-settings.json';

const settingsFileSchema = z.object({ weights: rankWeightsSchema });

export const DEFAULT_WEIGHTS: RankWeights = rankWeightsSchema.parse({});

export async function readWeights(dataDir: string): Promise<RankWeights> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, METRICS_SETTINGS_FILE), 'utf8');
  } catch {
    return { ...DEFAULT_WEIGHTS };
  }
  try {
    return normaliseWeights(settingsFileSchema.parse(JSON.parse(text)).weights);
  } catch {
    return { ...DEFAULT_WEIGHTS };
  }
}

export async function writeWeights(dataDir: string, input: z.input<typeof rankWeightsSchema>): Promise<RankWeights> {
  const weights = normaliseWeights(input);
  await writeFileAtomic(path.join(dataDir, METRICS_SETTINGS_FILE), `${JSON.stringify({ weights }, null, 2)}\n`, 'the metrics settings');
  return weights;
}
