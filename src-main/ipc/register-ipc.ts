/**
 * Electron IPC adapters: one `ipcMain.handle` per contract channel, each validating through
 * the shared dispatcher, and every core event forwarded to the window. No logic lives here.
 * Only the top frame of a window showing our own UI may call: a frame of another origin, and
 * any embedded frame (even one of our origin), gets nothing.
 * Besides the contract's channels, drag-out: the window that asks starts dragging a take's
 * file (named by its id only) into another app, such as a DAW.
 */
import { ipcMain, type IpcMainInvokeEvent, type NativeImage, type WebContents } from 'electron';
import { dispatch } from '../api/dispatch.js';
import { toErrorPayload } from '../common/errors.js';
import { CHANNELS, DRAG_OUT_CHANNEL, dragOutRequestSchema, type Envelope } from '../common/ipc-contract.js';
import type { Core } from '../core.js';

/** The picture under the cursor while dragging (made lazily by the app; see app/export-host.ts). */
export type DragIconSource = () => NativeImage;

export function registerIpc(
  core: Core,
  isTrustedSender: (sender: WebContents, frameUrl: string) => boolean,
  dragIcon?: DragIconSource,
): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean =>
    !!event.senderFrame &&
    event.senderFrame === event.sender.mainFrame &&
    isTrustedSender(event.sender, event.senderFrame.url);
  const refused: Envelope = { ok: false, error: { code: 'UNAUTHORIZED', message: 'this frame may not call Eureka' } };
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      if (!trusted(event)) return refused;
      return dispatch(core.handlers, channel, request);
    });
  }
  if (dragIcon) {
    ipcMain.handle(DRAG_OUT_CHANNEL, (event, request: unknown) => {
      if (!trusted(event)) return refused;
      return startDrag(core, event.sender, request, dragIcon);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
    if (dragIcon) ipcMain.removeHandler(DRAG_OUT_CHANNEL);
  };
}

/** Starts the OS drag of a take's WAV from `contents`; a take without a file is refused. */
function startDrag(core: Core, contents: WebContents, request: unknown, dragIcon: DragIconSource): Envelope {
  const parsed = dragOutRequestSchema.safeParse(request);
  if (!parsed.success) return { ok: false, error: { code: 'INVALID_INPUT', message: 'drag-out needs a take id' } };
  try {
    const file = core.takes.filePath(parsed.data.takeId);
    contents.startDrag({ file, icon: dragIcon() });
    return { ok: true, value: { started: true } };
  } catch (error) {
    return { ok: false, error: toErrorPayload(error) };
  }
}

/** Forwards core events to a window until it closes. */
export function forwardEvents(core: Core, contents: WebContents): void {
  const unsubscribe = core.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(event, payload);
  });
  contents.once('destroyed', unsubscribe);
}
