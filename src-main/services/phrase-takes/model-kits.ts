/**
 * What generation holds open per phrase model: its ONNX sessions (phrase-runtime.ts), the copy
 * check's index over its training phrases (corpus.json), and for `vary` its sliders
 * (latent-space.json) and the time signature most of its phrases are in (what a variation of the
 * latent's centre is written in). Opened on first use from the model's folder
 * (models/phrase-model-files.ts) and kept, with a vary model's refined latents
 * (refined-latents.ts): a take is then milliseconds of token runs. A model
 * that changes or goes is closed (its runs in flight finish first) and reopened on next use.
 */
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import type { MeterPoint } from '../../common/midi.js';
import type { PhraseModel } from '../../common/phrases.js';
import { PhraseLmRuntime, PhraseVaeRuntime } from '../models/onnx/phrase-runtime.js';
import { PHRASE_MODEL_FILES, phraseModelFile, phraseOnnxFile, readPhraseCorpus, readPhraseOnnxManifest } from '../models/phrase-model-files.js';
import { loadLatentSpace, type LatentSpace } from '../phrase-models/latent-space.js';
import { CopyIndex } from '../phrases/phrase-metrics.js';
import type { Phrase } from '../phrases/phrases.js';
import { RefinedLatents } from './refined-latents.js';

interface KitBase {
  modelId: number;
  /** The phrase length the model learned. */
  bars: number;
  /** Training phrases, for naming where a copy comes from. */
  train: Phrase[];
  copies: CopyIndex;
}

export interface ContinueKit extends KitBase {
  kind: 'continue';
  lm: PhraseLmRuntime;
}

export interface VaryKit extends KitBase {
  kind: 'vary';
  vae: PhraseVaeRuntime;
  /** The latents takes start from: refined from the checkpoint, else mu (refined-latents.ts). */
  latents: RefinedLatents;
  space: LatentSpace;
  /** The time signature most training phrases are in. */
  timeSignature: MeterPoint['timeSignature'];
}

export type ModelKit = ContinueKit | VaryKit;

export class ModelKits {
  readonly #open = new Map<number, Promise<ModelKit>>();

  constructor(private readonly dirOf: (modelId: number) => string) {}

  /** The model's kit, opened once (a failed open is not kept: the next call tries again). */
  of(model: PhraseModel): Promise<ModelKit> {
    let kit = this.#open.get(model.id);
    if (!kit) {
      kit = openKit(model, this.dirOf(model.id));
      this.#open.set(model.id, kit);
      kit.catch(() => this.#open.delete(model.id));
    }
    return kit;
  }

  /** Closes the kits of these models (after their runs in flight); they reopen on next use. */
  async close(modelIds: readonly number[]): Promise<void> {
    const closing = modelIds.flatMap((id) => {
      const kit = this.#open.get(id);
      this.#open.delete(id);
      return kit ? [kit.then(closeKit, () => undefined)] : [];
    });
    await Promise.all(closing);
  }

  async closeAll(): Promise<void> {
    await this.close([...this.#open.keys()]);
  }
}

async function closeKit(kit: ModelKit): Promise<void> {
  await (kit.kind === 'continue' ? kit.lm.close() : kit.vae.close());
}

async function openKit(model: PhraseModel, dir: string): Promise<ModelKit> {
  const manifest = await readPhraseOnnxManifest(dir);
  if (manifest === null) throw new AppError('INVALID_INPUT', `phrase model ${model.id} has no ONNX export: train it to the end again`);
  if (manifest.kind !== model.kind) throw new AppError('INTERNAL', `phrase model ${model.id} is a ${model.kind} model but its export is of a ${manifest.kind} model`);
  const corpus = await readPhraseCorpus(dir);
  const base = { modelId: model.id, bars: manifest.bars, train: corpus.train, copies: new CopyIndex(corpus.train.map((phrase) => phrase.notes)) };
  if (manifest.kind === 'continue') return { ...base, kind: 'continue', lm: await PhraseLmRuntime.open(phraseOnnxFile(dir, 'lm')) };
  const space = await loadLatentSpace(phraseModelFile(dir, 'latentSpace'));
  const vae = await PhraseVaeRuntime.open(path.join(dir, PHRASE_MODEL_FILES.onnx));
  if (vae.latent !== space.mean.length) {
    await vae.close();
    throw new AppError('INTERNAL', `phrase model ${model.id}: its sliders are for a latent of ${space.mean.length}, its decoder takes ${vae.latent}`);
  }
  const latents = new RefinedLatents(phraseModelFile(dir, 'model'), vae);
  return { ...base, kind: 'vary', vae, latents, space, timeSignature: commonestSignature(corpus.train) };
}

/** The time signature most phrases are in (4/4 when there are none; the first met on a tie). */
function commonestSignature(phrases: readonly Phrase[]): MeterPoint['timeSignature'] {
  const counts = new Map<string, { signature: MeterPoint['timeSignature']; count: number }>();
  for (const phrase of phrases) {
    const key = `${phrase.timeSignature.numerator}/${phrase.timeSignature.denominator}`;
    const entry = counts.get(key) ?? { signature: phrase.timeSignature, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  let best: { signature: MeterPoint['timeSignature']; count: number } | null = null;
  for (const entry of counts.values()) if (best === null || entry.count > best.count) best = entry;
  return best?.signature ?? { numerator: 4, denominator: 4 };
}
