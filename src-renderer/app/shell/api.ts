/**
 * The typed face of the bridge, for stores (the only callers): `invoke` checks the answer
 * against the contract's response schema and turns `{ok:false}` into an {@link ApiError};
 * `on` parses event payloads before a listener sees them. Works the same over the Electron
 * preload and the web-mode WebSocket, since both implement {@link RendererBridge}.
 */
import type { ErrorCode } from '@common/errors.js';
import type { MediaRef } from '@common/media.js';
import {
  eventContract,
  ipcContract,
  type Channel,
  type Envelope,
  type EventName,
  type EventPayloadOf,
  type RendererBridge,
  type RequestOf,
  type ResponseOf,
} from '@common/ipc-contract.js';

/** A failed call: the service's code and its one-line message, ready to show. */
export class ApiError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Anything with a zod-style parse; every schema in the contract qualifies. */
interface Parser {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: Error };
}

/** What stores call. */
export interface Api {
  /** Calls a channel; resolves with the validated response or rejects with an ApiError. */
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Listens to an event with a parsed payload; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloadOf<E>) => void): () => void;
  /** URL of playable audio (a custom protocol in Electron, /media/… on the web). */
  mediaUrl(ref: MediaRef): string;
  /** Web mode: where the browser downloads an exported folder as a .zip; null in the desktop app (it reveals the folder instead). */
  exportDownloadUrl(folder: string): string | null;
  /**
   * Starts dragging a take's file out of the window (the desktop app; absent in web mode);
   * rejects with an ApiError when the main side refuses.
   */
  startDrag?: (takeId: number) => Promise<void>;
}

/** A message for any error thrown at a store, ApiError or not. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Wraps a bridge. `onFault` hears about answers and events that break the contract (a bug on
 * one side or a version mismatch); such events are dropped, such answers reject as INTERNAL.
 */
export function createApi(bridge: RendererBridge, onFault: (message: string) => void): Api {
  return {
    async invoke(channel, request) {
      const envelope = await bridge.invoke(channel, request);
      if (!envelope.ok) throw new ApiError(envelope.error.code, envelope.error.message);
      const schema: Parser = ipcContract[channel].response;
      const parsed = schema.safeParse(envelope.value);
      if (!parsed.success) {
        const message = `the answer to ${channel} does not match the contract`;
        onFault(message);
        throw new ApiError('INTERNAL', message);
      }
      // Validated against the channel's response schema just above.
      return parsed.data as ResponseOf<typeof channel>;
    },
    on(event, listener) {
      const schema: Parser = eventContract[event];
      return bridge.on(event, (payload) => {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          onFault(`the ${event} event does not match the contract`);
          return;
        }
        listener(parsed.data as EventPayloadOf<typeof event>);
      });
    },
    mediaUrl(ref) {
      return bridge.mediaUrl(ref);
    },
    exportDownloadUrl(folder) {
      return bridge.exportDownloadUrl?.(folder) ?? null;
    },
    ...(bridge.startDrag ? { startDrag: dragOut(bridge.startDrag.bind(bridge)) } : {}),
  };
}

/** The bridge's drag-out as a promise that rejects with an ApiError on refusal. */
function dragOut(start: (takeId: number) => Promise<Envelope>): (takeId: number) => Promise<void> {
  return async (takeId) => {
    const envelope = await start(takeId);
    if (!envelope.ok) throw new ApiError(envelope.error.code, envelope.error.message);
  };
}
