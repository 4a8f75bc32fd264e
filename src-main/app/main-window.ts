/**
 * The main window, locked down: sandboxed renderer, context isolation, no Node, the UI from its
 * own app:// origin with our CSP on every response, no navigation away from the app, no new
 * windows, no permissions (neither asked nor checked), and nothing handed to the OS browser:
 * the UI has no external links, so a request to open one can only come from injected content.
 */
import { BrowserWindow, session } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHeaderPolicy } from '../web/content-security.js';
import { APP_ENTRY, APP_ORIGIN } from './app-protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The built renderer, which app:// serves. */
export const RENDERER_DIR = path.join(here, '../renderer');

/** The dev server's origin under `electron-vite dev`, else null (the built UI on app://). */
function devOrigin(): string | null {
  const dev = process.env.ELECTRON_RENDERER_URL;
  return dev ? originOf(dev) : null;
}

/**
 * "scheme://host[:port]" of a URL. (URL.origin will not do: to Node every scheme but the web's
 * own has the opaque origin "null", app:// included.)
 */
function originOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

/** The origin the UI is served from. */
export function uiOrigin(): string {
  return devOrigin() ?? APP_ORIGIN;
}

/** Where the renderer comes from: the dev server in `electron-vite dev`, else app://. */
function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? APP_ENTRY;
}

/** Whether a URL is the UI's own: the same origin exactly (never a prefix of a longer name). */
export function isAppUrl(url: string): boolean {
  try {
    return originOf(url) === uiOrigin();
  } catch {
    return false;
  }
}

/**
 * The session's policy: no permission is granted, whether a page asks or merely checks, and
 * (the built UI) the CSP of `rendererDir`'s index.html on every response. Returns that policy
 * for the app:// handler, or null under `electron-vite dev`, whose page carries its own.
 */
export async function installSessionPolicy(rendererDir: string): Promise<string | null> {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  if (devOrigin() !== null) return null;
  const policy = await readHeaderPolicy(path.join(rendererDir, 'index.html'));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
  return policy;
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Eureka',
    backgroundColor: '#111318',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  // Nothing opens inside Eureka, and nothing is passed to shell.openExternal: the UI links nowhere.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void window.loadURL(rendererUrl());
  return window;
}
