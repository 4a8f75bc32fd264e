import { describe, expect, it } from '@jest/globals';
import { ConfirmStore } from './confirm.svelte.js';

const question = { title: 'Delete the song “A”?', lines: ['Goes with it: 2 clips.'], confirmLabel: 'Delete song' };

describe('ConfirmStore', () => {
  it('shows one question and resolves with the answer', async () => {
    const confirm = new ConfirmStore();
    const yes = confirm.ask(question);
    expect(confirm.current).toMatchObject(question);
    confirm.answer(true);
    expect(await yes).toBe(true);
    expect(confirm.current).toBeNull();

    const no = confirm.ask(question);
    confirm.answer(false);
    expect(await no).toBe(false);
  });

  it('answers an open question no when another takes its place, and a blocked one always no', async () => {
    const confirm = new ConfirmStore();
    const first = confirm.ask(question);
    const second = confirm.ask({ ...question, title: 'Delete the clip “B”?', blocked: 'Cannot delete it now: model 4 is training.' });
    expect(await first).toBe(false);
    expect(confirm.current?.title).toBe('Delete the clip “B”?');
    confirm.answer(true);
    expect(await second).toBe(false);
    // Answering with nothing open changes nothing.
    confirm.answer(true);
    expect(confirm.current).toBeNull();
  });
});
