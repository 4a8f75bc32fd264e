/**
 * Web mode: the renderer served over HTTP and the typed API over a WebSocket, so a real
 * browser drives the real UI (tests; a GPU box in a cupboard used from a laptop through an
 * SSH tunnel).
 *
 * Security: bound to 127.0.0.1 only; every request needs the random token, given once in the
 * URL (`/?token=…`), then carried by an HttpOnly SameSite=Strict cookie; the Host header must
 * name this server (no DNS rebinding) and a WebSocket's Origin must be this server (no
 * cross-site socket hijacking). Static files are served only from inside `staticDir`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../api/dispatch.js';
import { MAX_IMPORT_BYTES } from '../common/limits.js';
import { parseMediaPath, type MediaRef } from '../common/media.js';
import { clientMessageSchema, decodeFrame, encodeFrame, type ServerMessage } from '../common/wire.js';
import type { Core } from '../core.js';
import { readHeaderPolicy } from './content-security.js';

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

const COOKIE = 'eureka_token';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('hex');
  const staticDir = path.resolve(options.staticDir);
  const contentSecurityPolicy = await readHeaderPolicy(path.join(staticDir, 'index.html'));
  const sockets = new Set<WebSocket>();
  let port = 0;

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
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!tokensEqual(given, token)) return send(response, 401, 'wrong token');
      // Trade the URL token for a cookie, and drop it from the address bar and history.
      url.searchParams.delete('token');
      response.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      response.setHeader('Location', `${url.pathname}${url.search}`);
      return send(response, 303, '');
    }
    if (!tokensEqual(readCookie(request, COOKIE) ?? '', token)) {
      return send(response, 401, 'Eureka web mode needs the token: open the URL that `eureka web` printed.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'method not allowed');

    if (url.pathname.startsWith('/media/')) {
      const ref = parseMediaPath(url.pathname.slice('/media/'.length));
      return ref ? serveMedia(request, response, ref) : send(response, 404, 'not found');
    }
    return serveStatic(response, url.pathname);
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
      'Content-Type': MIME_TYPES[path.extname(file)] ?? 'application/octet-stream',
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
    let size: number;
    try {
      file = options.core.mediaFile(ref);
      size = (await stat(file)).size;
    } catch {
      return send(response, 404, 'not found');
    }
    const range = parseRange(request.headers.range, size);
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
      createReadStream(file, { start: range.start, end: range.end }).pipe(response);
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Length': size });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file).pipe(response);
  }

  const socketServer = new WebSocketServer({ noServer: true, maxPayload: MAX_IMPORT_BYTES + 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const hostOk = allowedHosts().has(request.headers.host ?? '');
    const originOk = request.headers.origin === `http://${request.headers.host}`;
    const tokenOk = tokensEqual(readCookie(request, COOKIE) ?? '', token);
    if (url.pathname !== '/api' || !hostOk || !originOk || !tokenOk) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    socketServer.handleUpgrade(request, socket, head, (ws) => onSocket(ws));
  });

  const unsubscribe = options.core.subscribe((event, payload) => {
    const frame = encodeFrame({ type: 'event', event, payload } satisfies ServerMessage);
    for (const ws of sockets) ws.send(frame);
  });

  function onSocket(ws: WebSocket): void {
    sockets.add(ws);
    options.onConnections?.(sockets.size);
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
      void dispatch(options.core.handlers, message.channel, message.request).then((envelope) => {
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
      for (const ws of sockets) ws.terminate();
      socketServer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(body);
}

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
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
