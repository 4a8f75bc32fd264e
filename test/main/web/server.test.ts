/**
 * Web mode's server over real HTTP and WebSocket: the token exchange (a session id in a cookie
 * named for this server, never the token; a page key handed over once for sockets and media;
 * a redirect that only ever goes to `/`), static files from inside their folder only, media
 * never through a symlink, and the API over the socket.
 */
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PartMusic } from '../../../src-main/common/midi.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { wavBytes } from '../../helpers/signals.js';
import { openTestLibrary, type TestLibrary } from '../../helpers/library.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { login, TestSocket, type Login } from './web-client.js';

describe('web mode server', () => {
  let lib: TestLibrary;
  let staticDir: string;
  let server: WebServer;
  let origin: string;
  let owner: Login;
  let cookie: string;
  /** Media URLs carry the page key. */
  const media = (ref: string, key = owner.key) => `${origin}/media/${ref}?key=${key}`;

  beforeAll(async () => {
    lib = await openTestLibrary();
    staticDir = path.join(lib.dir, 'static');
    await mkdir(path.join(staticDir, 'assets'), { recursive: true });
    await writeFile(
      path.join(staticDir, 'index.html'),
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; object-src 'none'"><title>Eureka</title>`,
    );
    await writeFile(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    server = await startWebServer({ core: lib.core, staticDir });
    origin = `http://127.0.0.1:${server.port}`;
    owner = await login(server.url);
    cookie = owner.cookie;
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

  it('trades the URL token for a session id in an HttpOnly SameSite cookie named for this server, never the token', async () => {
    const response = await fetch(server.url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^eureka-${server.port}-owner=[0-9a-f]{32}\\.[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(setCookie).not.toContain(server.token);
    expect(owner.cookieValue).not.toContain(server.token);
    // Each exchange is a session of its own, and its page key is neither the token nor the cookie.
    const again = await login(server.url);
    expect(again.cookieValue).not.toBe(owner.cookieValue);
    expect(owner.location).toBe(`/?key=${owner.key}`);
    expect(owner.key).toMatch(/^[0-9a-f]{64}$/);
    expect([server.token, owner.cookieValue, again.key]).not.toContain(owner.key);
    // A browser that holds a session keeps it (a second tab does not log the first one out).
    const reopened = await fetch(server.url, { headers: { cookie }, redirect: 'manual' });
    expect([reopened.status, reopened.headers.get('set-cookie'), reopened.headers.get('location')]).toEqual([303, null, owner.location]);
  });

  it('redirects to / after the exchange, whatever path the link named (no open redirect)', async () => {
    for (const attempt of ['//evil.example//x/', '/\\evil.example/', '/%2F%2Fevil.example/', '/assets/app.js', '/media/file/1']) {
      const response = await fetch(`${origin}${attempt}?token=${server.token}&next=//evil.example`, { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/\?key=[0-9a-f]{64}$/);
    }
  });

  it('refuses the cookie of another server instance, under either name', async () => {
    const other = await startWebServer({ core: lib.core, staticDir });
    try {
      const theirs = await login(other.url);
      expect(theirs.cookieName).toBe(`eureka-${other.port}-owner`);
      const otherOrigin = `http://127.0.0.1:${other.port}`;
      expect((await fetch(`${otherOrigin}/`, { headers: { cookie: theirs.cookie } })).status).toBe(200);
      // Their session, presented here (as it was set, or renamed for this port): refused.
      for (const presented of [theirs.cookie, `eureka-${server.port}-owner=${theirs.cookieValue}`]) {
        expect((await fetch(`${origin}/`, { headers: { cookie: presented } })).status).toBe(401);
        await expect(
          TestSocket.open(server.port, { origin, cookie: presented }, theirs.key),
        ).rejects.toThrow(/401/);
      }
      // And ours there.
      expect((await fetch(`${otherOrigin}/`, { headers: { cookie: `eureka-${other.port}-owner=${owner.cookieValue}` } })).status).toBe(401);
    } finally {
      await other.close();
    }
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

  it("streams a file's playback WAV with byte ranges, to the page key only", async () => {
    const result = await lib.core.library.importFiles([{ name: 'take.wav', data: wavBytes({ seconds: 1, sampleRate: 8_000, seed: 5 }) }]);
    const fileId = result.files[0]!.id;
    const whole = Buffer.from(await (await fetch(media(`file/${fileId}`), { headers: { cookie } })).arrayBuffer());
    expect(whole.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const partial = await fetch(media(`file/${fileId}`), { headers: { cookie, range: 'bytes=10-19' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 10-19/${whole.length}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(whole.subarray(10, 20))).toBe(true);
    expect((await fetch(media('file/99999'), { headers: { cookie } })).status).toBe(404);
    for (const bad of ['file/0', 'file/1x', `file/${fileId}/..`, 'file/%2e%2e%2fetc', 'preview/1/0/mix', 'preview/1/0/fake', 'files/1']) {
      expect((await fetch(media(bad), { headers: { cookie } })).status).toBe(404);
    }
    expect((await fetch(media(`file/${fileId}`), { headers: { cookie, range: `bytes=${whole.length + 5}-` } })).status).toBe(416);
    // The cookie alone (what a server on another 127.0.0.1 port would receive) opens no media.
    for (const url of [`${origin}/media/file/${fileId}`, media(`file/${fileId}`, '0'.repeat(64)), media(`file/${fileId}`, `${owner.key}x`)]) {
      expect((await fetch(url, { headers: { cookie } })).status).toBe(403);
    }
  });

  it('streams a MIDI part rendered by the synth by its rendering id, and nothing for an id not rendered', async () => {
    const music: PartMusic = {
      program: 0,
      channel: 0,
      notes: [{ pitch: 69, startBeats: 0, durationBeats: 1, velocity: 100 }],
      bends: [],
      tempoMap: [{ beats: 0, bpm: 120 }],
      meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
    };
    const { renderId } = await lib.core.partAudio.playbackOf(music);
    const response = await fetch(media(`rendered/${renderId}`), { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect((await fetch(media(`rendered/${'0'.repeat(64)}`), { headers: { cookie } })).status).toBe(404);
    expect((await fetch(media(`rendered/${renderId.slice(1)}`), { headers: { cookie } })).status).toBe(404);
  });

  it('never serves media through a symbolic link in the data folder', async () => {
    const outside = await makeTempDir('eureka-outside-');
    try {
      const secret = path.join(outside, 'passwd');
      await writeFile(secret, 'root:x:0:0:root:/root:/bin/bash\n');
      const imported = await lib.core.library.importFiles([{ name: 'a.wav', data: wavBytes({ seconds: 1, sampleRate: 8_000, seed: 6 }) }]);
      const url = media(`file/${imported.files[0]!.id}`);
      const served = async () => {
        const response = await fetch(url, { headers: { cookie } });
        const body = await response.text();
        expect(body).not.toContain('root:');
        return response.status;
      };
      expect(await served()).toBe(200);
      const file = lib.core.library.playbackPath(imported.files[0]!.id);
      // The store file replaced by a link to a file outside the data folder.
      await rename(file, `${file}.moved`);
      await symlink(secret, file);
      expect(await served()).toBe(404);
      await rm(file);
      await rename(`${file}.moved`, file);
      expect(await served()).toBe(200);
      // A folder on the way replaced by a link to a folder outside, holding a file of that name.
      const folder = path.dirname(file);
      const elsewhere = path.join(outside, 'folder');
      await mkdir(elsewhere);
      await writeFile(path.join(elsewhere, path.basename(file)), 'root: not audio either');
      await rename(folder, `${folder}.moved`);
      await symlink(elsewhere, folder);
      expect(await served()).toBe(404);
      await rm(folder);
      await rename(`${folder}.moved`, folder);
      expect(await served()).toBe(200);
    } finally {
      await removeDir(outside);
    }
  });

  it('refuses sockets without the cookie, without the page key, or from another origin', async () => {
    await expect(TestSocket.open(server.port, { origin }, owner.key)).rejects.toThrow(/401/);
    await expect(TestSocket.open(server.port, { origin: 'http://evil.example', cookie }, owner.key)).rejects.toThrow(/401/);
    // The cookie alone, a wrong key, or the key of another session of this server.
    const second = await login(server.url);
    for (const key of [undefined, '0'.repeat(64), second.key]) {
      await expect(TestSocket.open(server.port, { origin, cookie }, key)).rejects.toThrow(/401/);
    }
  });

  it('answers calls over the socket, validates them, and pushes events', async () => {
    const socket = await TestSocket.as(server.port, owner);
    try {
      const songs = await socket.call('library:list-songs', {});
      expect(songs.envelope.ok).toBe(true);
      const bad = await socket.call('library:add-clip', { songId: 'one' });
      expect(bad.envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const unknown = await socket.call('shell:exec', { command: 'rm -rf /' });
      expect(unknown.envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

      const data = wavBytes({ seconds: 2, sampleRate: 22_050, seed: 9 });
      const imported = await socket.call('library:import-files', { files: [{ name: 'upload.wav', data }] });
      expect(imported.envelope).toMatchObject({ ok: true, value: { files: [{ originalName: 'upload.wav', sampleRate: 22_050 }], failures: [] } });
      await socket.until((messages) => messages.some((m) => m.type === 'event' && m.event === 'library:did-change'));
      const progress = socket.messages.filter((m) => m.type === 'event' && m.event === 'library:did-import-progress');
      expect(progress.length).toBeGreaterThan(0);
    } finally {
      socket.close();
    }
  });

  it('sends every socket a heartbeat, so a page notices a server gone silent', async () => {
    const beating = await startWebServer({ core: lib.core, staticDir, heartbeatMs: 20 });
    try {
      const socket = await TestSocket.as(beating.port, await login(beating.url));
      await socket.until((messages) => messages.filter((m) => m.type === 'heartbeat').length >= 2);
      expect(socket.messages.filter((m) => m.type !== 'heartbeat')).toEqual([]);
      socket.close();
    } finally {
      await beating.close();
    }
  });

  it('keeps a session across a restart with the same token (a crashed `eureka web` brought back)', async () => {
    const first = await startWebServer({ core: lib.core, staticDir });
    const session = await login(first.url);
    const { port, token } = first;
    await first.close();
    const second = await startWebServer({ core: lib.core, staticDir, port, token });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: session.cookie } })).status).toBe(200);
      const socket = await TestSocket.as(port, session);
      expect((await socket.call('library:list-songs', {})).envelope.ok).toBe(true);
      socket.close();
    } finally {
      await second.close();
    }
  });
});
