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
 * while anything listens for events the bridge reconnects by itself (backing off to 10 s), so
 * a restarted server or a sleeping laptop does not leave the UI deaf.
 *
 * Imports are the one call that does not go over the socket: `library:import-files` becomes one
 * HTTP upload per file (`POST /upload`, the server's upload-route.ts), so a file is never a
 * WebSocket message and the server can refuse one from its first bytes. The answers are put
 * together into the envelope the call over the socket would give.
 */
import { ipcContract, type Envelope, type EventName, type ParsedRequestOf, type RendererBridge } from '@common/ipc-contract.js';
import { decodeFrame, encodeFrame, serverMessageSchema } from '@common/wire.js';
import { mediaPath } from '@common/media.js';

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
type ImportAnswer = { files: { songId: number }[]; failures: unknown[] };

/**
 * Sends an import's files one after another as uploads and answers as the call would: every
 * file imported and every failure. With a new song's name, later files join the song the first
 * one created (as the core does within one call).
 */
async function uploadFiles(origin: string, pageKey: string | null, request: ImportRequest): Promise<Envelope> {
  const answer: ImportAnswer = { files: [], failures: [] };
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
    if (songId === undefined && request.songName !== undefined && value.files[0]) songId = value.files[0].songId;
  }
  return { ok: true, value: answer };
}

/**
 * Creates the WebSocket bridge. `onFault` hears about frames that fail to decode or validate
 * (a server/renderer version mismatch, i.e. a bug), which are otherwise dropped.
 */
export function createWebBridge(
  location: WebBridgeLocation,
  onFault: (message: string) => void = () => undefined,
  pageKey: string | null = null,
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

  const hasListeners = (): boolean => [...listeners.values()].some((set) => set.size > 0);

  const scheduleReconnect = (): void => {
    if (retryTimer !== null || !hasListeners()) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch(() => scheduleReconnect());
    }, retryDelayMs);
    retryDelayMs = Math.min(retryDelayMs * 2, 10_000);
  };

  const failPending = (message: string): void => {
    for (const resolve of pending.values()) resolve(transportFailure(message));
    pending.clear();
  };

  const onMessage = (event: MessageEvent<unknown>): void => {
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
      ws.addEventListener('open', () => {
        isOpen = true;
        socket = ws;
        retryDelayMs = 500;
        resolve(ws);
      });
      ws.addEventListener('message', onMessage);
      ws.addEventListener('close', (event) => {
        if (socket === ws) socket = null;
        opened = null;
        const reason = isOpen
          ? `lost the connection to the Eureka server (code ${event.code})`
          : 'could not connect to the Eureka server; reopen the link printed by `eureka web`';
        failPending(reason);
        if (!isOpen) reject(new Error(reason));
        else scheduleReconnect();
      });
    });
    return opened;
  };

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
  };
}
