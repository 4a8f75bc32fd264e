/**
 * Web mode's imports over HTTP (`POST /upload`), against the real server and library: the
 * owner's page imports a file and hears its progress on the socket; a rater, a request without
 * the page key or from another origin is refused; a body over the byte cap is refused from its
 * Content-Length, unread; a file whose header declares two hours is refused as soon as its
 * first bytes are in, before the rest of its 635 MB is sent; a MIDI file imports as parts, and
 * one over 16 MB is refused from its first bytes; and the API socket no longer takes file-sized
 * messages.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WebSocket } from 'ws';
import { raterLinkPath } from '../../../src-main/common/rating.js';
import { MAX_IMPORT_BYTES } from '../../../src-main/common/limits.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { openTestLibrary, type TestLibrary } from '../../helpers/library.js';
import { wavBytes, wavHeader } from '../../helpers/signals.js';
import { login, storeRatingSession, TestSocket, type Login } from './web-client.js';
import { seventeenMegabytes, songType1 } from '../services/parts/midi-fixtures.js';

const RATE = 44_100;


describe('web mode: uploads', () => {
  let lib: TestLibrary;
  let server: WebServer;
  let origin: string;
  let owner: Login;

  const uploadUrl = (query: Record<string, string>, key: string | null = owner.key) =>
    `${origin}/upload?${new URLSearchParams({ ...query, ...(key === null ? {} : { key }) }).toString()}`;
  const upload = (query: Record<string, string>, body: Uint8Array, headers: Record<string, string> = {}, key: string | null = owner.key) =>
    fetch(uploadUrl(query, key), {
      method: 'POST',
      body,
      headers: { cookie: owner.cookie, origin, 'content-type': 'application/octet-stream', ...headers },
    });

  /**
   * Starts a POST that declares `declared` bytes, sends `sent` of them, and resolves with the
   * response as soon as the server answers, while the rest is still unsent.
   */
  const partialUpload = (query: Record<string, string>, declared: number, sent: Uint8Array) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        uploadUrl(query),
        { method: 'POST', headers: { cookie: owner.cookie, origin, 'content-length': String(declared) } },
        (response: IncomingMessage) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => {
            request.destroy();
            resolve({ status: response.statusCode ?? 0, body });
          });
        },
      );
      request.on('error', (error) => {
        if (!(error as NodeJS.ErrnoException).code?.startsWith('ECONNRESET')) reject(error);
      });
      request.flushHeaders();
      if (sent.length > 0) request.write(sent);
      // Never ended: the answer must come before the body does.
    });

  beforeAll(async () => {
    lib = await openTestLibrary();
    const staticDir = path.join(lib.dir, 'static');
    await mkdir(staticDir, { recursive: true });
    await writeFile(path.join(staticDir, 'index.html'), `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'"><title>Eureka</title>`);
    server = await startWebServer({ core: lib.core, staticDir });
    origin = `http://127.0.0.1:${server.port}`;
    owner = await login(server.url);
  });
  afterAll(async () => {
    await server.close();
    await lib.close();
  });

  it("imports the owner's file and answers as library:import-files does, with progress on the socket", async () => {
    const socket = await TestSocket.as(server.port, owner);
    try {
      const response = await upload({ name: 'Verse.wav', songName: 'Night Drive', index: '1', total: '2' }, wavBytes({ seconds: 2, sampleRate: 8_000, seed: 4 }));
      expect(response.status).toBe(200);
      const envelope = (await response.json()) as { ok: true; value: { files: { originalName: string; songId: number }[]; failures: unknown[] } };
      expect(envelope.ok).toBe(true);
      expect(envelope.value.failures).toEqual([]);
      expect(envelope.value.files.map((file) => file.originalName)).toEqual(['Verse.wav']);
      expect(lib.core.library.getSong(envelope.value.files[0]!.songId).name).toBe('Night Drive');
      await socket.until((messages) => messages.some((m) => m.type === 'event' && m.event === 'library:did-import-progress' && (m.payload as { phase: string }).phase === 'done'));
      const progress = socket.messages.flatMap((m) => (m.type === 'event' && m.event === 'library:did-import-progress' ? [m.payload as { index: number; total: number }] : []));
      expect(progress.every((p) => p.index === 1 && p.total === 2)).toBe(true);
    } finally {
      socket.close();
    }
  });

  it("refuses a rater's session, a request without the page key, and another origin", async () => {
    const session = lib.core.rating.get(await storeRatingSession(lib.core, ['Ana'], 2));
    const ana = await login(`${origin}${raterLinkPath(session.raters[0]!.id, session.raters[0]!.accessKey)}`);
    const bytes = wavBytes({ seconds: 1, sampleRate: 8_000, seed: 5 });
    const songs = lib.core.library.listSongs().length;
    const asRater = await fetch(uploadUrl({ name: 'a.wav' }, ana.key), { method: 'POST', body: bytes, headers: { cookie: ana.cookie, origin } });
    expect(asRater.status).toBe(403);
    expect((await upload({ name: 'a.wav' }, bytes, {}, null)).status).toBe(403);
    expect((await upload({ name: 'a.wav' }, bytes, { origin: 'http://evil.example' })).status).toBe(403);
    expect(lib.core.library.listSongs()).toHaveLength(songs);
  });

  it('refuses a body over the byte cap from its Content-Length, before reading it', async () => {
    const answer = await partialUpload({ name: 'huge.wav' }, MAX_IMPORT_BYTES + 1, new Uint8Array(0));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      ok: true,
      value: {
        files: [],
        failures: [{ name: 'huge.wav', error: { code: 'TOO_LONG', message: 'huge.wav: larger than 1 GiB, the most Eureka imports in one file' } }],
        duplicates: [],
      },
    });
  });

  it('refuses a WAV declaring two hours from its first bytes, before the rest of its 635 MB arrives', async () => {
    const before = lib.core.library.listSongs().length;
    const head = new Uint8Array(64 * 1024);
    head.set(wavHeader(2 * 3600 * RATE));
    const answer = await partialUpload({ name: 'Two hours.wav' }, 44 + 2 * 3600 * RATE * 2, head);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      ok: true,
      value: {
        files: [],
        failures: [{ name: 'Two hours.wav', error: { code: 'TOO_LONG', message: 'Two hours.wav: is 120:00 long; the limit is 20:00 (set --max-duration to import longer files)' } }],
        duplicates: [],
      },
    });
    expect(lib.core.library.listSongs()).toHaveLength(before);
  });

  it('imports a MIDI file as parts, and refuses one over 16 MB from its first bytes', async () => {
    const response = await upload({ name: 'Hook.mid' }, songType1());
    const envelope = (await response.json()) as { ok: true; value: { files: unknown[]; parts: { name: string; songId: number }[] } };
    expect(envelope.value.files).toEqual([]);
    expect(envelope.value.parts.map((part) => part.name)).toEqual(['Keys', 'Bass', 'Drums']);
    expect(lib.core.library.getSong(envelope.value.parts[0]!.songId).name).toBe('Hook');

    const before = lib.core.library.listSongs().length;
    const answer = await partialUpload({ name: 'Flood.mid' }, 17 * 1024 * 1024, seventeenMegabytes().subarray(0, 64 * 1024));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      ok: true,
      value: { files: [], failures: [{ name: 'Flood.mid', error: { code: 'INVALID_INPUT', message: 'Flood.mid: 17.0 MB is larger than the 16 MB a MIDI file may be' } }] },
    });
    expect(lib.core.library.listSongs()).toHaveLength(before);
  });

  it('closes an API socket sent a file-sized message', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?key=${owner.key}`, { headers: { origin, cookie: owner.cookie } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(new Uint8Array(16 * 1024 * 1024));
    expect(await closed).toBe(1009); // message too big
  });
});
