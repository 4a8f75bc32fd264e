/**
 * Tiny real phrase models for the MIDI takes' tests: the `test` presets of the `continue` LM and
 * the `vary` VAE trained by the native addon for a few dozen steps on 4-bar phrases of the
 * seeded test corpus (12 pieces), exported to ONNX (lstm-lm-onnx.ts, vae-onnx.ts), and installed
 * into a library as training leaves a finished model. A second or two each; not music, but
 * models whose samples follow the phrases' grammar often enough to make notes.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SequenceOps } from '../../src-main/addon/binding.js';
import { openDatabase } from '../../src-main/db/database.js';
import { writeLstmLmOnnx } from '../../src-main/services/models/onnx/lstm-lm-onnx.js';
import { PHRASE_MODEL_FILES, phraseModelDirOf, writePhraseCorpus, writePhraseOnnxManifest } from '../../src-main/services/models/phrase-model-files.js';
import { LM_PRESETS } from '../../src-main/services/phrase-models/lm-presets.js';
import { trainLm } from '../../src-main/services/phrase-models/lm-train.js';
import type { LstmLm } from '../../src-main/services/phrase-models/lstm-lm.js';
import { fitLatentSpace, saveLatentSpace } from '../../src-main/services/phrase-models/latent-space.js';
import { encodeMean, type PhraseVae } from '../../src-main/services/phrase-models/vae.js';
import { VAE_PRESETS } from '../../src-main/services/phrase-models/vae-presets.js';
import { trainVae } from '../../src-main/services/phrase-models/vae-train.js';
import { exportVaeOnnx, VAE_ONNX_FILES } from '../../src-main/services/models/onnx/vae-onnx.js';
import { phraseTokens } from '../../src-main/services/phrases/phrases.js';
import { generateCorpus, type CorpusPiece } from '../../src-main/services/phrases/corpus.js';
import { cutPhrases, type Phrase } from '../../src-main/services/phrases/phrases.js';
import type { PhraseModelKind } from '../../src-main/common/phrases.js';

export interface TinyPhraseModel {
  model: LstmLm;
  pieces: CorpusPiece[];
  phrases: Phrase[];
}

export const TINY_PHRASE_BARS = 4;

/** Trains the tiny model (deterministic: fixed seeds). */
export function trainTinyLm(ops: SequenceOps, steps = 40): TinyPhraseModel {
  const pieces = generateCorpus({ seed: '5', pieces: 12 });
  const phrases = pieces.flatMap((piece) => cutPhrases(piece.music, TINY_PHRASE_BARS, piece.name));
  const preset = LM_PRESETS.test;
  const { state } = trainLm({ ops, config: preset.config, schedule: { ...preset.schedule, steps }, train: phrases, seed: '11' });
  return { model: state.model, pieces, phrases };
}

/** Writes the model's `lm.onnx` into `folder`; its path. */
export async function writeTinyLmOnnx(model: LstmLm, folder: string): Promise<string> {
  const file = path.join(folder, 'lm.onnx');
  const { vocab, embedding, hidden, layers } = model.config;
  await writeLstmLmOnnx(file, { vocab, embed: embedding, hidden, layers, params: model.params });
  return file;
}

/**
 * Puts the tiny model into a library as a finished `continue` phrase model, as training leaves
 * one: its row (status done) in the library's database through a second connection, and its
 * folder — corpus.json (every phrase as training), onnx/lm.onnx and onnx/manifest.json last.
 * Returns its id.
 */
export async function installTinyLm(dataDir: string, tiny: TinyPhraseModel, fields: { name?: string; status?: string } = {}): Promise<number> {
  const id = insertPhraseModelRow(dataDir, 'continue', tiny.phrases.length, fields);
  const dir = phraseModelDirOf(dataDir, id);
  await mkdir(path.join(dir, PHRASE_MODEL_FILES.onnx), { recursive: true });
  await writePhraseCorpus(dir, { format: 1, bars: TINY_PHRASE_BARS, train: tiny.phrases, heldOut: [], sources: [] });
  const file = await writeTinyLmOnnx(tiny.model, path.join(dir, PHRASE_MODEL_FILES.onnx));
  const { embedding, hidden, layers } = tiny.model.config;
  await writePhraseOnnxManifest(dir, {
    format: 1,
    kind: 'continue',
    bars: TINY_PHRASE_BARS,
    vocab: tiny.model.config.vocab,
    steps: 40,
    lm: { embed: embedding, hidden, layers },
    vae: null,
    files: [{ file: PHRASE_MODEL_FILES.lm, bytes: (await stat(file)).size }],
  });
  return id;
}

