/**
 * Bench: latent refinement (services/phrase-models/vae-refine.ts) on a `vary` model that
 * vary-vae.ts trained and saved: held-out reconstruction F1 from mu and from refined latents,
 * on the data and split of vary-vae.ts.
 *   npm run build:node && node out/node/test/bench/phrases/vary-refine.js <model.ckpt> [bars] ['[{"steps":50,"learningRate":0.05,"prior":1}, …]']
 */
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { createVae } from '../../../src-main/services/phrase-models/vae.js';
import { loadVae } from '../../../src-main/services/phrase-models/vae-checkpoint.js';
import { VAE_PRESETS } from '../../../src-main/services/phrase-models/vae-presets.js';
import { reconstructionF1 } from '../../../src-main/services/phrase-models/vae-eval.js';
import { refineLatents, type RefineOptions } from '../../../src-main/services/phrase-models/vae-refine.js';
import { generateCorpus } from '../../../src-main/services/phrases/corpus.js';
import { cutPhrases, phraseTokens, splitPhrases } from '../../../src-main/services/phrases/phrases.js';

const line = (text: string): void => void process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: vary-refine.js <model.ckpt> [bars] [settings JSON]');
  const bars = Number(process.argv[3] ?? 2);
  const settings = JSON.parse(process.argv[4] ?? '[{}]') as RefineOptions[];
  const ops = loadNativeAddon().sequence;
  // "untrained": a fresh `quick` model, to tell what refinement finds in any decoder from what the trained one knows.
  const vae = file === 'untrained' ? createVae(ops, VAE_PRESETS.quick.config, '1') : (await loadVae(ops, file)).vae;
  const phrases = generateCorpus({ seed: '1' }).flatMap((piece) => cutPhrases(piece.music, bars, piece.name));
  const split = splitPhrases(phrases, { seed: '5', heldOutFraction: 0.25 });
  const f1 = (set: typeof split.train, latents?: Float32Array[]): string => reconstructionF1(vae, set, latents).f1.toFixed(3);
  line(`from mu: held-out F1 ${f1(split.heldOut)}, training ${f1(split.train)}`);
  for (const options of settings) {
    const started = performance.now();
    const latents = refineLatents(vae, split.heldOut.map(phraseTokens), options);
    const seconds = (performance.now() - started) / 1000;
    line(`refined ${JSON.stringify(options)}: held-out F1 ${f1(split.heldOut, latents)} (${seconds.toFixed(1)} s for ${split.heldOut.length} phrases)`);
  }
}

await main();
