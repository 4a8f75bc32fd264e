/**
 * Web mode's page key: the second secret of a session, beside its HttpOnly cookie. After the
 * owner's token URL or a rater's link, the server redirects to `/?key=…` (plus `&role=rater`
 * for a rater); the page takes the key out of the address bar and keeps it in this tab's
 * sessionStorage (per origin, so per port — unlike the cookie, which every 127.0.0.1 port
 * receives), so a reload keeps working. The bridge sends it with its socket and media requests.
 */

export interface PageSession {
  /** Null when this tab was never given one: the server then refuses the socket. */
  key: string | null;
  /** Opened through a rater's link: the page shows that rater's screen and nothing else. */
  rater: boolean;
}

/** What this reads and writes: the window's, or a test's stand-ins. */
export interface PageSessionHost {
  location: { pathname: string; search: string; hash: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

const STORAGE_KEY = 'eureka-page-session';
const KEY = /^[0-9a-f]{64}$/;

/** The session a link handed this tab (taken out of the address), or the one it kept. */
export function takePageSession(host: PageSessionHost): PageSession {
  const params = new URLSearchParams(host.location.search);
  const given = params.get('key');
  if (given !== null) {
    params.delete('key');
    const rater = params.get('role') === 'rater';
    params.delete('role');
    const rest = params.toString();
    host.history.replaceState(null, '', `${host.location.pathname}${rest ? `?${rest}` : ''}${host.location.hash}`);
    if (KEY.test(given)) {
      const session: PageSession = { key: given, rater };
      host.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
      return session;
    }
  }
  return storedSession(host.sessionStorage.getItem(STORAGE_KEY));
}

function storedSession(text: string | null): PageSession {
  try {
    const value = JSON.parse(text ?? 'null') as Partial<PageSession> | null;
    if (value && typeof value.key === 'string' && KEY.test(value.key)) return { key: value.key, rater: value.rater === true };
  } catch {
    // a damaged entry counts as none
  }
  return { key: null, rater: false };
}
