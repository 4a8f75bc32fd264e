/**
 * The page's side of a web-mode session: the page key the server's redirect hands over is
 * taken out of the address bar (the rest of the address kept), kept in the tab's storage for
 * reloads, and a malformed one is dropped.
 */
import { takePageSession, type PageSessionHost } from '../../../src-renderer/app/shell/page-session.js';

const KEY = 'ab'.repeat(32);

function tab(address: string, stored = new Map<string, string>()): PageSessionHost & { address: string; stored: Map<string, string> } {
  const url = new URL(address, 'http://127.0.0.1:4173');
  const host = {
    address: `${url.pathname}${url.search}${url.hash}`,
    stored,
    location: { pathname: url.pathname, search: url.search, hash: url.hash },
    history: { replaceState: (_data: unknown, _unused: string, next: string) => (host.address = next) },
    sessionStorage: { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) },
  };
  return host;
}

describe('page session', () => {
  it("takes an owner's key out of the address and keeps it for reloads", () => {
    const first = tab(`/?key=${KEY}`);
    expect(takePageSession(first)).toEqual({ key: KEY, rater: false });
    expect(first.address).toBe('/');
    const reloaded = tab('/', first.stored);
    expect(takePageSession(reloaded)).toEqual({ key: KEY, rater: false });
    expect(reloaded.address).toBe('/');
  });

  it("knows a rater's page, and keeps the hash that names their screen", () => {
    const page = tab(`/?key=${KEY}&role=rater#/rate/12`);
    expect(takePageSession(page)).toEqual({ key: KEY, rater: true });
    expect(page.address).toBe('/#/rate/12');
    expect(takePageSession(tab('/#/rate/12', page.stored))).toEqual({ key: KEY, rater: true });
  });

  it('drops a malformed key from the address and has none without one', () => {
    for (const bad of ['', 'x', KEY.toUpperCase(), `${KEY}0`]) {
      const page = tab(`/?key=${encodeURIComponent(bad)}&other=1`);
      expect(takePageSession(page)).toEqual({ key: null, rater: false });
      expect(page.address).toBe('/?other=1');
    }
    expect(takePageSession(tab('/', new Map([['eureka-page-session', '{not json']])))).toEqual({ key: null, rater: false });
  });
});
