/**
 * The exported pyramid's manifest, `<modelDir>/onnx/manifest.json`: what the runtime needs
 * besides the graphs (rates, training lengths, amps, the reconstruction noise files, the holes
 * of an inpainting run). It is written last by the export, so its presence means every file it
 * lists was complete when it was written; `bytes` lets a reader notice one damaged since.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MODEL_FILES } from '../model-files.js';

const size = z.number().int().nonnegative();

export const pyramidScaleSchema = z.object({
  index: size,
  /** Hz */
  rate: z.number().int().positive(),
  /** The training level's length, samples: the reconstruction's length at this scale. */
  trainingLength: z.number().int().positive(),
  /** The noise amplitude baked into the graph (informational). */
  amp: z.number().nonnegative(),
  channels: z.number().int().positive(),
  /** The graph's file name in the onnx folder. */
  file: z.string().min(1),
  /** Its size, so a truncated file is noticed. */
  bytes: z.number().int().positive(),
});
export type PyramidScale = z.infer<typeof pyramidScaleSchema>;

export const pyramidManifestSchema = z
  .object({
    format: z.literal(1),
    /** The checkpoints' config hash (16 hex digits). */
    configHash: z.string().regex(/^[0-9a-f]{16}$/),
    /** Coarsest first; scale s's graph takes scale s-1's output. */
    scales: z.array(pyramidScaleSchema).min(1),
    /** P: the zero padding each generator puts around its input, samples. */
    pad: size,
    inpainting: z.boolean(),
    /** The rate `holes` are counted at (the training signal's), or null without holes. */
    holeRate: z.number().int().positive().nullable(),
    /** [start, end) in samples at holeRate. */
    holes: z.array(z.object({ start: size, end: size })),
    /** Per scale: a raw little-endian float32 file of trainingLength samples, or null (zeros). */
    zRec: z.array(z.string().min(1).nullable()),
  })
  .refine((m) => m.zRec.length === m.scales.length, { message: 'zRec needs one entry per scale' })
  .refine((m) => m.scales.every((s, i) => s.index === i), { message: 'scales must be in order' });
export type PyramidManifest = z.infer<typeof pyramidManifestSchema>;

/** The manifest in `onnxDir`, or null when it is missing or does not parse. */
export async function readManifest(onnxDir: string): Promise<PyramidManifest | null> {
  let text: string;
  try {
    text = await readFile(path.join(onnxDir, MODEL_FILES.onnxManifest), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = pyramidManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
