import { describe, expect, it } from '@jest/globals';
import { editorKeyAction } from './editor-keys.js';

describe('the clip editor keyboard', () => {
  it.each([
    ['u', { kind: 'label', label: 'U' }],
    ['V', { kind: 'label', label: 'V' }],
    ['g', { kind: 'label', label: 'gap' }],
    ['1', { kind: 'split', split: 'train' }],
    ['2', { kind: 'split', split: 'val' }],
    ['3', { kind: 'split', split: 'test' }],
    [' ', { kind: 'play-pause' }],
    ['L', { kind: 'loop' }],
    ['Delete', { kind: 'delete' }],
    ['Backspace', { kind: 'delete' }],
    ['Escape', { kind: 'back' }],
    ['+', { kind: 'zoom', steps: 1 }],
    ['=', { kind: 'zoom', steps: 1 }],
    ['-', { kind: 'zoom', steps: -1 }],
    ['_', { kind: 'zoom', steps: -1 }],
    ['ArrowRight', { kind: 'step', direction: 1 }],
    ['ArrowLeft', { kind: 'step', direction: -1 }],
  ])('%j', (key, action) => {
    expect(editorKeyAction(key)).toEqual(action);
  });

  it('leaves other keys alone', () => {
    for (const key of ['k', '4', 'Enter', 'ArrowUp', 'Tab', 'DELETE']) expect(editorKeyAction(key)).toBeNull();
  });
});
