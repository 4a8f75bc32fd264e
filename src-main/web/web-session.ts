/**
 * Web-mode sessions: what a browser holds after opening the token URL or a rater's link.
 *
 * Cookies reach every port of 127.0.0.1 (a server on another port receives them), so the
 * cookie never carries the token, and alone it opens nothing but the static UI. A session is
 * two secrets, both derived from the server's token with HMAC-SHA256 (nothing to store, and a
 * server restarted with the same token — a crashed `eureka web` brought back — keeps them):
 *  - the session cookie `eureka-<port>-<scope>` = `<random nonce>.<tag>`, HttpOnly,
 *    SameSite=Strict; the tag binds the nonce to this server's token, port and scope (and, for
 *    a rater, to their current link key, so a deleted rater's cookie dies with them);
 *  - the page key, handed over once in the exchange's redirect (`/?key=…`), which the page keeps
 *    in its own tab's storage (per origin, so per port) and sends with its socket and media
 *    requests. It is never in a cookie, so a server on another port cannot learn it.
 * Several sessions (the owner's, a rater's opened in the same browser) live side by side in
 * cookies of their own names; the page key says which one a request speaks for. Opening a link
 * again in a browser that holds a valid session of that scope reuses it, so a second tab does
 * not log the first one out.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from './rater-access.js';

export interface WebSessionOptions {
  /** The server's token: the HMAC key. */
  secret: string;
  /** This server's port (read when needed: it is known once the server listens). */
  port: () => number;
  /** A rater's current link key, or null when there is no such rater (any more). */
  raterAccessKey(raterId: number): string | null;
}

export interface IssuedSession {
  /** The Set-Cookie header value, or null when the browser's session of this scope is reused. */
  setCookie: string | null;
  /** The page key the redirect hands over. */
  key: string;
}

export interface WebSessions {
  /** A session for `caller`: the one the request's cookies already hold for it, else a new one. */
  issue(caller: Caller, cookieHeader: string | undefined): IssuedSession;
  /** The callers of the valid session cookies in a Cookie header (none: the request is refused). */
  callers(cookieHeader: string | undefined): Caller[];
  /** The caller whose session cookie `key` is the page key of, or null. */
  callerForKey(cookieHeader: string | undefined, key: string | null): Caller | null;
}

const NONCE = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const RATER_SCOPE = /^rater-([1-9]\d{0,11})$/;

export function createWebSessions(options: WebSessionOptions): WebSessions {
  const prefix = (): string => `eureka-${options.port()}-`;
  /** HMAC of `parts` for one purpose, bound to this server's port. */
  const mac = (purpose: 'cookie' | 'page-key', ...parts: string[]): string =>
    createHmac('sha256', options.secret).update([purpose, String(options.port()), ...parts].join('\n')).digest('hex');
  const scopeOf = (caller: Caller): string => (caller.role === 'owner' ? 'owner' : `rater-${caller.raterId}`);

  /** The tag of a session, or null when its rater is gone. */
  const tagOf = (caller: Caller, nonce: string): string | null => {
    const bound = caller.role === 'rater' ? options.raterAccessKey(caller.raterId) : '';
    return bound === null ? null : mac('cookie', scopeOf(caller), nonce, bound);
  };
  const pageKeyOf = (caller: Caller, nonce: string, tag: string): string => mac('page-key', scopeOf(caller), nonce, tag);

  /** The sessions of the valid cookies, with their page keys. */
  const sessions = (cookieHeader: string | undefined): { caller: Caller; key: string }[] => {
    const found: { caller: Caller; key: string }[] = [];
    for (const [name, value] of readCookies(cookieHeader)) {
      if (!name.startsWith(prefix())) continue;
      const caller = callerOfScope(name.slice(prefix().length));
      const [nonce = '', tag = '', ...rest] = value.split('.');
      if (!caller || rest.length > 0 || !NONCE.test(nonce) || !HEX64.test(tag)) continue;
      const expected = tagOf(caller, nonce);
      if (expected !== null && equalSecrets(tag, expected)) found.push({ caller, key: pageKeyOf(caller, nonce, tag) });
    }
    return found;
  };

  return {
    issue(caller, cookieHeader) {
      const held = sessions(cookieHeader).find((session) => scopeOf(session.caller) === scopeOf(caller));
      if (held) return { setCookie: null, key: held.key };
      const nonce = randomBytes(16).toString('hex');
      const tag = tagOf(caller, nonce);
      if (tag === null) throw new Error(`rater ${scopeOf(caller)} has no link key`);
      return {
        setCookie: `${prefix()}${scopeOf(caller)}=${nonce}.${tag}; HttpOnly; SameSite=Strict; Path=/`,
        key: pageKeyOf(caller, nonce, tag),
      };
    },
    callers(cookieHeader) {
      return sessions(cookieHeader).map((session) => session.caller);
    },
    callerForKey(cookieHeader, key) {
      if (key === null || !HEX64.test(key)) return null;
      return sessions(cookieHeader).find((session) => equalSecrets(key, session.key))?.caller ?? null;
    },
  };
}

function callerOfScope(scope: string): Caller | null {
  if (scope === 'owner') return { role: 'owner' };
  const rater = RATER_SCOPE.exec(scope);
  return rater ? { role: 'rater', raterId: Number(rater[1]) } : null;
}

/**
 * Whether two secrets are equal, in a time that tells nothing about them: their SHA-256
 * digests (always 32 bytes, so not even the expected secret's length shows) compared in
 * constant time.
 */
export function equalSecrets(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function readCookies(header: string | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) pairs.push([part.slice(0, equals).trim(), part.slice(equals + 1).trim()]);
  }
  return pairs;
}
