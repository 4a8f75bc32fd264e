/**
 * The renderer's bridge in web mode: the same {@link RendererBridge} the preload exposes in
 * Electron, carried over one WebSocket to `eureka web`.
 *
 * Each call is one binary frame `{type:'invoke', id, channel, request}` (see @common/wire.ts);
 * the server answers `{type:'result', id, envelope}` and pushes `{type:'event', event, payload}`.
 * Authorisation is the session cookie the server set when the page was opened with ?token=…
 * (or a rater's link), which the browser sends with the WebSocket handshake, together with the
 * page key (page-session.ts) in the socket's and every media URL's query. The socket opens on first use and again after a
 * drop; calls in flight when it drops answer with an error envelope instead of hanging, and
 * while anything listens for events (or `onConnection` watches) the bridge reconnects by itself
 * (backing off to 10 s), so a restarted server or a sleeping laptop does not leave the UI deaf.
 * A socket that hears nothing, not even the server's heartbeat, for {@link SILENCE_MS} is taken
 * for dead (a server machine asleep, a dead SSH tunnel: no close ever arrives) and replaced.
 * `onConnection` hears when the server is gone and when it is back; while it is gone, a plain
 * HTTP request tells a stopped server ('lost') from one restarted with another token, which
 * refuses this page's session ('refused').
 *
 * Imports are the one call that does not go over the socket: `library:import-files` becomes one
 * HTTP upload per file (`POST /upload`, the server's upload-route.ts), so a file is never a
 * WebSocket message and the server can refuse one from its first bytes. The answers are put
 * together into the envelope the call over the socket would give.
 */
import { ipcContract, type Envelope, type EventName, type ParsedRequestOf, type RendererBridge } from '@common/ipc-contract.js';
import { decodeFrame, encodeFrame, HEARTBEAT_MS, serverMessageSchema, SILENCE_MS } from '@common/wire.js';
import { mediaPath } from '@common/media.js';
import type { ConnectionState } from './connection.svelte.js';

/** Where the server lives, as the page sees it. */
export interface WebBridgeLocation {
  protocol: string;
  host: string;
}

/** Error envelope for a call the transport could not complete. */
function transportFailure(message: string): Envelope {
  return { ok: false, error: { code: 'INTERNAL', message } };
}

/** The path of the server's upload route (src-main/web/upload-route.ts). */
const UPLOAD_PATH = '/upload';

type ImportRequest = ParsedRequestOf<'library:import-files'>;
type ImportAnswer = { files: { songId: number }[]; failures: unknown[]; duplicates: unknown[]; parts?: { songId: number }[] };

/**
 * Sends an import's files one after another as uploads and answers as the call would: every
 * file imported and every failure. With a new song's name, later files join the song the first
 * one created (as the core does within one call).
 */
