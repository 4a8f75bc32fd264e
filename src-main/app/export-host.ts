/**
 * What only the desktop app can do for exports, in Electron's terms: the system folder picker
 * (the export service then allows the folder picked), "Reveal in Finder / Explorer", and the
 * picture for dragging a take out into a DAW. The core receives the first two as its
 * {@link ExportHost}; drag-out is answered by the IPC glue (register-ipc.ts) for the window
 * that asks.
 */
import { BrowserWindow, dialog, nativeImage, shell, type NativeImage, type OpenDialogOptions } from 'electron';
import type { ExportHost } from '../core.js';
import { DRAG_ICON_SIZE, dragIconBitmap } from './drag-icon.js';

/** The export host of the desktop app: dialogs are modal to the focused window. */
export function electronExportHost(): ExportHost {
  return {
    async chooseFolder(defaultPath) {
      const options: OpenDialogOptions = {
        title: 'Export to',
        buttonLabel: 'Export Here',
        defaultPath,
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      };
      const parent = BrowserWindow.getFocusedWindow();
      const answer = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return answer.canceled ? null : (answer.filePaths[0] ?? null);
    },
    reveal(target) {
      shell.showItemInFolder(target);
    },
  };
}

let icon: NativeImage | null = null;

/** The drag picture, made once. */
export function dragIcon(): NativeImage {
  icon ??= nativeImage.createFromBitmap(dragIconBitmap(), { width: DRAG_ICON_SIZE, height: DRAG_ICON_SIZE });
  return icon;
}
