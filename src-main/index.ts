/**
 * The Electron main process: thin. It resolves the data folder, starts the core with
 * decoding on a worker thread, serves the UI (app://) and media (eureka-media://), registers
 * IPC, and opens the window.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { existsSync } from 'node:fs';
import { toErrorPayload } from './common/errors.js';
import { createCore, type Core } from './core.js';
import { utilityWorker } from './app/utility-worker.js';
import { dragIcon, electronExportHost } from './app/export-host.js';
import { forwardEvents, registerIpc } from './ipc/register-ipc.js';
import { createMainWindow, installSessionPolicy, isAppUrl, RENDERER_DIR, uiOrigin } from './app/main-window.js';
import { handleAppProtocol, registerSchemes } from './app/app-protocol.js';
import { handleMediaProtocol } from './app/media-protocol.js';
import { resolveDataDir } from './services/store/data-dir.js';
import { limitsFromEnv } from './node/limits-from-env.js';
import { packagePath } from './node/package-root.js';

registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();

let core: Core | undefined;

/** better-sqlite3 rebuilt for Electron's ABI by `npm run app:rebuild` (Node's stays in node_modules). */
function electronSqliteBinding(): string | undefined {
  const candidate = packagePath('build', 'electron', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}

async function start(): Promise<void> {
  await app.whenReady();
  const policy = await installSessionPolicy(RENDERER_DIR);
  if (policy !== null) handleAppProtocol(RENDERER_DIR, policy);
  const sqliteBinding = electronSqliteBinding();
  core = await createCore({
    dataDir: resolveDataDir(undefined),
    limits: limitsFromEnv(),
    audio: 'worker',
    host: 'electron',
    runQueue: 'all',
    launchWorker: utilityWorker,
    exportHost: electronExportHost(),
    ...(sqliteBinding ? { sqliteBinding } : {}),
  });
  handleMediaProtocol(core, uiOrigin());
  registerIpc(core, (_sender, frameUrl) => isAppUrl(frameUrl), dragIcon);
  const open = () => forwardEvents(core!, createMainWindow().webContents);
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
let disposed = false;
app.on('will-quit', (event) => {
  // Wait for the core: a running training job is stopped and recorded as interrupted (it
  // resumes from its last finished scale) before the process goes.
  if (disposed || !core) return;
  event.preventDefault();
  disposed = true;
  void core.dispose().finally(() => app.quit());
});

start().catch((error: unknown) => {
  dialog.showErrorBox('Eureka could not start', toErrorPayload(error).message);
  app.exit(1);
});
