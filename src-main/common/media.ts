/**
 * Media references: what the renderer may ask to play. Each kind names a thing by numeric ids
 * (a rating item by an opaque token) only, so no request can carry a path; the core resolves
 * a reference to a file it owns. The same path form is used by the desktop protocol
 * (`eureka-media://media/<path>`) and web mode (`/media/<path>`).
 */
import { z } from 'zod';
import { idSchema } from './dto.js';
import { previewKindSchema } from './training.js';

/** A MIDI part or part clip rendered by the synth: the hash of what it was rendered from (`parts:get-audio` gives it). */
export const renderedMediaSchema = z.object({ kind: z.literal('rendered'), renderId: z.string().regex(/^[0-9a-f]{64}$/) });

export const mediaRefSchema = z.discriminatedUnion('kind', [
  /** An imported file's playback WAV. */
  z.object({ kind: z.literal('file'), fileId: idSchema }),
  /** A training preview: scale `scale` of model `modelId`, its generated take or reconstruction. */
  z.object({
    kind: z.literal('preview'),
    modelId: idSchema,
    scale: z.number().int().nonnegative().max(63),
    preview: previewKindSchema,
  }),
  /** A generated take's audio file. */
  z.object({ kind: z.literal('take'), takeId: idSchema }),
  /**
   * A blind rating item: an opaque token, random per rater and position, that says nothing of
   * the item (the main process alone maps it to a file).
   */
  z.object({ kind: z.literal('rating'), token: z.string().regex(/^[0-9a-f]{32}$/) }),
  renderedMediaSchema,
]);
export type MediaRef = z.infer<typeof mediaRefSchema>;

/** The URL path of a reference, without a leading slash: "file/12", "preview/3/2/fake". */
export function mediaPath(ref: MediaRef): string {
  switch (ref.kind) {
    case 'file':
      return `file/${ref.fileId}`;
    case 'preview':
      return `preview/${ref.modelId}/${ref.scale}/${ref.preview}`;
    case 'take':
      return `take/${ref.takeId}`;
    case 'rating':
      return `rating/${ref.token}`;
    case 'rendered':
      return `rendered/${ref.renderId}`;
  }
}

const ID = '([1-9]\\d{0,11})';
const FILE_PATH = new RegExp(`^file/${ID}$`);
const PREVIEW_PATH = new RegExp(`^preview/${ID}/(\\d{1,2})/(fake|rec)$`);
const TAKE_PATH = new RegExp(`^take/${ID}$`);
const RATING_PATH = /^rating\/([0-9a-f]{32})$/;
const RENDERED_PATH = /^rendered\/([0-9a-f]{64})$/;

/** The reference a path names, or null when it names nothing we serve. */
export function parseMediaPath(path: string): MediaRef | null {
  const file = FILE_PATH.exec(path);
  const preview = PREVIEW_PATH.exec(path);
  const take = TAKE_PATH.exec(path);
  const rating = RATING_PATH.exec(path);
  const rendered = RENDERED_PATH.exec(path);
  const candidate = file
    ? { kind: 'file', fileId: Number(file[1]) }
    : preview
      ? { kind: 'preview', modelId: Number(preview[1]), scale: Number(preview[2]), preview: preview[3] }
      : take
        ? { kind: 'take', takeId: Number(take[1]) }
        : rating
          ? { kind: 'rating', token: rating[1] }
          : rendered
            ? { kind: 'rendered', renderId: rendered[1] }
            : null;
  const parsed = mediaRefSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}
