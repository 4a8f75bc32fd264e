/**
 * Web mode: the renderer served over HTTP and the typed API over a WebSocket, so a real
 * browser drives the real UI (tests; a GPU box in a cupboard used from a laptop through an
 * SSH tunnel; a band mate rating a listening session through their own link).
 *
 * Security: the owner's server is bound to loopback only. `eureka web --share` adds a second,
 * raters-only server on the local network (audience 'raters'): it never issues an owner session
 * and refuses the token, so a band mate's phone can open its rater link and nothing else, and it
 * answers only Host headers naming this computer (share-hosts.ts). The owner opens the URL with the random token
 * (`/?token=…`), a rater their own link (`/?rater=<id>.<key>`); either is traded once for a
 * session (web-session.ts: a cookie that is not the token, plus a page key the redirect hands
 * to the page) and the browser is sent to `/`, nowhere else. Static files need a session
 * cookie; the socket and media need the page key too, and serve only what the session's
 * caller may have (rater-access.ts: a rater, their own items and calls). The Host header must
 * name this server (no DNS rebinding) and a WebSocket's Origin must be this server (no
 * cross-site socket hijacking). Static files are served only from inside `staticDir`, media
 * only from inside the data folder without symbolic links (media-file.ts). Every socket hears a
 * heartbeat, so a page notices a server that went silent (asleep, a dead tunnel) and reconnects.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../api/dispatch.js';
import { AppError } from '../common/errors.js';
import type { Envelope } from '../common/ipc-contract.js';
import { parseMediaPath, type MediaRef } from '../common/media.js';
import { parseRaterCredential, RATER_LINK_PARAM } from '../common/rating.js';
import { hashOf } from '../common/view-route.js';
import { clientMessageSchema, decodeFrame, encodeFrame, HEARTBEAT_MS, type ServerMessage } from '../common/wire.js';
import type { Core } from '../core.js';
import { readHeaderPolicy } from './content-security.js';
import { sendRefusalPage } from './refusal-page.js';
import { contentTypeOf } from './content-types.js';
import { openMediaFile } from './media-file.js';
import { hearsEvents, mayCall, mayFetch, RATER_REFUSAL, type Caller } from './rater-access.js';
import { createWebSessions, equalSecrets, type IssuedSession } from './web-session.js';
import { handleUpload, MAX_SOCKET_MESSAGE_BYTES, UPLOAD_PATH } from './upload-route.js';
import { lanAddresses, shareHostNames } from './share-hosts.js';

export interface WebServerOptions {
  core: Core;
  /** The built renderer (out/web). */
  staticDir: string;
  /**
   * Who this server is for. 'owner' (the default): the token's UI and API, on loopback only.
   * 'raters' (`eureka web --share`): rater links and nothing else — no owner session is ever
   * issued, the token is refused — so it may listen on the local network ('0.0.0.0').
   */
  audience?: 'owner' | 'raters';
  /** Loopback for the owner; the raters' server may also take every interface. */
  host?: '127.0.0.1' | '::1' | '0.0.0.0';
  /** 0 picks a free port. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
  /** Hears each browser connecting or leaving, with the number now open. */
  onConnections?: (open: number) => void;
  /** How often every socket hears a heartbeat (default HEARTBEAT_MS). */
  heartbeatMs?: number;
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
/** Where the owner's page downloads an exported folder as a .zip (`?folder=…&key=…`). */
export const EXPORT_DOWNLOAD_PATH = '/download/export';


