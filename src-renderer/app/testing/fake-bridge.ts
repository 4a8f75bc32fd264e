/**
 * A {@link RendererBridge} for store specs, standing where the preload or the WebSocket bridge
 * stands in the app: each channel answers what the spec put there (a value, a function of the
 * request, or a refusal with the service's error code), every call is recorded, and the spec
 * emits the core's events. Stores reach it through the real `createApi`, so answers and events
 * are checked against the contract exactly as in the window. Never imported by the app.
 */
import type { ErrorCode } from '@common/errors.js';
import {
  DRAG_OUT_CHANNEL,
  type Channel,
  type Envelope,
  type EventName,
  type EventPayloadOf,
  type RendererBridge,
  type RequestOf,
  type ResponseOf,
} from '@common/ipc-contract.js';
import type { MediaRef } from '@common/media.js';
import { createApi, type Api } from '../shell/api.js';

/** What a channel answers: a response, or one computed from the request (possibly later). */
export type Answer<C extends Channel> = ResponseOf<C> | ((request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>);

/** A call a store made. */
export interface Call {
  channel: Channel | typeof DRAG_OUT_CHANNEL;
  request: unknown;
}

export class FakeBridge implements RendererBridge {
  /** Every call, in order. */
  readonly calls: Call[] = [];
  /** Contract faults `createApi` reported (an answer or event the contract rejects). */
  readonly faults: string[] = [];
  startDrag?: (takeId: number) => Promise<Envelope>;

  readonly #answers = new Map<Channel, (request: unknown) => Promise<Envelope>>();
  readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  /** `canDrag`: the desktop app's drag-out is there (refused with `dragError` when given). */
  constructor(options: { canDrag?: boolean; dragError?: { code: ErrorCode; message: string } } = {}) {
    if (options.canDrag) {
      this.startDrag = async (takeId) => {
        this.calls.push({ channel: DRAG_OUT_CHANNEL, request: { takeId } });
        return options.dragError ? { ok: false, error: options.dragError } : { ok: true, value: { started: true } };
      };
    }
  }

  /** Makes `channel` answer with `answer` from now on. */
  answer<C extends Channel>(channel: C, answer: Answer<C>): this {
    this.#answers.set(channel, async (request) => {
      const value = typeof answer === 'function' ? await (answer as (r: unknown) => unknown)(request) : answer;
      return { ok: true, value };
    });
    return this;
  }

  /** Makes `channel` refuse from now on, as a service does: its code and one-line message. */
  refuse(channel: Channel, code: ErrorCode, message: string): this {
    this.#answers.set(channel, async () => ({ ok: false, error: { code, message } }));
    return this;
  }

  /** The requests made on `channel`, in order. */
  requests<C extends Channel>(channel: C): RequestOf<C>[] {
    return this.calls.filter((call) => call.channel === channel).map((call) => call.request as RequestOf<C>);
  }

  /** Pushes an event to the listeners, as the core does. */
  emit<E extends EventName>(event: E, payload: EventPayloadOf<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }

  /** How many listeners `event` has (a disposed store has none left). */
  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  invoke(channel: Channel, request: unknown): Promise<Envelope> {
    this.calls.push({ channel, request });
    const answer = this.#answers.get(channel);
    if (!answer) {
      return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: `the fake bridge has no answer for ${channel}` } });
    }
    return answer(request);
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    const listeners = this.#listeners.get(event) ?? new Set();
    listeners.add(listener);
    this.#listeners.set(event, listeners);
    return () => listeners.delete(listener);
  }

  mediaUrl(ref: MediaRef): string {
    return `fake-media:${JSON.stringify(ref)}`;
  }
}

/** The typed API over a fake bridge, reporting contract faults into `bridge.faults`. */
export function fakeApi(bridge: FakeBridge): Api {
  return createApi(bridge, (message) => bridge.faults.push(message));
}

/**
 * Lets every promise chain that a call or an event started run to its end: the stores answer
 * events with calls they do not return (`void this.refresh()`), so a spec waits for the queue
 * to drain, one macrotask turn (no wall-clock wait), before it looks.
 */
export function drain(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A promise the spec resolves when it chooses: an answer still on its way. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
