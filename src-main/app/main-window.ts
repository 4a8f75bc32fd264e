/**
 * The main window, locked down: sandboxed renderer, context isolation, no Node, our CSP on
 * every response, no navigation away from the app, no new windows, no permission prompts.
 */
import { BrowserWindow, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHeaderPolicy } from '../web/content-security.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the renderer comes from: the dev server in `electron-vite dev`, else the built files. */
function rendererUrl(): string {
  const dev = process.env.ELECTRON_RENDERER_URL;
  return dev ?? `file://${path.join(here, '../renderer/index.html')}`;
}

export function isAppUrl(url: string): boolean {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev) return url.startsWith(dev);
  return url.startsWith(`file://${path.join(here, '../renderer')}`);
}

/** The CSP of the built renderer on every response, and no permission prompts. */
export async function installSessionPolicy(): Promise<void> {
  // Under `electron-vite dev` the dev server's page carries its own (dev) policy.
  if (process.env.ELECTRON_RENDERER_URL === undefined) {
    const policy = await readHeaderPolicy(path.join(here, '../renderer/index.html'));
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
    });
  }
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
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
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside Eureka.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadURL(rendererUrl());
  return window;
}
