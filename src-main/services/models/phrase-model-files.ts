/**
 * The phrase model folder, `<data>/phrase-models/<id>/` (docs/midi.md "Phrase models in the
 * app"): every file name in it, and the two files other features read through this floor — the
 * phrases a model learned from (`corpus.json`; the takes' copy check reads its training phrases)
 * and the ONNX export's manifest (`onnx/manifest.json`; generation reads it to open the graphs).
 *
 *   corpus.json          the training and held-out phrases and their sources (written at creation)
 *   model.ckpt           the trained model (continue: lm-checkpoint.ts; vary: vae-checkpoint.ts)
 *   resume.ckpt          the state to go on training from (every ~10 s and at a cancel; removed when done)
 *   losses.ndjson        the loss curve, one {step, loss} line per reported point
 *   onnx/                continue: lm.onnx; vary: vae-encoder.onnx, vae-init.onnx, vae-decoder.onnx;
 *                        manifest.json written last, so its presence means the graphs are whole
 *   latent-space.json    vary: the 20 slider directions over the training phrases' latents
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { partNoteSchema } from '../../common/midi.js';
import { timeSignatureSchema } from '../../common/musical-time.js';
import { MAX_PHRASE_BARS, MIN_PHRASE_BARS, type Phrase } from '../phrases/phrases.js';
import { writeFileAtomic } from '../store/atomic-write.js';

/** The folder of all phrase models inside the data folder. */
export const PHRASE_MODELS_DIR = 'phrase-models';

export const PHRASE_MODEL_FILES = {
  corpus: 'corpus.json',
  model: 'model.ckpt',
  resume: 'resume.ckpt',
  losses: 'losses.ndjson',
  /** The ONNX export's folder, and the names in it. */
  onnx: 'onnx',
  onnxManifest: 'manifest.json',
  lm: 'lm.onnx',
  vaeEncoder: 'vae-encoder.onnx',
  vaeInit: 'vae-init.onnx',
  vaeDecoder: 'vae-decoder.onnx',
  latentSpace: 'latent-space.json',
} as const;

/** A phrase model's folder inside the data folder. */
export function phraseModelDirOf(dataDir: string, modelId: number): string {
  return path.join(dataDir, PHRASE_MODELS_DIR, String(modelId));
}

/** A file of a phrase model's folder: `phraseModelFile(dir, 'corpus')`. */
export function phraseModelFile(modelDir: string, name: Exclude<keyof typeof PHRASE_MODEL_FILES, 'onnxManifest' | 'lm' | 'vaeEncoder' | 'vaeInit' | 'vaeDecoder'>): string {
  return path.join(modelDir, PHRASE_MODEL_FILES[name]);
}

/** The ONNX export's folder of a phrase model's folder. */
export function phraseOnnxDirOf(modelDir: string): string {
  return path.join(modelDir, PHRASE_MODEL_FILES.onnx);
}

/** A file of the ONNX export's folder: `phraseOnnxFile(dir, 'lm')`. */
export function phraseOnnxFile(modelDir: string, name: 'onnxManifest' | 'lm' | 'vaeEncoder' | 'vaeInit' | 'vaeDecoder'): string {
  return path.join(modelDir, PHRASE_MODEL_FILES.onnx, PHRASE_MODEL_FILES[name]);
}

// ---- corpus.json

/** A phrase as the phrases floor cuts it (services/phrases/phrases.ts). */
export const phraseSchema = z.object({
  source: z.string().min(1),
  startBar: z.number().int().min(1),
  bars: z.number().int().min(MIN_PHRASE_BARS).max(MAX_PHRASE_BARS),
  fromBeats: z.number().nonnegative(),
  toBeats: z.number().positive(),
  timeSignature: timeSignatureSchema,
  notes: z.array(partNoteSchema),
});

/** Where a model's phrases came from: a part of a song, and which side of the split it went to. */
export const phraseSourceSchema = z.object({
  /** The phrases' `source`: "<song> · <part>", unique in the corpus. */
  name: z.string().min(1),
  songId: z.number().int().positive(),
  partId: z.number().int().positive(),
  phrases: z.number().int().nonnegative(),
  heldOut: z.boolean(),
});
export type PhraseSourceInfo = z.infer<typeof phraseSourceSchema>;

