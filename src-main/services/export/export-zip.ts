/**
 * An exported folder as one .zip, streamed: web mode's download (the browser may be on another
 * computer than the export, e.g. a laptop using a studio box through an SSH tunnel) and
 * `eureka export --zip`. yazl writes the archive as it reads the files (zip64 where a file needs
 * it), so a project of long WAVs never sits in memory. WAVs are stored, not deflated: audio
 * barely compresses and a drag into Live or Logic should not wait for it; the rest is deflated.
 * Entries are the folder's own name and the paths inside it; symbolic links are left out (an
 * export writes none, so one found there was not Eureka's to hand out).
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** The files under `folder` (relative, '/'-separated, sorted), no symbolic links. */
export async function filesToZip(folder: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(relative: string): Promise<void> {
    const entries = await readdir(path.join(folder, relative), { withFileTypes: true });
    // Code-point order, so an archive's listing is the same on every machine and locale.
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) out.push(child);
    }
  }
  await walk('');
  return out;
}

/** Writes `folder` as a zip to `output`; resolves once every byte is written. */
export async function zipFolder(folder: string, output: Writable): Promise<void> {
  const root = path.basename(folder);
  const zip = new ZipFile();
  const done = finished(zip.outputStream.pipe(output));
  for (const relative of await filesToZip(folder)) {
    const file = path.join(folder, relative);
    const info = await lstat(file);
    zip.addReadStream(createReadStream(file), `${root}/${relative}`, {
      mtime: info.mtime,
      size: info.size,
      compress: !/\.(wav|aiff?|flac|mp3|m4a|als)$/i.test(relative),
    });
  }
  zip.end();
  await done;
}
