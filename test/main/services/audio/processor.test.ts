/**
 * The worker-thread processor gives the same answers as the inline one, and errors keep their
 * codes across the thread boundary. The worker runs the compiled core (out/node), which
 * `npm test` builds first.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '../../../../src-main/common/errors.js';
import { createInlineProcessor, createWorkerProcessor, type AudioProcessor } from '../../../../src-main/services/audio/processor.js';
import { wavBytes } from '../../../helpers/signals.js';

const WORKER = path.resolve('out/node/src-main/workers/audio-worker.js');

describe('audio processors', () => {
  let worker: AudioProcessor;
  const inline = createInlineProcessor();

  beforeAll(() => {
    if (!existsSync(WORKER)) throw new Error('the core is not built: run npm run build:node');
    worker = createWorkerProcessor(pathToFileURL(WORKER));
  });
  afterAll(async () => {
    await worker.dispose();
  });

  it('decodes and measures on the worker exactly as inline', async () => {
    const bytes = wavBytes({ seconds: 3, sampleRate: 44_100, channels: 2, seed: 4 });
    const [a, b] = await Promise.all([worker.process('a.wav', bytes, { maxSeconds: 60 }), inline.process('a.wav', bytes, { maxSeconds: 60 })]);
    expect({ ...a, playbackWav: undefined }).toEqual({ ...b, playbackWav: undefined });
    expect(Buffer.from(a.playbackWav).equals(Buffer.from(b.playbackWav))).toBe(true);
  });

  it('keeps error codes and messages across the thread boundary', async () => {
    const error = await worker.process('notes.wav', new TextEncoder().encode('not audio'), { maxSeconds: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_FORMAT', message: expect.stringMatching(/^notes\.wav: /) });
  });

  it('prepares training audio on the worker', async () => {
    const bytes = wavBytes({ seconds: 4, sampleRate: 48_000, channels: 2, seed: 8 });
    const samples = await worker.prepareTraining({ name: 'a.wav', bytes, startSeconds: 1, endSeconds: 3, sampleRate: 16_000 });
    expect(samples).toHaveLength(32_000);
  });

  it('fails pending work with a clear error when shut down, and refuses nothing afterwards', async () => {
    const other = createWorkerProcessor(pathToFileURL(WORKER));
    const pending = other.process('long.wav', wavBytes({ seconds: 20, sampleRate: 44_100, seed: 2 }), { maxSeconds: 60 });
    await other.dispose();
    await expect(pending).rejects.toThrow('the audio worker was shut down');
    const again = await other.process('short.wav', wavBytes({ seconds: 1, sampleRate: 8_000, seed: 3 }), { maxSeconds: 60 });
    expect(again.frames).toBe(8_000);
    await other.dispose();
  });
});
