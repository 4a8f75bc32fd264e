/**
 * A stand-in for the `electron` module, recording what our glue asks of it. Electron's binary
 * cannot be downloaded on the build machines, so these tests check our wiring (which channels
 * are exposed and registered, which window options are set, which navigations are refused)
 * against the same API surface; README says how the app itself was checked.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type Listener = (...args: unknown[]) => unknown;

export interface ElectronDouble {
  exposed: Map<string, unknown>;
  handlers: Map<string, Listener>;
  rendererListeners: Map<string, Set<Listener>>;
  invoked: { channel: string; request: unknown }[];
  windows: { options: Record<string, unknown>; contents: FakeContents; loaded: string[] }[];
  /** protocol.registerSchemesAsPrivileged calls, and the handler of each scheme. */
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[][];
  protocols: Map<string, (request: { url: string; headers?: Headers }) => Promise<Response>>;
  /** The URLs net.fetch was asked for (it answers with the file's bytes). */
  netFetched: string[];
  /** The default session's permission handlers and header hook. */
  permissionRequestHandler: Listener | null;
  permissionCheckHandler: Listener | null;
  headersHook: Listener | null;
  openedExternally: string[];
  module: Record<string, unknown>;
}

/** A frame of a window: its URL; the main frame is its contents' `mainFrame`. */
export class FakeFrame {
  constructor(public url: string) {}
}

export class FakeContents {
  readonly listeners = new Map<string, Listener[]>();
  readonly mainFrame: FakeFrame;
  constructor(url = 'app://eureka/index.html') {
    this.mainFrame = new FakeFrame(url);
  }
  windowOpenHandler: Listener | undefined;
  sent: { event: string; payload: unknown }[] = [];
  destroyed = false;
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  setWindowOpenHandler(handler: Listener) {
    this.windowOpenHandler = handler;
  }
  send(event: string, payload: unknown) {
    this.sent.push({ event, payload });
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export function createElectronDouble(): ElectronDouble {
  const double: ElectronDouble = {
    exposed: new Map(),
    handlers: new Map(),
    rendererListeners: new Map(),
    invoked: [],
    windows: [],
    privilegedSchemes: [],
    protocols: new Map(),
    netFetched: [],
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    headersHook: null,
    openedExternally: [],
    module: {},
  };
  class BrowserWindow {
    readonly webContents = new FakeContents();
    constructor(options: Record<string, unknown>) {
      double.windows.push({ options, contents: this.webContents, loaded: [] });
    }
    once() {}
    show() {}
    loadURL(url: string) {
      double.windows.at(-1)!.loaded.push(url);
      return Promise.resolve();
    }
  }
  double.module = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => double.exposed.set(key, api) },
    ipcRenderer: {
      invoke: (channel: string, request: unknown) => {
        double.invoked.push({ channel, request });
        return Promise.resolve({ ok: true, value: null });
      },
      on: (event: string, listener: Listener) => {
        const set = double.rendererListeners.get(event) ?? new Set();
        set.add(listener);
        double.rendererListeners.set(event, set);
      },
      removeListener: (event: string, listener: Listener) => double.rendererListeners.get(event)?.delete(listener),
    },
    ipcMain: {
      handle: (channel: string, handler: Listener) => double.handlers.set(channel, handler),
      removeHandler: (channel: string) => double.handlers.delete(channel),
    },
    BrowserWindow,
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (hook: Listener) => (double.headersHook = hook) },
        setPermissionRequestHandler: (handler: Listener) => (double.permissionRequestHandler = handler),
        setPermissionCheckHandler: (handler: Listener) => (double.permissionCheckHandler = handler),
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string; privileges: Record<string, boolean> }[]) => double.privilegedSchemes.push(schemes),
      handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) => double.protocols.set(scheme, handler),
    },
    net: {
      // Electron's net.fetch of a file: URL, as far as the media protocol uses it.
      fetch: async (url: string) => {
        double.netFetched.push(url);
        const bytes = await readFile(fileURLToPath(url));
        return new Response(new Uint8Array(bytes), { status: 200, headers: { 'Content-Type': 'audio/wav', 'Content-Length': String(bytes.length) } });
      },
    },
    shell: {
      openExternal: (url: string) => {
        double.openedExternally.push(url);
        return Promise.resolve();
      },
    },
  };
  return double;
}
