/**
 * The clip editor's keyboard: Space play/pause, L loop the selected clip, U / V / G label,
 * 1 / 2 / 3 split, Delete remove, ← / → previous / next clip, + / − zoom, Esc library. Keys
 * typed into a field or a form belong to it (Esc leaves the field). {@link editorKeyAction}
 * says what a key means; {@link handleEditorKey} is the window's keydown handler around it.
 */
import type { ClipLabel, ClipSplit } from '@common/dto.js';

/** What a key press asks of the editor. */
export type EditorKeyAction =
  | { kind: 'label'; label: ClipLabel }
  | { kind: 'split'; split: ClipSplit }
  | { kind: 'play-pause' }
  | { kind: 'loop' }
  | { kind: 'delete' }
  | { kind: 'back' }
  | { kind: 'zoom'; steps: 1 | -1 }
  | { kind: 'step'; direction: 1 | -1 };

const KEY_LABEL: Record<string, ClipLabel> = { u: 'U', v: 'V', g: 'gap' };
const KEY_SPLIT: Record<string, ClipSplit> = { '1': 'train', '2': 'val', '3': 'test' };

/**
 * The action of a key (KeyboardEvent.key, letters in either case), or null for a key the
 * editor leaves alone.
 */
export function editorKeyAction(eventKey: string): EditorKeyAction | null {
  const key = eventKey.length === 1 ? eventKey.toLowerCase() : eventKey;
  const label = KEY_LABEL[key];
  if (label) return { kind: 'label', label };
  const split = KEY_SPLIT[key];
  if (split) return { kind: 'split', split };
  switch (key) {
    case ' ':
      return { kind: 'play-pause' };
    case 'l':
      return { kind: 'loop' };
    case 'Delete':
    case 'Backspace':
      return { kind: 'delete' };
    case 'Escape':
      return { kind: 'back' };
    case '+':
    case '=':
      return { kind: 'zoom', steps: 1 };
    case '-':
    case '_':
      return { kind: 'zoom', steps: -1 };
    case 'ArrowRight':
      return { kind: 'step', direction: 1 };
    case 'ArrowLeft':
      return { kind: 'step', direction: -1 };
    default:
      return null;
  }
}

/** Keys typed into a field or a form belong to it (the zoom slider excepted). */
function isTyping(target: EventTarget | null): target is HTMLElement {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return target.type !== 'range';
  return target.closest('textarea, select, form, [contenteditable="true"]') !== null;
}

/**
 * Runs the action of a window keydown, and claims the event when there was one. Arrows on a
 * focused input (the zoom slider) stay with it.
 */
export function handleEditorKey(event: KeyboardEvent, run: (action: EditorKeyAction) => void): void {
  if (event.defaultPrevented) return;
  if (isTyping(event.target)) {
    if (event.key === 'Escape') {
      event.target.blur();
      event.preventDefault();
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const action = editorKeyAction(event.key);
  if (!action) return;
  if (action.kind === 'step' && event.target instanceof HTMLInputElement) return;
  run(action);
  event.preventDefault();
}
