/**
 * A stand-in for the `electron` module, recording what our glue asks of it. Electron's binary
 * cannot be downloaded on the build machines, so these tests check our wiring (which channels
 * are exposed and registered, which window options are set, which navigations are refused)
 * against the same API surface; README says how the app itself was checked.
 */
type Listener = (...args: unknown[]) => unknown;

export interface ElectronDouble {
  exposed: Map<string, unknown>;
  handlers: Map<string, Listener>;
  rendererListeners: Map<string, Set<Listener>>;
  invoked: { channel: string; request: unknown }[];
  windows: { options: Record<string, unknown>; contents: FakeContents; loaded: string[] }[];
  module: Record<string, unknown>;
}

export class FakeContents {
  readonly listeners = new Map<string, Listener[]>();
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
        webRequest: { onHeadersReceived: () => {} },
        setPermissionRequestHandler: () => {},
      },
    },
    shell: { openExternal: () => Promise.resolve() },
  };
  return double;
}
