/**
 * Turning what a person dropped or picked into import sources: File objects read into
 * Uint8Arrays, split into requests the contract accepts (at most 100 files each), and files we
 * can refuse before reading a byte of them (over the size limit, empty).
 */
import { MAX_IMPORT_BYTES } from '@common/limits.js';

/** What the "Import…" file picker offers; the service decides from the bytes, not the name. */
export const IMPORT_ACCEPT = 'audio/*,.wav,.aif,.aiff,.aifc,.flac,.mp3,.caf,.mid,.midi';

/** Most files in one `library:import-files` request (the contract's limit). */
export const MAX_FILES_PER_IMPORT = 100;

/** A file refused before sending, with its one-line reason. */
export interface RefusedFile {
  name: string;
  message: string;
}

/** Splits a selection into files worth sending and files refused up front. */
export function screenFiles(files: readonly File[]): { accepted: File[]; refused: RefusedFile[] } {
  const accepted: File[] = [];
  const refused: RefusedFile[] = [];
  for (const file of files) {
    if (file.size === 0) {
      refused.push({ name: file.name, message: `${file.name}: the file is empty` });
    } else if (file.size > MAX_IMPORT_BYTES) {
      refused.push({
        name: file.name,
        message: `${file.name}: larger than 1 GiB, the most Eureka imports in one file`,
      });
    } else {
      accepted.push(file);
    }
  }
  return { accepted, refused };
}

/** Groups files into batches the contract accepts. */
export function batches<T>(items: readonly T[], size = MAX_FILES_PER_IMPORT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Reads a file's bytes. */
export async function readBytes(file: File): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await file.arrayBuffer());
}

/** True when a drag carries files (not text or a link), so the drop overlay should show. */
export function dragHasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}
