import { describe, expect, it } from '@jest/globals';
import type { PartMusic } from '@common/midi.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { phraseMusic, phraseSliders } from '../testing/phrase-fixtures.js';
import { PREVIEW_DEBOUNCE_MS, PhrasePreviewStore, type PreviewTimer } from './phrase-preview.svelte.js';

/** A debounce clock the spec advances by hand: `fire()` runs what is due, as the window's would. */
function manualTimer() {
  const pending = new Map<number, { run: () => void; ms: number }>();
  let next = 1;
  const timer: PreviewTimer = {
    set(run, ms) {
      pending.set(next, { run, ms });
      return next++;
    },
    clear(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timer,
    waiting: () => [...pending.values()].map((entry) => entry.ms),
    fire() {
      const due = [...pending.values()];
      pending.clear();
      for (const entry of due) entry.run();
    },
  };
}

type Answer = { music: PartMusic; startBeats: number };

/** Each preview's notes are its first slider's value + 60, so a spec can tell which values they came from. */
function setup() {
  const clock = manualTimer();
  const held: { values: number[]; answer: ReturnType<typeof deferred<Answer>> }[] = [];
  let holding = false;
  const bridge = new FakeBridge()
    .answer('phrase-takes:get-sliders', ({ from }) => phraseSliders(from ? [1.23, -4, ...Array.from({ length: 18 }, () => 0)] : null))
    .answer('phrase-takes:preview', (request) => {
      const answer = { music: phraseMusic([60 + Math.round(request.sliders[0]! * 10)]), startBeats: 0 };
      if (!holding) return answer;
      const later = deferred<Answer>();
      held.push({ values: request.sliders, answer: later });
      return later.promise;
    });
  const preview = new PhrasePreviewStore(fakeApi(bridge), clock.timer);
  return { bridge, preview, clock, held, hold: () => (holding = true) };
}

const firstPitch = (preview: PhrasePreviewStore): number | undefined => preview.music?.notes[0]?.pitch;

describe('PhrasePreviewStore', () => {
  it('starts the sliders where the phrase sits (rounded, within ±3) and decodes them at once', async () => {
    const { bridge, preview } = setup();
    await preview.open(2, { partId: 4, startBar: 1, bars: 2 });
    expect(preview.status).toBe('ready');
    expect(preview.values.slice(0, 3)).toEqual([1.2, -3, 0]);
    expect(firstPitch(preview)).toBe(72);
    expect(bridge.requests('phrase-takes:preview')).toEqual([
      { modelId: 2, from: { partId: 4, startBar: 1, bars: 2 }, sliders: preview.values, temperature: 0, quantize: { grid: '1/16', toKey: false } },
    ]);
    expect(preview.pending).toBe(false);
    expect(bridge.faults).toEqual([]);
  });

  it('waits for the sliders to rest, then asks once with their latest values', async () => {
    const { bridge, preview, clock } = setup();
    await preview.open(2, null);
    preview.set(0, 0.5);
    preview.set(0, 1);
    preview.set(3, -2);
    expect(preview.values[0]).toBe(1);
    expect(preview.pending).toBe(true);
    expect(clock.waiting()).toEqual([PREVIEW_DEBOUNCE_MS]);
    expect(bridge.requests('phrase-takes:preview')).toHaveLength(1);

    clock.fire();
    await drain();
    expect(bridge.requests('phrase-takes:preview')).toHaveLength(2);
    expect(bridge.requests('phrase-takes:preview')[1]?.sliders.slice(0, 4)).toEqual([1, 0, 0, -2]);
    expect(firstPitch(preview)).toBe(70);
    expect(preview.shownValues?.[3]).toBe(-2);
    expect(preview.pending).toBe(false);
  });

  it('keeps one preview on its way: values moved meanwhile go when it returns, and the latest win', async () => {
    const { bridge, preview, clock, held, hold } = setup();
    await preview.open(2, null);
    hold();
    preview.set(0, 1);
    clock.fire();
    await drain();
    // The slider moves twice more while that decode is out: nothing more is sent yet.
    preview.set(0, 2);
    clock.fire();
    preview.set(0, 3);
    clock.fire();
    await drain();
    expect(held.map((h) => h.values[0])).toEqual([1]);

    held[0]!.answer.resolve({ music: phraseMusic([70]), startBeats: 0 });
    await drain();
    expect(firstPitch(preview)).toBe(70);
    expect(held.map((h) => h.values[0])).toEqual([1, 3]);
    expect(preview.pending).toBe(true);
    held[1]!.answer.resolve({ music: phraseMusic([90]), startBeats: 0 });
    await drain();
    expect(firstPitch(preview)).toBe(90);
    expect(preview.pending).toBe(false);
    expect(bridge.requests('phrase-takes:preview')).toHaveLength(3);
  });

  it("drops an answer for a panel that was closed or reopened meanwhile, and clamps a slider's value", async () => {
    const { preview, clock, held, hold } = setup();
    await preview.open(2, null);
    hold();
    preview.set(1, 7);
    expect(preview.values[1]).toBe(3);
    clock.fire();
    await drain();
    preview.close();
    held[0]!.answer.resolve({ music: phraseMusic([99]), startBeats: 0 });
    await drain();
    expect(preview.music).toBeNull();
    expect(preview.status).toBe('idle');
  });

  it('says why the sliders cannot be read', async () => {
    const { bridge, preview } = setup();
    bridge.refuse('phrase-takes:get-sliders', 'INVALID_INPUT', 'model 2 carries phrases on: it has no sliders');
    await preview.open(2, null);
    expect(preview.status).toBe('failed');
    expect(preview.error).toBe('model 2 carries phrases on: it has no sliders');
    expect(bridge.requests('phrase-takes:preview')).toEqual([]);
  });
});