async function uploadFiles(origin: string, pageKey: string | null, request: ImportRequest): Promise<Envelope> {
  const answer: Required<ImportAnswer> = { files: [], failures: [], duplicates: [], parts: [] };
  let songId = request.songId;
  for (const [index, file] of request.files.entries()) {
    const query = new URLSearchParams({ name: file.name, index: String(index), total: String(request.files.length) });
    if (pageKey !== null) query.set('key', pageKey);
    if (songId !== undefined) query.set('songId', String(songId));
    else if (request.songName !== undefined) query.set('songName', request.songName);
    let envelope: Envelope;
    try {
      const response = await fetch(`${origin}${UPLOAD_PATH}?${query.toString()}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: file.data,
      });
      if (!(response.headers.get('content-type') ?? '').startsWith('application/json')) {
        return transportFailure(`the server refused the upload of ${file.name} (HTTP ${response.status}); reopen the link printed by \`eureka web\``);
      }
      envelope = (await response.json()) as Envelope;
    } catch (error) {
      return transportFailure(`could not upload ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!envelope.ok) return envelope;
    const value = envelope.value as ImportAnswer;
    answer.files.push(...value.files);
    answer.failures.push(...value.failures);
    answer.duplicates.push(...value.duplicates);
    // A MIDI file imports as parts, not as an audio file.
    answer.parts.push(...(value.parts ?? []));
    const made = value.files[0] ?? value.parts?.[0];
    if (songId === undefined && request.songName !== undefined && made) songId = made.songId;
  }
  return { ok: true, value: answer };
}

/** The longest wait between two reconnection attempts. */
const MAX_RETRY_MS = 10_000;

/**
 * Creates the WebSocket bridge. `onFault` hears about frames that fail to decode or validate
 * (a server/renderer version mismatch, i.e. a bug), which are otherwise dropped; `onConnection`
 * hears each change of the connection's state, and keeps the bridge reconnecting while it is down.
 */
export function createWebBridge(
  location: WebBridgeLocation,
  onFault: (message: string) => void = () => undefined,
  pageKey: string | null = null,
  onConnection?: (state: ConnectionState) => void,
): RendererBridge {
  const keyQuery = pageKey === null ? '' : `?key=${encodeURIComponent(pageKey)}`;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api${keyQuery}`;
  const origin = `${location.protocol}//${location.host}`;
  const pending = new Map<number, (envelope: Envelope) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;
  let retryDelayMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let state: ConnectionState = 'open';
  /** When the open socket last heard from the server. */
  let lastHeard = 0;

  const report = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    onConnection?.(next);
  };

  const keepsTrying = (): boolean => onConnection !== undefined || [...listeners.values()].some((set) => set.size > 0);

  const scheduleReconnect = (): void => {
    if (retryTimer !== null || !keepsTrying()) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      // A failed attempt schedules the next one itself (its close handler).
      connect().catch(() => undefined);
    }, retryDelayMs);
    retryDelayMs = Math.min(retryDelayMs * 2, MAX_RETRY_MS);
  };

  /** Why no socket opens: no server answers ('lost'), or one answers but refuses this page's session. */
  const diagnose = async (): Promise<void> => {
    if (onConnection === undefined) return;
    let next: ConnectionState;
    try {
      const response = await fetch(`${origin}/`, { method: 'HEAD', cache: 'no-store' });
      next = response.status === 401 || response.status === 403 ? 'refused' : 'lost';
    } catch {
      next = 'lost';
    }
    if (socket === null) report(next);
  };

  const failPending = (message: string): void => {
    for (const resolve of pending.values()) resolve(transportFailure(message));
    pending.clear();
  };

  const onMessage = (event: MessageEvent<unknown>): void => {
    lastHeard = Date.now();
    if (!(event.data instanceof ArrayBuffer)) {
      onFault('the server sent a text frame; expected binary');
      return;
    }
    let decoded: unknown;
    try {
      decoded = decodeFrame(new Uint8Array(event.data));
    } catch (error) {
      onFault(`undecodable frame from the server: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const parsed = serverMessageSchema.safeParse(decoded);
    if (!parsed.success) {
      onFault('the server sent a message this version of Eureka does not understand');
      return;
    }
    const message = parsed.data;
    if (message.type === 'heartbeat') return;
    if (message.type === 'result') {
      const resolve = pending.get(message.id);
      if (!resolve) return;
      pending.delete(message.id);
      resolve(message.envelope as Envelope);
      return;
    }
    const set = listeners.get(message.event as EventName);
    if (set) for (const listener of [...set]) listener(message.payload);
  };

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      let isOpen = false;
      let ended = false;
      let silenceTimer: ReturnType<typeof setInterval> | null = null;
      /** The socket is done with (closed, or given up on as silent): fail its calls, try again. */
      const end = (reason: string): void => {
        if (ended) return;
        ended = true;
        if (silenceTimer !== null) clearInterval(silenceTimer);
        ws.removeEventListener('message', onMessage);
        if (socket === ws) socket = null;
        opened = null;
        failPending(reason);
        if (isOpen) report('lost');
        else {
          reject(new Error(reason));
          void diagnose();
        }
        scheduleReconnect();
      };
      ws.addEventListener('open', () => {
        isOpen = true;
        socket = ws;
        retryDelayMs = 500;
        lastHeard = Date.now();
        // Timers of a hidden tab or a sleeping laptop run late, never early: a late check still
        // compares against the last frame that arrived.
        silenceTimer = setInterval(() => {
          if (Date.now() - lastHeard <= SILENCE_MS) return;
          end('lost the connection to the Eureka server (it stopped answering)');
          ws.close();
        }, HEARTBEAT_MS);
        report('open');
        resolve(ws);
      });
      ws.addEventListener('message', onMessage);
      ws.addEventListener('close', (event) => {
        end(
          isOpen
            ? `lost the connection to the Eureka server (code ${event.code})`
            : 'could not connect to the Eureka server; reopen the link printed by `eureka web`',
        );
      });
    });
    return opened;
  };

  // Watched, the socket is opened at once, so a server gone before the first call shows too.
  if (onConnection !== undefined) connect().catch(() => undefined);

  return {
    async invoke(channel, request) {
      if (channel === 'library:import-files') {
        const parsed = ipcContract['library:import-files'].request.safeParse(request);
        if (!parsed.success) return transportFailure(`library:import-files: ${parsed.error.issues[0]?.message ?? 'invalid request'}`);
        return uploadFiles(origin, pageKey, parsed.data);
      }
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch (error) {
        return transportFailure(error instanceof Error ? error.message : String(error));
      }
      const id = nextId++;
      const answer = new Promise<Envelope>((resolve) => pending.set(id, resolve));
      try {
        ws.send(encodeFrame({ type: 'invoke', id, channel, request }));
      } catch (error) {
        pending.delete(id);
        return transportFailure(
          `could not send ${channel}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return answer;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      // Events only flow over an open socket; open it now so a view that only listens hears them.
      if (!socket) connect().catch(() => undefined);
      return () => {
        set.delete(listener);
      };
    },
    mediaUrl(ref) {
      return `/media/${mediaPath(ref)}${keyQuery}`;
    },
    exportDownloadUrl(folder) {
      // The path the server's EXPORT_DOWNLOAD_PATH serves; the page key as for media.
      return `/download/export?folder=${encodeURIComponent(folder)}${keyQuery === '' ? '' : `&${keyQuery.slice(1)}`}`;
    },
  };
}
