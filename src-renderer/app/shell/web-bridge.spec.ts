import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { encodeFrame, HEARTBEAT_MS, SILENCE_MS } from '@common/wire.js';
import type { ConnectionState } from './connection.svelte.js';
import { createWebBridge } from './web-bridge.js';

/** A browser WebSocket stand-in the test opens, feeds and closes by hand. */
class FakeSocket {
  static made: FakeSocket[] = [];
  binaryType = 'blob';
  closed = false;
  readonly sent: Uint8Array[] = [];
  readonly #listeners = new Map<string, ((event: unknown) => void)[]>();

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  removeEventListener(type: string, listener: (event: unknown) => void): void {
    this.#listeners.set(type, (this.#listeners.get(type) ?? []).filter((l) => l !== listener));
  }

  send(data: Uint8Array): void {
    this.sent.push(data);
  }

  close(): void {
    this.closed = true;
  }

  emit(type: 'open' | 'close' | 'message', event: unknown = {}): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }

  heartbeat(): void {
    const frame = encodeFrame({ type: 'heartbeat' });
    this.emit('message', { data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) });
  }
}

const LOCATION = { protocol: 'http:', host: '127.0.0.1:4000' };
const latest = (): FakeSocket => FakeSocket.made.at(-1)!;

describe('web bridge: the connection', () => {
  let states: ConnectionState[];
  let probe: jest.Mock<(url: string, init: RequestInit) => Promise<Response>>;
  const saved = { WebSocket: globalThis.WebSocket, fetch: globalThis.fetch };

  beforeEach(() => {
    jest.useFakeTimers();
    FakeSocket.made = [];
    states = [];
    probe = jest.fn(() => Promise.reject(new TypeError('connection refused')));
    Object.assign(globalThis, { WebSocket: FakeSocket, fetch: probe });
  });
  afterEach(() => {
    jest.useRealTimers();
    Object.assign(globalThis, saved);
  });

  const watched = () => createWebBridge(LOCATION, () => undefined, 'f'.repeat(64), (state) => states.push(state));

  it('opens its socket at once, with the page key, and stays quiet while heartbeats arrive', async () => {
    watched();
    expect(FakeSocket.made.map((socket) => socket.url)).toEqual([`ws://127.0.0.1:4000/api?key=${'f'.repeat(64)}`]);
    latest().emit('open');
    for (let beat = 0; beat < 10; beat++) {
      await jest.advanceTimersByTimeAsync(HEARTBEAT_MS);
      latest().heartbeat();
    }
    expect(states).toEqual([]);
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('takes a socket that went silent for dead, fails its calls, says so, and connects again', async () => {
    const bridge = watched();
    const first = latest();
    first.emit('open');
    const call = bridge.invoke('library:list-songs', {});
    await jest.advanceTimersByTimeAsync(SILENCE_MS + HEARTBEAT_MS);
    expect(states).toEqual(['lost']);
    expect(first.closed).toBe(true);
    await expect(call).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'lost the connection to the Eureka server (it stopped answering)' },
    });
    await jest.advanceTimersByTimeAsync(500);
    expect(FakeSocket.made).toHaveLength(2);
    latest().emit('open');
    expect(states).toEqual(['lost', 'open']);
    // The given-up socket's late close changes nothing.
    first.emit('close', { code: 1006 });
    expect(states).toEqual(['lost', 'open']);
    expect(FakeSocket.made).toHaveLength(2);
  });

  it('says the server stopped when its socket closes, and keeps trying, backing off', async () => {
    watched();
    latest().emit('open');
    latest().emit('close', { code: 1006 });
    expect(states).toEqual(['lost']);
    for (const wait of [500, 1000, 2000]) {
      const before = FakeSocket.made.length;
      await jest.advanceTimersByTimeAsync(wait - 1);
      expect(FakeSocket.made).toHaveLength(before);
      await jest.advanceTimersByTimeAsync(1);
      expect(FakeSocket.made).toHaveLength(before + 1);
      latest().emit('close', { code: 1006 }); // nobody there yet
      await jest.advanceTimersByTimeAsync(0);
    }
    expect(probe).toHaveBeenCalledWith('http://127.0.0.1:4000/', { method: 'HEAD', cache: 'no-store' });
    expect(states).toEqual(['lost']);
  });

  it('tells a server back with another token (it refuses the session) from a stopped one', async () => {
    watched();
    latest().emit('open');
    latest().emit('close', { code: 1006 });
    probe.mockImplementation(() => Promise.resolve(new Response(null, { status: 401 })));
    await jest.advanceTimersByTimeAsync(500);
    latest().emit('close', { code: 1006 }); // the upgrade was refused
    await jest.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['lost', 'refused']);
    // Started again with the page's token: the next attempt gets through.
    await jest.advanceTimersByTimeAsync(1000);
    latest().emit('open');
    expect(states).toEqual(['lost', 'refused', 'open']);
  });
});

describe('web bridge: imports as uploads', () => {
  const saved = { WebSocket: globalThis.WebSocket, fetch: globalThis.fetch };
  afterEach(() => {
    Object.assign(globalThis, saved);
  });

  it('answers with the parts a MIDI file became, and puts later files into the song it made', async () => {
    const part = { id: 8, songId: 4 };
    const asked: string[] = [];
    const upload = jest.fn((url: string) => {
      asked.push(url);
      const value = url.includes('name=Night+Drive.mid')
        ? { files: [], failures: [], duplicates: [], parts: [part] }
        : { files: [{ songId: 4 }], failures: [], duplicates: [] };
      return Promise.resolve(new Response(JSON.stringify({ ok: true, value }), { headers: { 'content-type': 'application/json' } }));
    });
    Object.assign(globalThis, { WebSocket: FakeSocket, fetch: upload });
    const bridge = createWebBridge(LOCATION);
    const envelope = await bridge.invoke('library:import-files', {
      files: [
        { name: 'Night Drive.mid', data: new Uint8Array([1]) },
        { name: 'Night Drive.wav', data: new Uint8Array([2]) },
      ],
      songName: 'Night Drive',
    });
    expect(envelope).toEqual({ ok: true, value: { files: [{ songId: 4 }], failures: [], duplicates: [], parts: [part] } });
    expect(new URL(asked[1]!).searchParams.get('songId')).toBe('4');
  });
});
