/**
 * The model folder's one float32 reader and writer: a round trip is bit-exact (NaN payloads and
 * -0 included), and a damaged file (empty, a partial sample, the wrong length when one is
 * expected) is one INTERNAL error naming it, never a short array.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../../src-main/common/errors.js';
import { float32Bytes, readFloat32File, writeFloat32File } from '../../../../src-main/services/models/float32-file.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

let dir: string;

beforeEach(async () => {
  dir = await makeTempDir();
});

afterEach(async () => {
  await removeDir(dir);
});

describe('float32 files', () => {
  it('round-trips samples bit for bit, from a view into a larger buffer too', async () => {
    const backing = Float32Array.of(9, 0.25, -0, 1e-40, Number.NaN, -3.5, 9);
    const samples = backing.subarray(1, 6);
    const file = path.join(dir, 'signal.f32');
    await writeFloat32File(file, samples);
    expect(await readFile(file)).toEqual(Buffer.from(float32Bytes(samples)));
    const back = await readFloat32File(file);
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(Float32Array.from(samples).buffer));
    expect(await readFloat32File(file, { samples: 5 })).toHaveLength(5);
  });

  it.each([
    ['an empty file', new Uint8Array(0), {}, 'source.f32 is damaged'],
    ['a partial sample', new Uint8Array(10), {}, 'source.f32 is damaged'],
    ['the wrong length', new Uint8Array(12), { samples: 4, what: "the ONNX export's zrec-0.f32" }, "the ONNX export's zrec-0.f32 is damaged"],
  ])('refuses %s', async (_what, bytes, options, message) => {
    const file = path.join(dir, 'source.f32');
    await writeFile(file, bytes);
    const error = await readFloat32File(file, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'INTERNAL', message });
  });

  it('passes a missing file through for the caller to word', async () => {
    await expect(readFloat32File(path.join(dir, 'missing.f32'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