export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const audience = options.audience ?? 'owner';
  if (host === '0.0.0.0' && audience !== 'raters') {
    throw new AppError('INTERNAL', "only the raters' server may listen beyond this computer");
  }
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
    audience === 'raters' ? shareHostNames(port) : new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

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
    if (ownerToken !== null && audience === 'raters') {
      // Whatever the token: the owner's Eureka is not served to the network.
      return sendRefusalPage(response, 403, 'This address is for band mates’ rating links only: open Eureka on the computer it runs on.');
    }
    if (ownerToken !== null) {
      if (!equalSecrets(ownerToken, token)) return sendRefusalPage(response, 401, 'This link’s token is not this server’s: open the link that `eureka web` printed last.');
      return startSession(response, sessions.issue({ role: 'owner' }, request.headers.cookie), '');
    }
    const raterLink = url.searchParams.get(RATER_LINK_PARAM);
    if (raterLink !== null) {
      const credential = parseRaterCredential(raterLink);
      const stored = credential ? options.core.rating.raterAccessKey(credential.raterId) : null;
      if (!credential || stored === null || !equalSecrets(credential.accessKey, stored)) {
        return sendRefusalPage(response, 401, 'This rater link is not valid (any more): ask for a new one.');
      }
      const { raterId } = credential;
      return startSession(response, sessions.issue({ role: 'rater', raterId }, request.headers.cookie), `&role=rater${hashOf({ view: 'rater', raterId })}`);
    }
    if (sessions.callers(request.headers.cookie).length === 0) {
      if (audience === 'raters') return sendRefusalPage(response, 401, 'Open the rating link you were sent: this address shows nothing else.');
      return sendRefusalPage(response, 401, 'Eureka web mode needs the token: open the URL that `eureka web` printed.');
    }
    if (url.pathname === UPLOAD_PATH) {
      // An import, as the socket's library:import-files: the owner's page only (upload-route.ts).
      const caller = sessions.callerForKey(request.headers.cookie, url.searchParams.get(PAGE_KEY_PARAM));
      if (!caller || !mayCall(caller, 'library:import-files', {})) return send(response, 403, 'forbidden');
      return handleUpload(request, response, url, options.core);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'method not allowed');

    if (url.pathname === EXPORT_DOWNLOAD_PATH) {
      // An exported folder as a .zip: the owner's page only, a folder this core exported only.
      const caller = sessions.callerForKey(request.headers.cookie, url.searchParams.get(PAGE_KEY_PARAM));
      if (caller?.role !== 'owner') return send(response, 403, 'forbidden');
      return downloadExport(response, url.searchParams.get('folder') ?? '');
    }

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

  async function downloadExport(response: ServerResponse, folder: string): Promise<void> {
    let zip: Awaited<ReturnType<Core['zipExport']>>;
    try {
      zip = await options.core.zipExport(folder);
    } catch {
      return send(response, 404, 'not an exported folder');
    }
    response.writeHead(200, {
      'Content-Type': 'application/zip',
      // RFC 6266: a plain ASCII fallback and the real name in UTF-8.
      'Content-Disposition': `attachment; filename="${zip.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(zip.fileName)}`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    // A failure half-way (a file gone under it) cuts the download, which the browser reports.
    await zip.write(response).catch((error: unknown) => response.destroy(error instanceof Error ? error : undefined));
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

  // A heartbeat says nothing but "still here": the same frame to the owner and to raters.
  const heartbeat = encodeFrame({ type: 'heartbeat' } satisfies ServerMessage);
  const heartbeats = setInterval(() => {
    for (const ws of sockets.keys()) if (ws.readyState === ws.OPEN) ws.send(heartbeat);
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeats.unref();

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

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    // Not listening (the port is taken): nothing of this server may stay behind.
    clearInterval(heartbeats);
    unsubscribe();
    socketServer.close();
    throw error;
  }
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const origin =
    host === '::1' ? `http://[::1]:${port}` : host === '0.0.0.0' ? `http://${lanAddresses()[0] ?? '127.0.0.1'}:${port}` : `http://${host}:${port}`;

  return {
    // The raters' server has no link of its own: each rater's link is this origin + their path.
    url: audience === 'raters' ? `${origin}/` : `${origin}/?token=${token}`,
    port,
    token,
    async close() {
      clearInterval(heartbeats);
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
