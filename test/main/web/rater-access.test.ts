/**
 * A rater holds a rater's power only, enforced by the server over real HTTP and WebSocket:
 * their link carries their own key (never the owner's token); the session it opens may call
 * their own progress, answer, final and submit, and fetch their own items' audio; everything
 * else — another rater's calls, the session's results, the library, the song's own audio,
 * another session's items — is refused (403 over HTTP, UNAUTHORIZED over the socket), and the
 * socket pushes them no events.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { raterLinkPath, type SessionSummary } from '../../../src-main/common/rating.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { openTestLibrary, type TestLibrary } from '../../helpers/library.js';
import { wavBytes } from '../../helpers/signals.js';
import { login, storeRatingSession, TestSocket, type Login } from './web-client.js';

const SINGLE = { kind: 'single', judgedReal: true, ease: null, musicality: 6, inspiring: 'maybe', comment: '' } as const;

describe('web mode: rater links', () => {
  let lib: TestLibrary;
  let server: WebServer;
  let origin: string;
  let owner: Login;
  let band: SessionSummary;
  let other: SessionSummary;
  let fileId: number;

  const rater = (session: SessionSummary, name: string) => {
    const found = session.raters.find((entry) => entry.name === name);
    if (!found) throw new Error(`no rater ${name}`);
    return found;
  };
  const linkOf = (session: SessionSummary, name: string) => {
    const { id, accessKey } = rater(session, name);
    return `${origin}${raterLinkPath(id, accessKey)}`;
  };
  const tokensOf = (raterId: number) => core().ratingRepository.rater(raterId)!.tokens.flat();
  const core = () => lib.core;

  beforeAll(async () => {
    lib = await openTestLibrary();
    const staticDir = path.join(lib.dir, 'static');
    await mkdir(staticDir, { recursive: true });
    await writeFile(
      path.join(staticDir, 'index.html'),
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'"><title>Eureka</title>`,
    );
    server = await startWebServer({ core: lib.core, staticDir });
    origin = `http://127.0.0.1:${server.port}`;
    owner = await login(server.url);
    const imported = await lib.core.library.importFiles([{ name: 'song.wav', data: wavBytes({ seconds: 1, sampleRate: 8_000, seed: 3 }) }]);
    fileId = imported.files[0]!.id;
    band = lib.core.rating.get(await storeRatingSession(lib.core, ['Ana', 'Ben'], 2));
    other = lib.core.rating.get(await storeRatingSession(lib.core, ['Cy'], 2));
  });
  afterAll(async () => {
    await server.close();
    await lib.close();
  });

  it("gives each rater a link of their own key, which is never the owner's token", async () => {
    const keys = [...band.raters, ...other.raters].map((entry) => entry.accessKey);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(keys).size).toBe(keys.length);
    const link = linkOf(band, 'Ana');
    expect(link).not.toContain(server.token);
    const ana = await login(link);
    expect(ana.cookieName).toBe(`eureka-${server.port}-rater-${rater(band, 'Ana').id}`);
    expect(ana.cookieValue).not.toContain(rater(band, 'Ana').accessKey);
    // The page it lands on is Ana's screen, told it is a rater's.
    expect(ana.location).toBe(`/?key=${ana.key}&role=rater#/rate/${rater(band, 'Ana').id}`);
    expect((await fetch(`${origin}/`, { headers: { cookie: ana.cookie } })).status).toBe(200);
  });

  it('refuses a wrong, foreign or malformed rater key', async () => {
    const ana = rater(band, 'Ana');
    const ben = rater(band, 'Ben');
    for (const credential of [`${ana.id}.${'0'.repeat(64)}`, `${ben.id}.${ana.accessKey}`, `${ana.id}.${ana.accessKey.slice(1)}`, ana.accessKey, `${ana.id}`, `9999.${ana.accessKey}`]) {
      const response = await fetch(`${origin}/?rater=${credential}`, { redirect: 'manual' });
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it("lets a rater answer, finish and submit their own session, and nothing else over the socket", async () => {
    const ana = rater(band, 'Ana');
    const ben = rater(band, 'Ben');
    const session = await login(linkOf(band, 'Ana'));
    const socket = await TestSocket.as(server.port, session);
    try {
      const progress = await socket.call('rating:progress', { raterId: ana.id });
      expect(progress.envelope).toMatchObject({ ok: true, value: { raterId: ana.id, answered: 0 } });
      const refused = [
        ['rating:progress', { raterId: ben.id }],
        ['rating:answer', { raterId: ben.id, position: 1, answer: SINGLE }],
        ['rating:final', { raterId: ben.id, final: { helpsFinishSongs: 'yes', reachedNewPlaces: 'no' } }],
        ['rating:submit', { raterId: ben.id }],
        ['rating:progress', { raterId: String(ana.id) }],
        ['rating:progress', {}],
        ['rating:results', { sessionId: band.id }],
        ['rating:export', { sessionId: band.id, format: 'json' }],
        ['rating:get', { sessionId: band.id }],
        ['rating:list', {}],
        ['rating:close', { sessionId: band.id }],
        ['rating:create', { name: 'x', generatedCount: 1, realCount: 1, raters: ['Ana'] }],
        ['takes:ratings', {}],
        ['library:list-songs', {}],
        ['app:get-info', {}],
        ['shell:exec', {}],
      ] as const;
      for (const [channel, request] of refused) {
        const answer = await socket.call(channel, request);
        expect([channel, answer.envelope]).toEqual([channel, { ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/rater/) } }]);
      }
      expect(lib.core.ratingRepository.answers(ben.id)).toEqual([]);
      for (const position of [1, 2]) {
        const answered = await socket.call('rating:answer', { raterId: ana.id, position, answer: SINGLE });
        expect(answered.envelope).toMatchObject({ ok: true, value: { answered: position } });
      }
      const final = await socket.call('rating:final', { raterId: ana.id, final: { helpsFinishSongs: 'yes', reachedNewPlaces: 'maybe' } });
      expect(final.envelope).toMatchObject({ ok: true, value: { finalAnswered: true } });
      const submitted = await socket.call('rating:submit', { raterId: ana.id });
      expect(submitted.envelope).toMatchObject({ ok: true, value: { submitted: true } });
    } finally {
      socket.close();
    }
    // The owner still may read the results.
    const ownerSocket = await TestSocket.as(server.port, owner);
    try {
      expect((await ownerSocket.call('rating:results', { sessionId: band.id })).envelope.ok).toBe(true);
    } finally {
      ownerSocket.close();
    }
  });

  it("pushes a rater's socket no events", async () => {
    const session = await login(linkOf(band, 'Ben'));
    const raterSocket = await TestSocket.as(server.port, session);
    const ownerSocket = await TestSocket.as(server.port, owner);
    try {
      lib.core.library.renameSong(lib.core.library.listSongs()[0]!.id, 'renamed');
      await ownerSocket.until((messages) => messages.some((m) => m.type === 'event' && m.event === 'library:did-change'));
      // Events go out as they happen: one meant for the rater would arrive before this answer.
      await raterSocket.call('rating:progress', { raterId: rater(band, 'Ben').id });
      expect(raterSocket.messages.filter((m) => m.type === 'event')).toEqual([]);
    } finally {
      raterSocket.close();
      ownerSocket.close();
    }
  });

  it("serves a rater their own items' audio and refuses the song, other raters' and other sessions' items", async () => {
    const ana = rater(band, 'Ana');
    const session = await login(linkOf(band, 'Ana'));
    const headers = { cookie: session.cookie };
    const get = async (ref: string, key = session.key) => (await fetch(`${origin}/media/${ref}?key=${key}`, { headers })).status;
    for (const token of tokensOf(ana.id)) expect(await get(`rating/${token}`)).toBe(200);
    for (const token of [...tokensOf(rater(band, 'Ben').id), ...tokensOf(rater(other, 'Cy').id)]) expect(await get(`rating/${token}`)).toBe(403);
    for (const ref of [`file/${fileId}`, `take/1`, `preview/1/0/fake`]) expect(await get(ref)).toBe(403);
    // Without the page key, or with the owner's page key under the rater's cookie.
    expect((await fetch(`${origin}/media/rating/${tokensOf(ana.id)[0]}`, { headers })).status).toBe(403);
    expect(await get(`file/${fileId}`, owner.key)).toBe(403);
    // The owner hears everything.
    const ownerGet = async (ref: string) => (await fetch(`${origin}/media/${ref}?key=${owner.key}`, { headers: { cookie: owner.cookie } })).status;
    expect(await ownerGet(`file/${fileId}`)).toBe(200);
    expect(await ownerGet(`rating/${tokensOf(rater(other, 'Cy').id)[0]}`)).toBe(200);
  });

  it("refuses a rater's session once their rating session is deleted", async () => {
    const cy = await login(linkOf(other, 'Cy'));
    expect((await fetch(`${origin}/`, { headers: { cookie: cy.cookie } })).status).toBe(200);
    await lib.core.ratingRepository.deleteSession(other.id);
    expect((await fetch(`${origin}/`, { headers: { cookie: cy.cookie } })).status).toBe(401);
    await expect(TestSocket.as(server.port, cy)).rejects.toThrow(/401/);
  });
});
