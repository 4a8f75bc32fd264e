/**
 * Web mode: the renderer served over HTTP and the typed API over a WebSocket, so a real
 * browser drives the real UI (tests; a GPU box in a cupboard used from a laptop through an
 * SSH tunnel; a band mate rating a listening session through their own link).
 *
 * Security: bound to 127.0.0.1 only. The owner opens the URL with the random token
 * (`/?token=…`), a rater their own link (`/?rater=<id>.<key>`); either is traded once for a
 * session (web-session.ts: a cookie that is not the token, plus a page key the redirect hands
 * to the page) and the browser is sent to `/`, nowhere else. Static files need a session
 * cookie; the socket and media need the page key too, and serve only what the session's
 * caller may have (rater-access.ts: a rater, their own items and calls). The Host header must
 * name this server (no DNS rebinding) and a WebSocket's Origin must be this server (no
 * cross-site socket hijacking). Static files are served only from inside `staticDir`, media
 * only from inside the data folder without symbolic links (media-file.ts).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../api/dispatch.js';
import type { Envelope } from '../common/ipc-contract.js';
import { parseMediaPath, type MediaRef } from '../common/media.js';
import { parseRaterCredential, RATER_LINK_PARAM } from '../common/rating.js';
import { clientMessageSchema, decodeFrame, encodeFrame, type ServerMessage } from '../common/wire.js';
import type { Core } from '../core.js';
import { readHeaderPolicy } from './content-security.js';
import { contentTypeOf } from './content-types.js';
import { openMediaFile } from './media-file.js';
import { hearsEvents, mayCall, mayFetch, RATER_REFUSAL, type Caller } from './rater-access.js';
import { createWebSessions, equalSecrets, type IssuedSession } from './web-session.js';
import { handleUpload, MAX_SOCKET_MESSAGE_BYTES, UPLOAD_PATH } from './upload-route.js';

export interface WebServerOptions {
  core: Core;
  /** The built renderer (out/web). */
  staticDir: string;
  /** Only loopback addresses are accepted. */
  host?: '127.0.0.1' | '::1';
  /** 0 picks a free port. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
  /** Hears each browser connecting or leaving, with the number now open. */
  onConnections?: (open: number) => void;
}

export interface WebServer {
  /** Open this in a browser; it carries the token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The query parameter of the page key (the redirect hands it over; sockets and media send it back). */
export const PAGE_KEY_PARAM = 'key';


export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('hex');
  const staticDir = path.resolve(options.staticDir);
  const contentSecurityPolicy = await readHeaderPolicy(path.join(staticDir, 'index.html'));
  const sockets = new Map<WebSocket, Caller>();
  let port = 0;
  const sessions = createWebSessions({
    secret: token,
    port: () => port,
    raterAccessKey: (raterId) => options.core.rating.raterAccessKey(raterId),
  });

  const allowedHosts = (): Set<string> =>
    new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

