/**
 * Electron IPC adapters: one `ipcMain.handle` per contract channel, each validating through
 * the shared dispatcher, and every core event forwarded to the window. No logic lives here.
 * Only our own window's top frame may call (a navigated or embedded frame gets nothing).
 */
import { ipcMain, type WebContents } from 'electron';
import { dispatch } from '../api/dispatch.js';
import { CHANNELS } from '../common/ipc-contract.js';
import type { Core } from '../core.js';

export function registerIpc(core: Core, isTrustedSender: (sender: WebContents, frameUrl: string) => boolean): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      if (!event.senderFrame || !isTrustedSender(event.sender, event.senderFrame.url)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'this frame may not call Eureka' } };
      }
      return dispatch(core.handlers, channel, request);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Forwards core events to a window until it closes. */
export function forwardEvents(core: Core, contents: WebContents): void {
  const unsubscribe = core.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(event, payload);
  });
  contents.once('destroyed', unsubscribe);
}