/** A finished phrase model's row, as training leaves it, through a second connection to the library's database. */
function insertPhraseModelRow(dataDir: string, kind: PhraseModelKind, phrases: number, fields: { name?: string; status?: string }): number {
  const db = openDatabase(path.join(dataDir, 'eureka.db'));
  try {
    const request = { songIds: [], bars: TINY_PHRASE_BARS, budgetSeconds: 10, seed: '11' };
    const corpus = { songs: 0, parts: 0, trainPhrases: phrases, heldOutPhrases: 0, bars: phrases * TINY_PHRASE_BARS, notes: 0 };
    const now = new Date().toISOString();
    return Number(
      db
        .prepare(
          `INSERT INTO phrase_models (kind, name, preset, request, status, corpus, steps_done, steps_total, created_at, started_at, finished_at)
           VALUES (?, ?, 'test', ?, ?, ?, 40, 40, ?, ?, ?)`,
        )
        .run(kind, fields.name ?? `Tiny ${kind}`, JSON.stringify(request), fields.status ?? 'done', JSON.stringify(corpus), now, now, now).lastInsertRowid,
    );
  } finally {
    db.close();
  }
}

export interface TinyPhraseVae {
  vae: PhraseVae;
  pieces: CorpusPiece[];
  phrases: Phrase[];
}

/** The `test` VAE preset trained for a few dozen steps on the same 4-bar phrases (deterministic). */
export function trainTinyVae(ops: SequenceOps, steps = 30): TinyPhraseVae {
  const pieces = generateCorpus({ seed: '5', pieces: 12 });
  const phrases = pieces.flatMap((piece) => cutPhrases(piece.music, TINY_PHRASE_BARS, piece.name));
  const preset = VAE_PRESETS.test;
  const { state } = trainVae({ ops, config: preset.config, schedule: { ...preset.schedule, steps }, train: phrases, seed: '12' });
  return { vae: state.vae, pieces, phrases };
}

/** Puts the tiny VAE into a library as a finished `vary` model: row, corpus.json, the three graphs, latent-space.json, manifest last. */
export async function installTinyVae(dataDir: string, tiny: TinyPhraseVae, fields: { name?: string; status?: string } = {}): Promise<number> {
  const id = insertPhraseModelRow(dataDir, 'vary', tiny.phrases.length, fields);
  const dir = phraseModelDirOf(dataDir, id);
  const onnxDir = path.join(dir, PHRASE_MODEL_FILES.onnx);
  await mkdir(onnxDir, { recursive: true });
  await writePhraseCorpus(dir, { format: 1, bars: TINY_PHRASE_BARS, train: tiny.phrases, heldOut: [], sources: [] });
  await exportVaeOnnx(tiny.vae, onnxDir);
  await saveLatentSpace(path.join(dir, PHRASE_MODEL_FILES.latentSpace), fitLatentSpace(encodeMean(tiny.vae, tiny.phrases.map(phraseTokens))));
  const { vocab, embedding, encoderHidden, encoderLayers, latent, decoderHidden, decoderLayers } = tiny.vae.config;
  await writePhraseOnnxManifest(dir, {
    format: 1,
    kind: 'vary',
    bars: TINY_PHRASE_BARS,
    vocab,
    steps: 30,
    lm: null,
    vae: { embedding, encoderHidden, encoderLayers, latent, decoderHidden, decoderLayers },
    files: await Promise.all(Object.values(VAE_ONNX_FILES).map(async (file) => ({ file, bytes: (await stat(path.join(onnxDir, file))).size }))),
  });
  return id;
}
