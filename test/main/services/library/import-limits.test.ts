/**
 * What the library refuses before it decodes anything, and how it reads what it imports: a
 * header declaring more than the limit (from the first bytes of a 635 MB file on disk, or from
 * bytes sent over IPC), a file over the byte cap (from its size alone), files read one at a
 * time; and after decoding, samples no recording holds (+600 dBFS) and files too short to
 * cut a clip from. The library here is real (SQLite, store, decoder); its processor is the real
 * inline one, watched, so a test can say the decoder never ran.
 */
import { open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAX_IMPORT_BYTES } from '../../../../src-main/common/limits.js';
import { openDatabase, type Db } from '../../../../src-main/db/database.js';
import { createInlineProcessor, type AudioProcessor } from '../../../../src-main/services/audio/processor.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { LibraryRepository } from '../../../../src-main/services/library/library-repository.js';
import { LibraryService } from '../../../../src-main/services/library/library-service.js';
import { AudioStore } from '../../../../src-main/services/store/audio-store.js';
import { wavBytes, wavHeader } from '../../../helpers/signals.js';
import { listFiles, makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 44_100;


describe('LibraryService: what is refused before decoding, and how files are read', () => {
  let dir: string;
  let db: Db;
  let library: LibraryService;
  /** The names the processor was asked to decode, in order. */
  let decoded: string[];
  /** Runs before each decode (a test's hook into "while file N is being imported"). */
  let beforeDecode: (name: string) => Promise<void>;

  beforeEach(async () => {
    dir = await makeTempDir();
    db = openDatabase(path.join(dir, 'eureka.db'));
    decoded = [];
    beforeDecode = () => Promise.resolve();
    const inline = createInlineProcessor();
    const watched: AudioProcessor = {
      ...inline,
      process: async (name, bytes, limits) => {
        decoded.push(name);
        await beforeDecode(name);
        return inline.process(name, bytes, limits);
      },
    };
    library = new LibraryService(new LibraryRepository(db), new AudioStore(path.join(dir, 'data')), watched, {
      maxImportSeconds: 20 * 60,
      maxClipSeconds: 120,
    });
  });
  afterEach(async () => {
    db.close();
    await removeDir(dir);
  });

  it('refuses a 635 MB WAV declaring two hours from its header: one line, never decoded, never read whole', async () => {
    const file = path.join(dir, 'Two hours.wav');
    await writeFile(file, wavHeader(2 * 3600 * RATE));
    await truncate(file, 44 + 2 * 3600 * RATE * 2); // sparse: 635 MB that take no disk
    const before = process.memoryUsage().arrayBuffers;
    const result = await library.importPaths([file]);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(result.files).toEqual([]);
    expect(result.failures).toEqual([
      {
        name: 'Two hours.wav',
        error: {
          code: 'TOO_LONG',
          message: 'Two hours.wav: is 120:00 long; the limit is 20:00 (set --max-duration to import longer files)',
        },
      },
    ]);
    expect(decoded).toEqual([]);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    expect(library.listSongs()).toEqual([]);
  });

  it('refuses bytes sent over IPC whose header declares two hours, without decoding them', async () => {
    const bytes = new Uint8Array([...wavHeader(2 * 3600 * RATE), ...new Uint8Array(RATE * 2)]);
    const result = await library.importFiles([{ name: 'long.wav', data: bytes }]);
    expect(result.failures.map((f) => f.error.code)).toEqual(['TOO_LONG']);
    expect(decoded).toEqual([]);
  });

  it('refuses a file over the byte cap from its size, before reading it', async () => {
    const file = path.join(dir, 'huge.wav');
    await writeFile(file, wavHeader(1000));
    await truncate(file, MAX_IMPORT_BYTES + 1);
    const result = await library.importPaths([file]);
    expect(result.failures).toEqual([
      { name: 'huge.wav', error: { code: 'TOO_LONG', message: 'huge.wav: larger than 1 GiB, the most Eureka imports in one file' } },
    ]);
    expect(decoded).toEqual([]);
  });

  it('reads each file only when its turn comes', async () => {
    const first = path.join(dir, 'first.wav');
    const second = path.join(dir, 'second.wav');
    await writeFile(first, wavBytes({ seconds: 2, sampleRate: 8_000, seed: 1 }));
    await writeFile(second, wavBytes({ seconds: 2, sampleRate: 8_000, seed: 2 }));
    // While the first is decoded, the second is deleted: read up front, it would still import.
    beforeDecode = async (name) => {
      if (name === 'first.wav') await rm(second);
    };
    const result = await library.importPaths([first, second]);
    expect(result.files.map((f) => f.originalName)).toEqual(['first.wav']);
    expect(result.failures).toEqual([{ name: second, error: { code: 'INVALID_INPUT', message: `${second}: no such file` } }]);
  });

  it('reads a file past the head it checked, byte for byte', async () => {
    const file = path.join(dir, 'long enough.wav');
    const bytes = wavBytes({ seconds: 20, sampleRate: 44_100, channels: 2, seed: 6 }); // 3.5 MB, past the 1 MiB head
    await writeFile(file, bytes);
    const result = await library.importPaths([file]);
    expect(result.failures).toEqual([]);
    expect(Buffer.compare(await readFile(library.originalPath(result.files[0]!.id)), Buffer.from(bytes))).toBe(0);
  });

  it('refuses float samples no recording holds (1e30: +600 dBFS), saying why', async () => {
    const channel = new Float32Array(RATE).map((_, t) => 1e30 * Math.sin((2 * Math.PI * 440 * t) / RATE));
    const result = await library.importFiles([{ name: 'blown.wav', data: encodeWav({ sampleRate: RATE, channels: [channel] }, { bitDepth: 32, float: true }) }]);
    expect(result.failures).toEqual([
      {
        name: 'blown.wav',
        error: {
          code: 'INVALID_SAMPLES',
          message: 'blown.wav: peaks at +600.0 dBFS, far beyond any recording (more than +24 dBFS): the samples are damaged or not scaled as audio',
        },
      },
    ]);
    // Float overs a loud master really has (+12 dBFS) still import.
    const hot = new Float32Array(RATE).map((_, t) => 4 * Math.sin((2 * Math.PI * 440 * t) / RATE));
    const ok = await library.importFiles([{ name: 'hot.wav', data: encodeWav({ sampleRate: RATE, channels: [hot] }, { bitDepth: 32, float: true }) }]);
    expect(ok.failures).toEqual([]);
  });

  it('refuses files too short to cut the shortest clip from, and takes one exactly that long', async () => {
    const tone = (frames: number) => encodeWav({ sampleRate: RATE, channels: [new Float32Array(frames).map((_, t) => 0.5 * Math.sin(t / 5))] }, { bitDepth: 16 });
    const result = await library.importFiles([
      { name: 'one.wav', data: tone(1) },
      { name: 'hundred.wav', data: tone(100) },
      { name: 'second.wav', data: tone(RATE) },
    ]);
    expect(result.files.map((f) => f.originalName)).toEqual(['second.wav']);
    expect(result.failures).toEqual([
      { name: 'one.wav', error: { code: 'TOO_SHORT', message: 'one.wav: is 0.02 ms long; the shortest clip is 1 s, so none could be cut from it' } },
      { name: 'hundred.wav', error: { code: 'TOO_SHORT', message: 'hundred.wav: is 2.27 ms long; the shortest clip is 1 s, so none could be cut from it' } },
    ]);
  });

  it('leaves the store as it was after refusals', async () => {
    await library.importFiles([{ name: 'long.wav', data: wavHeader(2 * 3600 * RATE) }]);
    expect(await listFiles(path.join(dir, 'data'))).toEqual([]);
    // The file handle of a refused path is closed: the file can be opened for writing and removed.
    const file = path.join(dir, 'closed.wav');
    await writeFile(file, wavHeader(2 * 3600 * RATE));
    await library.importPaths([file]);
    await (await open(file, 'r+')).close();
  });
});
