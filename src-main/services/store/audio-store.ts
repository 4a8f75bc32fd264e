/**
 * The content-addressed store under the data directory: `files/ab/abcdef….ext` for originals,
 * `playback/ab/….wav` for the copies the UI streams, `derived/ab/<original's hash>-<recipe>.f32`
 * for prepared training audio (derivedKey). A key may be shared by several file rows (the same
 * bytes imported again); the library removes a file only once no row names it.
 *
 * Writes are atomic: bytes go to a temporary name in the same folder, are flushed, then
 * renamed over the final name, so a crash or a full disk never leaves a half-written file
 * under a real key. An import stages its files (written and flushed under temporary names)
 * and places them (the renames) inside the library's write transaction, together with the
 * row that names them; see LibraryService on why. Keys are validated so no caller can escape
 * the store's root.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { describeFsError, writeFileAtomic, writeTempFile } from './atomic-write.js';

const KEY_PATTERN = /^(files|playback|derived|midi)\/[0-9a-f]{2}\/[0-9a-f]{64}[a-z0-9.-]{0,40}$/;

/** `midi`: imported MIDI files' originals, owned by the parts feature (its rows name them, its sweep removes the rest). */
export type StoreArea = 'files' | 'playback' | 'derived' | 'midi';

/** Bytes written and flushed under a temporary name beside their key's file, not yet in place. */
export interface StagedFile {
  key: string;
  temp: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The key for content with this hash in an area; `suffix` is e.g. ".flac" or "-mono-16000.wav". */
export function storeKey(area: StoreArea, sha256: string, suffix: string): string {
  const key = `${area}/${sha256.slice(0, 2)}/${sha256}${suffix}`;
  assertKey(key);
  return key;
}

/**
 * The key of audio derived from an imported file (prepared training audio): the file's hash,
 * then a hash of how it was derived (`recipe`), so everything made from a file is found by the
 * file's hash and goes once no file row has that hash (LibraryService).
 */
export function derivedKey(fileSha256: string, recipe: string, suffix: string): string {
  return storeKey('derived', fileSha256, `-${sha256Hex(new TextEncoder().encode(recipe)).slice(0, 32)}${suffix}`);
}

/** The hash of the file a derived key was made from; null for a key named by its recipe alone (before derivedKey). */
export function derivedFrom(key: string): string | null {
  return DERIVED_KEY.exec(key)?.[1] ?? null;
}

const DERIVED_KEY = /^derived\/[0-9a-f]{2}\/([0-9a-f]{64})-[0-9a-f]{32}\./;

const RENDERED_SUFFIX = '-rendered.wav';

/**
 * The key of a playback copy rendered from a recipe rather than imported (a MIDI part through
 * the synth: services/synth/part-playback.ts): `playback/ab/<recipe hash>-rendered.wav`. No file
 * row names it; the library's sweep of unnamed store files leaves it (isRenderedKey).
 */
export function renderedKey(recipeSha256: string): string {
  return storeKey('playback', recipeSha256, RENDERED_SUFFIX);
}

export function isRenderedKey(key: string): boolean {
  return key.startsWith('playback/') && key.endsWith(RENDERED_SUFFIX);
}

function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new AppError('INTERNAL', `invalid store key: ${key}`);
}

export class AudioStore {
  constructor(readonly root: string) {}

  /** Absolute path of a key (validated: always inside the root). */
  pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Writes bytes under a key unless the key already holds them (content addressing makes an
   * existing file identical). Returns whether this call created the file, so a failed import
   * removes only what it added.
   */
  async put(key: string, bytes: Uint8Array): Promise<{ created: boolean }> {
    const target = this.pathOf(key);
    if (await this.has(key)) return { created: false };
    try {
      await mkdir(path.dirname(target), { recursive: true });
    } catch (error) {
      throw new AppError('STORAGE', `cannot write to the audio store (${describeFsError(error)})`);
    }
    await writeFileAtomic(target, bytes, 'to the audio store');
    return { created: true };
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Writes bytes for `key` under a temporary name beside its file (STORAGE error on failure). */
  async stage(key: string, bytes: Uint8Array): Promise<StagedFile> {
    const target = this.pathOf(key);
    try {
      await mkdir(path.dirname(target), { recursive: true });
    } catch (error) {
      throw new AppError('STORAGE', `cannot write to the audio store (${describeFsError(error)})`);
    }
    return { key, temp: await writeTempFile(target, bytes, 'to the audio store') };
  }

  /**
   * Moves a staged file to its key, or drops it when the key holds the file already (the same
   * content: the key is its hash). Returns whether it placed it. Synchronous, for a transaction.
   */
  placeSync(staged: StagedFile): boolean {
    const target = this.pathOf(staged.key);
    if (existsSync(target)) {
      rmSync(staged.temp, { force: true });
      return false;
    }
    renameSync(staged.temp, target);
    return true;
  }

  /** Removes a staged file that will not be placed; never throws. */
  async discard(staged: StagedFile): Promise<void> {
    await rm(staged.temp, { force: true }).catch(() => undefined);
  }

  /** Removes the file of `key`, synchronously (inside a transaction). */
  removeSync(key: string): void {
    rmSync(this.pathOf(key), { force: true });
  }

  /** The keys of the audio derived from the file with this hash (derivedKey). */
  derivedKeysSync(fileSha256: string): string[] {
    const prefix = fileSha256.slice(0, 2);
    return readNames(path.join(this.root, 'derived', prefix))
      .map((name) => `derived/${prefix}/${name}`)
      .filter((key) => KEY_PATTERN.test(key) && derivedFrom(key) === fileSha256);
  }

  /** Every key with a file in `area` (temporary names are not keys). */
  keysSync(area: StoreArea): string[] {
    const keys: string[] = [];
    const root = path.join(this.root, area);
    for (const prefix of readNames(root)) {
      for (const name of readNames(path.join(root, prefix))) {
        const key = `${area}/${prefix}/${name}`;
        if (KEY_PATTERN.test(key)) keys.push(key);
      }
    }
    return keys;
  }
}

function readNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
