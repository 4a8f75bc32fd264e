import { describe, expect, it } from '@jest/globals';
import { undoKeyAction, undoShortcut, type UndoKeyPress } from './undo-keys.js';

const press = (key: string, mods: Partial<Omit<UndoKeyPress, 'key'>> = {}): UndoKeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('the undo keys', () => {
  it.each([
    [press('z', { ctrlKey: true }), 'undo'],
    [press('z', { metaKey: true }), 'undo'],
    // Shift makes the letter a capital on most layouts.
    [press('Z', { ctrlKey: true, shiftKey: true }), 'redo'],
    [press('Z', { metaKey: true, shiftKey: true }), 'redo'],
    [press('y', { ctrlKey: true }), 'redo'],
  ] as const)('%j', (event, action) => {
    expect(undoKeyAction(event)).toBe(action);
  });

  it('leaves other keys alone', () => {
    for (const event of [
      press('z'),
      press('Z', { shiftKey: true }),
      press('z', { ctrlKey: true, altKey: true }),
      press('y'),
      press('y', { metaKey: true }),
      press('y', { ctrlKey: true, shiftKey: true }),
      press('x', { ctrlKey: true }),
    ]) {
      expect(undoKeyAction(event)).toBeNull();
    }
  });

  it('writes the shortcut the way this machine does', () => {
    expect(undoShortcut('undo', 'MacIntel')).toBe('⌘Z');
    expect(undoShortcut('redo', 'MacIntel')).toBe('⇧⌘Z');
    expect(undoShortcut('undo', 'Linux x86_64')).toBe('Ctrl+Z');
    expect(undoShortcut('redo', 'Win32')).toBe('Ctrl+Y');
  });
});
