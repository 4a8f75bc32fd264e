/**
 * A browser's side of web mode, by hand over real HTTP and WebSocket: opening a link (the
 * token or rater exchange: the session cookie it sets and the page key its redirect carries),
 * a socket client that sends one frame per call and collects every frame it receives, and a
 * rating session stored through the real repository (real SQLite, real WAV files).
 */
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, serverMessageSchema, type ServerMessage } from '../../../src-main/common/wire.js';
import type { Core } from '../../../src-main/core.js';
import { storeSession } from '../../helpers/rating-session.js';

/** What opening a link gave the browser. */
export interface Login {
  /** "name=value", as a Cookie header sends it. */
  cookie: string;
  cookieName: string;
  cookieValue: string;
  /** The whole Set-Cookie header. */
  setCookie: string;
  /** The page key the redirect handed over (the second secret of sockets and media). */
  key: string;
  /** Where the redirect sent the browser. */
  location: string;
}

/** Opens `url` (a token URL or a rater link) without following the redirect. */
export async function login(url: string): Promise<Login> {
  const response = await fetch(url, { redirect: 'manual' });
  if (response.status !== 303) throw new Error(`opening ${url} gave HTTP ${response.status}: ${await response.text()}`);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const location = response.headers.get('location') ?? '';
  const pair = setCookie.split(';', 1)[0] ?? '';
  const equals = pair.indexOf('=');
  const key = new URL(location, url).searchParams.get('key');
  if (equals < 1 || !key) throw new Error(`the exchange set no session: ${setCookie} → ${location}`);
  return { cookie: pair, cookieName: pair.slice(0, equals), cookieValue: pair.slice(equals + 1), setCookie, key, location };
}

export type ResultMessage = Extract<ServerMessage, { type: 'result' }>;

export class TestSocket {
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  private nextId = 1;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(serverMessageSchema.parse(decodeFrame(new Uint8Array(data))));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Opens `/api` of the server at `port`, with the page key in the query when given. */
  static open(port: number, headers: Record<string, string>, key?: string): Promise<TestSocket> {
    const url = `ws://127.0.0.1:${port}/api${key === undefined ? '' : `?key=${key}`}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new TestSocket(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    });
  }

  /** A socket as the page `login` opened would make it: its cookie, its origin, its key. */
  static as(port: number, session: Login): Promise<TestSocket> {
    return TestSocket.open(port, { origin: `http://127.0.0.1:${port}`, cookie: session.cookie }, session.key);
  }

  async until(predicate: (messages: ServerMessage[]) => boolean): Promise<void> {
    while (!predicate(this.messages)) await new Promise<void>((wake) => this.waiters.push(wake));
  }

  async call(channel: string, request: unknown): Promise<ResultMessage> {
    const id = this.nextId++;
    this.ws.send(encodeFrame({ type: 'invoke', id, channel, request }));
    await this.until((messages) => messages.some((m) => m.type === 'result' && m.id === id));
    return this.messages.find((m): m is ResultMessage => m.type === 'result' && m.id === id)!;
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Stores a single-stimulus session of `trials` items (half generated, half real) with these
 * raters, each hearing the items in their own order, through the real repository.
 */
export async function storeRatingSession(core: Core, raters: string[], trials: number): Promise<number> {
  return (await storeSession(core, 'single', raters, trials, `session of ${raters.join(' and ')}`)).id;
}
