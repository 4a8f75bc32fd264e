/**
 * The core's one training slot (node/job-slot.ts): one holder at a time, only the holder frees
 * it, and every listener hears it freed, in turn, so the first that takes it wins.
 */
import { JobSlot } from '../../../src-main/node/job-slot.js';

describe('JobSlot', () => {
  it('is held by one job at a time and freed only by its holder', () => {
    const slot = new JobSlot();
    expect(slot.busy).toBe(false);
    expect(slot.take('audio model 1')).toBe(true);
    expect(slot.take('phrase model 1')).toBe(false);
    expect(slot.holder).toBe('audio model 1');
    slot.release('phrase model 1');
    expect(slot.holder).toBe('audio model 1');
    slot.release('audio model 1');
    expect(slot.busy).toBe(false);
  });

  it('tells every listener it is free; the first to take it keeps it', () => {
    const slot = new JobSlot();
    const heard: string[] = [];
    slot.onFreed(() => {
      heard.push(`phrases ${slot.take('phrase model 2') ? 'took it' : 'found it busy'}`);
    });
    const off = slot.onFreed(() => {
      heard.push(`audio ${slot.take('audio model 2') ? 'took it' : 'found it busy'}`);
    });
    slot.take('audio model 1');
    slot.release('audio model 1');
    expect(heard).toEqual(['phrases took it', 'audio found it busy']);
    expect(slot.holder).toBe('phrase model 2');
    off();
    slot.release('phrase model 2');
    expect(heard).toEqual(['phrases took it', 'audio found it busy', 'phrases took it']);
  });
});
