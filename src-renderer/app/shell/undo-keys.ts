/**
 * The window's undo keys: Ctrl+Z (⌘Z) undo; Shift+Ctrl+Z (⇧⌘Z) and Ctrl+Y redo. In a text
 * field they stay the field's own (the browser undoes typing there), and an open dialog keeps
 * its keys. {@link undoKeyAction} says what a key means; {@link handleUndoKey} is the window's
 * keydown handler around it.
 */

/** The parts of a KeyboardEvent that decide. */
export interface UndoKeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** 'undo', 'redo', or null for a key the history leaves alone. */
export function undoKeyAction(press: UndoKeyPress): 'undo' | 'redo' | null {
  if (press.altKey) return null;
  const key = press.key.toLowerCase();
  if (key === 'z' && (press.ctrlKey || press.metaKey)) return press.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && press.ctrlKey && !press.metaKey && !press.shiftKey) return 'redo';
  return null;
}

/** Input types whose text the browser's own undo edits. */
const TEXT_INPUTS = new Set(['text', 'search', 'url', 'tel', 'email', 'password', 'number']);

/** A field whose text the browser undoes itself, or anything inside an open dialog. */
function keepsItsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return TEXT_INPUTS.has(target.type);
  if (target instanceof HTMLTextAreaElement || target.isContentEditable) return true;
  return target.closest('dialog[open]') !== null;
}

/** Runs the undo or redo a window keydown asks for, and claims the event when it does. */
export function handleUndoKey(event: KeyboardEvent, run: (action: 'undo' | 'redo') => void): void {
  if (event.defaultPrevented || keepsItsKeys(event.target)) return;
  const action = undoKeyAction(event);
  if (!action) return;
  event.preventDefault();
  run(action);
}

/** How the shortcut is written on this machine, for tooltips: "⌘Z" on a Mac, else "Ctrl+Z". */
export function undoShortcut(action: 'undo' | 'redo', platform: string): string {
  const mac = /mac|iphone|ipad/i.test(platform);
  if (action === 'undo') return mac ? '⌘Z' : 'Ctrl+Z';
  return mac ? '⇧⌘Z' : 'Ctrl+Y';
}
