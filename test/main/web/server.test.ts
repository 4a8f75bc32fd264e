import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, serverMessageSchema, type ServerMessage } from '../../../src-main/common/wire.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { wavBytes } from '../../helpers/signals.js';
import { openTestLibrary, type TestLibrary } from '../../helpers/library.js';

/** A socket client that sends one frame per call and collects every frame it receives. */
class TestSocket {
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(serverMessageSchema.parse(decodeFrame(new Uint8Array(data))));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(url: string, headers: Record<string, string>): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new TestSocket(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    });
  }

  async until(predicate: (messages: ServerMessage[]) => boolean): Promise<void> {
    while (!predicate(this.messages)) await new Promise<void>((wake) => this.waiters.push(wake));
  }

  async call(id: number, channel: string, request: unknown): Promise<ServerMessage & { type: 'result' }> {
    this.ws.send(encodeFrame({ type: 'invoke', id, channel, request }));
    await this.until((messages) => messages.some((m) => m.type === 'result' && m.id === id));
    return this.messages.find((m): m is ServerMessage & { type: 'result' } => m.type === 'result' && m.id === id)!;
  }
}

describe('web mode server', () => {
  let lib: TestLibrary;
  let server: WebServer;
  let origin: string;
  let cookie: string;

  beforeAll(async () => {
    lib = await openTestLibrary();
    const staticDir = path.join(lib.dir, 'static');
    await mkdir(path.join(staticDir, 'assets'), { recursive: true });
    await writeFile(
      path.join(staticDir, 'index.html'),
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; object-src 'none'"><title>Eureka</title>`,
    );
    await writeFile(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    server = await startWebServer({ core: lib.core, staticDir });
    origin = `http://127.0.0.1:${server.port}`;
    cookie = `eureka_token=${server.token}`;
  });
  afterAll(async () => {
    await server.close();
    await lib.close();
  });

  it('listens on loopback with a long random token in its URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('refuses every request without the token, and a wrong token', async () => {
    for (const url of [`${origin}/`, `${origin}/assets/app.js`, `${origin}/media/file/1`, `${origin}/?token=${'0'.repeat(64)}`]) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(401);
    }
  });

  it('trades the URL token for an HttpOnly SameSite cookie and drops it from the address', async () => {
    const response = await fetch(server.url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('set-cookie')).toMatch(/eureka_token=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\//);
  });

  it('serves the app with the built page CSP, plus frame-ancestors, once authorised', async () => {
    const response = await fetch(`${origin}/`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Eureka</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toBe("default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'");
  });

  it('refuses to start on a UI build without a policy', async () => {
    const bare = path.join(lib.dir, 'bare');
    await mkdir(bare, { recursive: true });
    await writeFile(path.join(bare, 'index.html'), '<!doctype html><title>no policy</title>');
    await expect(startWebServer({ core: lib.core, staticDir: bare })).rejects.toThrow(/no Content-Security-Policy/);
    await expect(startWebServer({ core: lib.core, staticDir: path.join(lib.dir, 'missing') })).rejects.toThrow(/not built/);
  });

  it('never serves a file outside its folder', async () => {
    for (const attempt of ['/../package.json', '/%2e%2e/package.json', '/assets/%2e%2e%2f%2e%2e%2feureka.db', '/..%5c..%5ceureka.db']) {
      const response = await fetch(`${origin}${attempt}`, { headers: { cookie } });
      expect(response.status).toBe(404);
    }
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'evil.example:80', cookie } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('streams a file\'s playback WAV with byte ranges', async () => {
    const result = await lib.core.library.importFiles([{ name: 'take.wav', data: wavBytes({ seconds: 1, sampleRate: 8_000, seed: 5 }) }]);
    const fileId = result.files[0]!.id;
    const whole = Buffer.from(await (await fetch(`${origin}/media/file/${fileId}`, { headers: { cookie } })).arrayBuffer());
    expect(whole.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const partial = await fetch(`${origin}/media/file/${fileId}`, { headers: { cookie, range: 'bytes=10-19' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 10-19/${whole.length}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(whole.subarray(10, 20))).toBe(true);
    expect((await fetch(`${origin}/media/file/99999`, { headers: { cookie } })).status).toBe(404);
    for (const bad of ['file/0', 'file/1x', `file/${fileId}/..`, 'file/%2e%2e%2fetc', 'preview/1/0/mix', 'preview/1/0/fake', 'files/1']) {
      expect((await fetch(`${origin}/media/${bad}`, { headers: { cookie } })).status).toBe(404);
    }
    expect((await fetch(`${origin}/media/file/${fileId}`, { headers: { cookie, range: `bytes=${whole.length + 5}-` } })).status).toBe(416);
  });

  it('refuses sockets without the cookie or from another origin', async () => {
    await expect(TestSocket.open(`ws://127.0.0.1:${server.port}/api`, { origin })).rejects.toThrow(/401/);
    await expect(TestSocket.open(`ws://127.0.0.1:${server.port}/api`, { origin: 'http://evil.example', cookie })).rejects.toThrow(/401/);
  });

  it('answers calls over the socket, validates them, and pushes events', async () => {
    const socket = await TestSocket.open(`ws://127.0.0.1:${server.port}/api`, { origin, cookie });
    try {
      const songs = await socket.call(1, 'library:list-songs', {});
      expect(songs.envelope.ok).toBe(true);
      const bad = await socket.call(2, 'library:add-clip', { songId: 'one' });
      expect(bad.envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const unknown = await socket.call(3, 'shell:exec', { command: 'rm -rf /' });
      expect(unknown.envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

      const data = wavBytes({ seconds: 2, sampleRate: 22_050, seed: 9 });
      const imported = await socket.call(4, 'library:import-files', { files: [{ name: 'upload.wav', data }] });
      expect(imported.envelope).toMatchObject({ ok: true, value: { files: [{ originalName: 'upload.wav', sampleRate: 22_050 }], failures: [] } });
      await socket.until((messages) => messages.some((m) => m.type === 'event' && m.event === 'library:did-change'));
      const progress = socket.messages.filter((m) => m.type === 'event' && m.event === 'library:did-import-progress');
      expect(progress.length).toBeGreaterThan(0);
    } finally {
      socket.ws.close();
    }
  });
});
