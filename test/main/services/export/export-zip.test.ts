/**
 * An exported folder as a .zip (real files, read back with yauzl): every file under the folder's
 * own name with its bytes, nested folders kept, symbolic links left out, and a write that
 * streams into any Writable.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { filesToZip, zipFolder } from '../../../../src-main/services/export/export-zip.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { zipEntries } from '../../../helpers/zip-entries.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('zipFolder', () => {
  it('writes every file under the folder’s name, byte for byte, and leaves symbolic links out', async () => {
    const folder = path.join(dir, 'Verse idea Project');
    await mkdir(path.join(folder, 'Samples', 'Imported'), { recursive: true });
    const wav = Buffer.alloc(100_000, 7);
    await writeFile(path.join(folder, 'Verse idea.als'), 'gzipped set');
    await writeFile(path.join(folder, 'Samples', 'Imported', 'Take 3.wav'), wav);
    await writeFile(path.join(folder, 'eureka.json'), '{"takes":[3]}');
    await writeFile(path.join(dir, 'secret.txt'), 'not part of the export');
    await symlink(path.join(dir, 'secret.txt'), path.join(folder, 'link.txt'));
    expect(await filesToZip(folder)).toEqual(['Samples/Imported/Take 3.wav', 'Verse idea.als', 'eureka.json']);

    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    await zipFolder(folder, sink);
    const entries = await zipEntries(Buffer.concat(chunks));
    expect([...entries.keys()].sort()).toEqual(['Verse idea Project/Samples/Imported/Take 3.wav', 'Verse idea Project/Verse idea.als', 'Verse idea Project/eureka.json']);
    expect(entries.get('Verse idea Project/Samples/Imported/Take 3.wav')!.equals(wav)).toBe(true);
    expect(entries.get('Verse idea Project/eureka.json')!.toString()).toBe('{"takes":[3]}');
  });
});