export const phraseCorpusSchema = z.object({
  format: z.literal(1),
  /** The phrase length in bars. */
  bars: z.number().int().min(MIN_PHRASE_BARS).max(MAX_PHRASE_BARS),
  /** What the model trains on. */
  train: z.array(phraseSchema),
  /** What it is measured on: whole sources the model never hears (phrases.ts splitPhrases). */
  heldOut: z.array(phraseSchema),
  sources: z.array(phraseSourceSchema),
});
export interface PhraseCorpus {
  format: 1;
  bars: number;
  train: Phrase[];
  heldOut: Phrase[];
  sources: PhraseSourceInfo[];
}

/** Writes `corpus.json` atomically. */
export async function writePhraseCorpus(modelDir: string, corpus: PhraseCorpus): Promise<void> {
  await writeFileAtomic(phraseModelFile(modelDir, 'corpus'), `${JSON.stringify(phraseCorpusSchema.parse(corpus))}\n`, 'the phrase model’s phrases');
}

/** Reads and checks `corpus.json`; one line when it is missing or damaged. */
export async function readPhraseCorpus(modelDir: string): Promise<PhraseCorpus> {
  const file = phraseModelFile(modelDir, 'corpus');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new AppError('NOT_FOUND', `the phrase model's phrases are missing (${file})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('INTERNAL', `the phrase model's phrases are damaged: ${file} is not JSON`);
  }
  const parsed = phraseCorpusSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('INTERNAL', `the phrase model's phrases are damaged: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''} (${file})`);
  }
  return parsed.data as PhraseCorpus;
}

// ---- onnx/manifest.json

const positive = z.number().int().positive();

/**
 * What generation needs besides the graphs: the kind, the sizes of the recurrent state the
 * graphs take (continue: h0, c0 of (layers, B, hidden); vary: the latent and the decoder's state)
 * and each file with its size (a truncated file is noticed). Written last by the export.
 */
export const phraseOnnxManifestSchema = z.object({
  format: z.literal(1),
  kind: z.enum(['continue', 'vary']),
  /** The phrase length in bars the model learned (vary decodes exactly this many). */
  bars: z.number().int().min(MIN_PHRASE_BARS).max(MAX_PHRASE_BARS),
  /** V: the phrase tokens (services/phrases/tokens.ts). */
  vocab: positive,
  /** Training steps taken. */
  steps: z.number().int().nonnegative(),
  /** continue: the LSTM language model's sizes (onnx/lstm-lm-onnx.ts); null for vary. */
  lm: z.object({ embed: positive, hidden: positive, layers: positive }).nullable(),
  /** vary: the VAE's sizes (phrase-models/vae.ts VaeConfig without dropout); null for continue. */
  vae: z
    .object({
      embedding: positive,
      encoderHidden: positive,
      encoderLayers: positive,
      latent: positive,
      decoderHidden: positive,
      decoderLayers: positive,
    })
    .nullable(),
  /** The graphs, by name in onnx/ (PHRASE_MODEL_FILES.lm, or the three vae files). */
  files: z.array(z.object({ file: z.string().min(1), bytes: positive })).min(1),
});
export type PhraseOnnxManifest = z.infer<typeof phraseOnnxManifestSchema>;

/** Writes `onnx/manifest.json` atomically; call it after every graph is written. */
export async function writePhraseOnnxManifest(modelDir: string, manifest: PhraseOnnxManifest): Promise<void> {
  await writeFileAtomic(phraseOnnxFile(modelDir, 'onnxManifest'), `${JSON.stringify(phraseOnnxManifestSchema.parse(manifest), null, 2)}\n`, 'the phrase model’s ONNX manifest');
}

/** The export's manifest, or null when the model has none (not trained to the end) or it does not parse. */
export async function readPhraseOnnxManifest(modelDir: string): Promise<PhraseOnnxManifest | null> {
  try {
    const parsed = phraseOnnxManifestSchema.safeParse(JSON.parse(await readFile(phraseOnnxFile(modelDir, 'onnxManifest'), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