  const server = createServer((request, response) => {
    handleHttp(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts().has(request.headers.host ?? '')) return send(response, 403, 'forbidden host');
    // The request's path is only read as a path: `//evil.example/…` must not become a host.
    const url = new URL(request.url ?? '/', 'http://localhost');
    const ownerToken = url.searchParams.get('token');
    if (ownerToken !== null) {
      if (!equalSecrets(ownerToken, token)) return send(response, 401, 'wrong token');
      return startSession(response, sessions.issue({ role: 'owner' }, request.headers.cookie), '');
    }
    const raterLink = url.searchParams.get(RATER_LINK_PARAM);
    if (raterLink !== null) {
      const credential = parseRaterCredential(raterLink);
      const stored = credential ? options.core.rating.raterAccessKey(credential.raterId) : null;
      if (!credential || stored === null || !equalSecrets(credential.accessKey, stored)) {
        return send(response, 401, 'This rater link is not valid (any more): ask for a new one.');
      }
      const { raterId } = credential;
      return startSession(response, sessions.issue({ role: 'rater', raterId }, request.headers.cookie), `&role=rater#/rate/${raterId}`);
    }
    if (sessions.callers(request.headers.cookie).length === 0) {
      return send(response, 401, 'Eureka web mode needs the token: open the URL that `eureka web` printed.');
    }
    if (url.pathname === UPLOAD_PATH) {
      // An import, as the socket's library:import-files: the owner's page only (upload-route.ts).
      const caller = sessions.callerForKey(request.headers.cookie, url.searchParams.get(PAGE_KEY_PARAM));
      if (!caller || !mayCall(caller, 'library:import-files', {})) return send(response, 403, 'forbidden');
      return handleUpload(request, response, url, options.core);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'method not allowed');

    if (url.pathname.startsWith('/media/')) {
      const caller = sessions.callerForKey(request.headers.cookie, url.searchParams.get(PAGE_KEY_PARAM));
      const ref = parseMediaPath(url.pathname.slice('/media/'.length));
      if (!ref) return send(response, 404, 'not found');
      if (!caller || !mayFetch(caller, ref, (audio) => options.core.rating.audioOwner(audio))) return send(response, 403, 'forbidden');
      return serveMedia(request, response, ref);
    }
    return serveStatic(response, url.pathname);
  }

  /**
   * Trades a link for a session: its cookie, and a redirect to `/` (never to a path the link
   * named) that hands the page its key, plus what a rater's screen needs to know (`then`).
   * The link's secret leaves the address bar and history.
   */
  function startSession(response: ServerResponse, session: IssuedSession, then: string): void {
    if (session.setCookie !== null) response.setHeader('Set-Cookie', session.setCookie);
    response.setHeader('Location', `/?${PAGE_KEY_PARAM}=${session.key}${then}`);
    send(response, 303, '');
  }

  async function serveStatic(response: ServerResponse, pathname: string): Promise<void> {
    let relative: string;
    try {
      relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      return send(response, 404, 'not found'); // malformed percent-encoding
    }
    const file = path.resolve(staticDir, relative);
    if (file !== staticDir && !file.startsWith(staticDir + path.sep)) return send(response, 404, 'not found');
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return send(response, 404, 'not found');
      size = info.size;
    } catch {
      return send(response, 404, 'not found');
    }
    response.writeHead(200, {
      'Content-Type': contentTypeOf(file),
      'Content-Length': size,
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  }

  async function serveMedia(request: IncomingMessage, response: ServerResponse, ref: MediaRef): Promise<void> {
    let file: string;
    try {
      file = options.core.mediaFile(ref);
    } catch {
      return send(response, 404, 'not found');
    }
    const opened = await openMediaFile(options.core.dataDir, file);
    if (!opened) return send(response, 404, 'not found');
    const { handle, size } = opened;
    const range = parseRange(request.headers.range, size);
    if (range === 'invalid' || request.method === 'HEAD') await handle.close();
    const headers = {
      'Content-Type': 'audio/wav',
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=3600',
    };
    if (range === 'invalid') {
      response.writeHead(416, { 'Content-Range': `bytes */${size}` });
      response.end();
      return;
    }
    if (range) {
      response.writeHead(206, {
        ...headers,
        'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
        'Content-Length': range.end - range.start + 1,
      });
      if (request.method === 'HEAD') return void response.end();
      stream(handle.createReadStream({ start: range.start, end: range.end }), response);
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Length': size });
    if (request.method === 'HEAD') return void response.end();
    stream(handle.createReadStream(), response);
  }

  const socketServer = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const hostOk = allowedHosts().has(request.headers.host ?? '');
    const originOk = request.headers.origin === `http://${request.headers.host}`;
    const caller = sessions.callerForKey(request.headers.cookie, url.searchParams.get(PAGE_KEY_PARAM));
    if (url.pathname !== '/api' || !hostOk || !originOk || !caller) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    socketServer.handleUpgrade(request, socket, head, (ws) => onSocket(ws, caller));
  });

  const unsubscribe = options.core.subscribe((event, payload) => {
    const frame = encodeFrame({ type: 'event', event, payload } satisfies ServerMessage);
    for (const [ws, caller] of sockets) if (hearsEvents(caller)) ws.send(frame);
  });

  function onSocket(ws: WebSocket, caller: Caller): void {
    sockets.set(ws, caller);
    options.onConnections?.(sockets.size);
    // A malformed or oversized frame: ws closes the socket itself (1002, 1009); nothing to add.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      sockets.delete(ws);
      options.onConnections?.(sockets.size);
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return ws.close(1003, 'binary frames only');
      const bytes = toUint8Array(data);
      let message;
      try {
        message = clientMessageSchema.parse(decodeFrame(bytes));
      } catch {
        return ws.close(1007, 'malformed frame');
      }
      const { id } = message;
      const answer: Promise<Envelope> = mayCall(caller, message.channel, message.request)
        ? dispatch(options.core.handlers, message.channel, message.request)
        : Promise.resolve({ ok: false, error: { code: 'UNAUTHORIZED', message: RATER_REFUSAL } });
      void answer.then((envelope) => {
        if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ type: 'result', id, envelope } satisfies ServerMessage));
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const origin = host === '::1' ? `http://[::1]:${port}` : `http://${host}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets.keys()) ws.terminate();
      socketServer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Pipes a file to a response; either side ending early (a seek, a closed tab) closes both. */
function stream(source: Readable, response: ServerResponse): void {
  pipeline(source, response, () => undefined);
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(body);
}

/** One "bytes=a-b" range (what audio elements send); multi-range requests get the whole file. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from = '', to = ''] = match;
  let start: number;
  let end: number;
  if (from === '') {
    if (to === '') return 'invalid';
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

function toUint8Array(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
