/**
 * `eureka web --share`: the raters' server on the local network, over real HTTP and WebSocket.
 * It trades a rater link for that rater's session and nothing more: the owner's token is refused
 * (the owner's UI never leaves this computer), a page without a rater session gets nothing, a
 * rater's socket reaches only their own calls, and only Host headers that name this computer are
 * answered. The owner's server alone can never listen beyond loopback.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { raterLinkPath, type SessionSummary } from '../../../src-main/common/rating.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { lanAddresses, shareHostNames } from '../../../src-main/web/share-hosts.js';
import { openTestLibrary, type TestLibrary } from '../../helpers/library.js';
import { login, storeRatingSession, TestSocket } from './web-client.js';

const IFACES = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '00:00:00:00:00:00', cidr: '127.0.0.1/8' }],
  docker0: [{ address: '8.8.4.4', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: 'aa:aa:aa:aa:aa:aa', cidr: '8.8.4.4/24' }],
  wlan0: [
    { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: 'bb:bb:bb:bb:bb:bb', cidr: '192.168.1.20/24' },
    { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff:ffff:ffff:ffff::', mac: 'bb:bb:bb:bb:bb:bb', cidr: 'fe80::1/64', scopeid: 2 },
  ],
} as unknown as Parameters<typeof lanAddresses>[0];

describe('the addresses band mates reach', () => {
  it('are the IPv4 addresses on local networks, private ones first, never loopback', () => {
    expect(lanAddresses(IFACES)).toEqual(['192.168.1.20', '8.8.4.4']);
  });

  it('are named by Host headers of those addresses, the computer’s name and name.local, and loopback, at the port', () => {
    expect([...shareHostNames(4000, IFACES, 'Studio-Mac')].sort()).toEqual(
      ['127.0.0.1:4000', '192.168.1.20:4000', '8.8.4.4:4000', 'localhost:4000', 'studio-mac.local:4000', 'studio-mac:4000'].sort(),
    );
  });
});

describe('the raters’ server', () => {
  let lib: TestLibrary;
  let owner: WebServer;
  let share: WebServer;
  let session: SessionSummary;
  let origin: string;

  beforeAll(async () => {
    lib = await openTestLibrary();
    const staticDir = path.join(lib.dir, 'static');
    await mkdir(staticDir, { recursive: true });
    await writeFile(path.join(staticDir, 'index.html'), `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'"><title>Eureka</title>`);
    owner = await startWebServer({ core: lib.core, staticDir });
    share = await startWebServer({ core: lib.core, staticDir, host: '0.0.0.0', audience: 'raters' });
    // Reached over loopback here: the same answers as over the network, Host headers aside.
    origin = `http://127.0.0.1:${share.port}`;
    session = lib.core.rating.get(await storeRatingSession(lib.core, ['Ana', 'Ben'], 2));
  });
  afterAll(async () => {
    await share.close();
    await owner.close();
    await lib.close();
  });

  const linkOf = (name: string) => {
    const rater = session.raters.find((entry) => entry.name === name)!;
    return { rater, link: `${origin}${raterLinkPath(rater.id, rater.accessKey)}` };
  };

  it('has no link of its own: its address carries no token', () => {
    expect(share.url).toMatch(/^http:\/\/[0-9.]+:\d+\/$/);
    expect(share.url).not.toContain(share.token);
  });

  it("refuses the owner's token, the right one included, and gives a page without a rater session nothing", async () => {
    for (const token of [owner.token, share.token, '0'.repeat(64)]) {
      const response = await fetch(`${origin}/?token=${token}`, { redirect: 'manual' });
      expect(response.status).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    for (const url of [`${origin}/`, `${origin}/index.html`, `${origin}/media/file/1`]) expect((await fetch(url)).status).toBe(401);
  });

  it("opens a rater's link to that rater's screen, whose socket reaches only their own calls", async () => {
    const { rater, link } = linkOf('Ana');
    const ana = await login(link);
    expect(ana.location).toBe(`/?key=${ana.key}&role=rater#/rate/${rater.id}`);
    expect((await fetch(`${origin}/`, { headers: { cookie: ana.cookie } })).status).toBe(200);
    const socket = await TestSocket.as(share.port, ana);
    try {
      const own = await socket.call('rating:progress', { raterId: rater.id });
      expect(own.envelope.ok).toBe(true);
      const ben = linkOf('Ben').rater;
      for (const [channel, request] of [
        ['rating:progress', { raterId: ben.id }],
        ['library:list-songs', {}],
        ['app:get-info', {}],
        ['rating:results', { sessionId: session.id }],
      ] as const) {
        const answer = await socket.call(channel, request);
        expect(answer.envelope).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      }
    } finally {
      socket.close();
    }
  });

  it('answers only Host headers that name this computer (no DNS rebinding)', async () => {
    const { link } = linkOf('Ana');
    const { request } = await import('node:http');
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(link);
        const call = request({ host: '127.0.0.1', port: share.port, path: `${url.pathname}${url.search}`, headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        call.on('error', reject);
        call.end();
      });
    expect(await status(`evil.example:${share.port}`)).toBe(403);
    expect(await status(`127.0.0.1:${share.port}`)).toBe(303);
    const lan = lanAddresses()[0];
    if (lan) expect(await status(`${lan}:${share.port}`)).toBe(303);
  });

  it("never lets the owner's server listen beyond this computer", async () => {
    await expect(startWebServer({ core: lib.core, staticDir: path.join(lib.dir, 'static'), host: '0.0.0.0' })).rejects.toThrow(/only the raters' server/);
  });
});
