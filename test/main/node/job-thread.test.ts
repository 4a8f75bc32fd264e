/**
 * The job thread the audio processor and the synth share, against a real worker thread: a small
 * plain-JavaScript script (a thread cannot start from TypeScript) that answers like
 * node/worker-port.ts's serveThreadJobs, and can be told to refuse, crash or stay silent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../../src-main/common/errors.js';
import { createJobThread, type JobThread } from '../../../src-main/node/job-thread.js';

const WORKER = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ id, job }) => {
  if (job.kind === 'echo') parentPort.postMessage({ id, ok: true, value: job.value });
  else if (job.kind === 'bytes') parentPort.postMessage({ id, ok: true, value: job.bytes.byteLength });
  else if (job.kind === 'refuse') parentPort.postMessage({ id, ok: false, error: { code: 'INVALID_INPUT', message: 'take.wav: not audio' } });
  else if (job.kind === 'exit') process.exit(3);
});
`;

let dir: string;
let script: string;
let threads: JobThread[] = [];

const thread = (file = script): JobThread => {
  const created = createJobThread(file, { name: 'test' });
  threads.push(created);
  return created;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'eureka-job-thread-'));
  script = path.join(dir, 'worker.mjs');
  writeFileSync(script, WORKER);
  writeFileSync(path.join(dir, 'broken.mjs'), "throw new Error('the model file is missing');\n");
});

afterEach(async () => {
  await Promise.all(threads.map((created) => created.dispose()));
  threads = [];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('answers each job with its own value, and moves transferred buffers instead of copying them', async () => {
  const jobs = thread();
  const bytes = new Uint8Array(1024);
  const answers = await Promise.all([
    jobs.run<string>({ kind: 'echo', value: 'first' }),
    jobs.run<number>({ kind: 'bytes', bytes }, [bytes.buffer]),
    jobs.run<string>({ kind: 'echo', value: 'third' }),
  ]);
  expect(answers).toEqual(['first', 1024, 'third']);
  expect(bytes.byteLength).toBe(0);
  expect(jobs.waiting).toBe(0);
});

it('keeps a refused job’s code and message across the thread', async () => {
  const error = await thread().run({ kind: 'refuse' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'INVALID_INPUT', message: 'take.wav: not audio' });
});

it('fails every waiting job when the thread dies, and the next job starts a new thread', async () => {
  const jobs = thread();
  const waiting = [jobs.run({ kind: 'exit' }), jobs.run({ kind: 'echo', value: 'queued behind the crash' })];
  for (const job of waiting) {
    await expect(job).rejects.toMatchObject({ code: 'INTERNAL', message: 'the test worker stopped unexpectedly (exit code 3)' });
  }
  expect(jobs.waiting).toBe(0);
  await expect(jobs.run({ kind: 'echo', value: 'again' })).resolves.toBe('again');
});

it('refuses a job that cannot cross to the thread without leaving it waiting', async () => {
  const jobs = thread();
  const error = await jobs.run({ kind: 'echo', value: () => 'a function' }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'INTERNAL' });
  expect((error as Error).message).toMatch(/^the test worker was not given the job: /);
  expect(jobs.waiting).toBe(0);
  await expect(jobs.run({ kind: 'echo', value: 'still answering' })).resolves.toBe('still answering');
});

it('says why when the script cannot start', async () => {
  const error = await thread(path.join(dir, 'broken.mjs')).run({ kind: 'echo', value: 1 }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'INTERNAL' });
  expect((error as Error).message).toBe('the test worker failed: the model file is missing');
});

it('fails the jobs still waiting when disposed, with the reason given', async () => {
  const jobs = thread();
  const silent = jobs.run({ kind: 'never answered' }).catch((error: unknown) => error);
  await jobs.dispose('measuring was stopped');
  expect(await silent).toMatchObject({ code: 'INTERNAL', message: 'measuring was stopped' });
  await expect(thread().dispose()).resolves.toBeUndefined();
});
