import { describe, expect, it } from '@jest/globals';
import type { Answer, RaterProgress } from '@common/rating.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { raterProgress } from '../testing/fixtures.js';
import { RaterStore } from './rater.svelte.js';

const ANSWER: Answer = { kind: 'single', judgedReal: true, ease: 'easy', musicality: 7, inspiring: 'yes', comment: '' };

/** Rater 5 of a four-item session, with `answered` items behind them on the core's side. */
function setup(answered = 1): { bridge: FakeBridge; rater: RaterStore; core: { answered: number } } {
  const core = { answered };
  const bridge = new FakeBridge().answer('rating:progress', ({ raterId }) => raterProgress(raterId, core.answered));
  return { bridge, rater: new RaterStore(fakeApi(bridge)), core };
}

describe('RaterStore', () => {
  it('opens at the next unanswered item', async () => {
    const { rater } = setup(2);
    await rater.open(5);
    expect(rater.status).toBe('ready');
    expect(rater.progress?.answered).toBe(2);
    expect(rater.trial?.position).toBe(3);
    expect(rater.audioUrl('c'.repeat(32))).toBe(`fake-media:{"kind":"rating","token":"${'c'.repeat(32)}"}`);
  });

  it('sends an answer for the trial on screen and moves on with what the core answers', async () => {
    const { bridge, rater, core } = setup(1);
    bridge.answer('rating:answer', ({ raterId }) => raterProgress(raterId, ++core.answered));
    await rater.open(5);

    expect(await rater.answer(ANSWER)).toBe(true);
    expect(bridge.requests('rating:answer')).toEqual([{ raterId: 5, position: 2, answer: ANSWER }]);
    expect(rater.trial?.position).toBe(3);
    expect(rater.error).toBeNull();
  });

  it('sends one answer at a time', async () => {
    const { bridge, rater } = setup(1);
    const reply = deferred<RaterProgress>();
    bridge.answer('rating:answer', () => reply.promise);
    await rater.open(5);

    const first = rater.answer(ANSWER);
    await drain();
    expect(rater.sending).toBe(true);
    expect(await rater.answer(ANSWER)).toBe(false);
    reply.resolve(raterProgress(5, 2));
    expect(await first).toBe(true);
    expect(bridge.requests('rating:answer')).toHaveLength(1);
  });

  it('keeps the error of a send that did not land, and drops it when the core shows it did', async () => {
    const { bridge, rater, core } = setup(1);
    await rater.open(5);
    bridge.refuse('rating:answer', 'INTERNAL', 'the connection to Eureka was lost');

    expect(await rater.answer(ANSWER)).toBe(false);
    expect(rater.error).toBe('the connection to Eureka was lost');
    expect(rater.trial?.position).toBe(2);

    // This time the answer reached the core before the connection dropped.
    bridge.answer('rating:answer', () => {
      core.answered += 1;
      throw new Error('the connection to Eureka was lost');
    });
    expect(await rater.answer(ANSWER)).toBe(true);
    expect(rater.error).toBeNull();
    expect(rater.trial?.position).toBe(3);
  });

  it('fails to open with the reason, and sends the questionnaire and submit for the rater open', async () => {
    const { bridge, rater } = setup(4);
    bridge.refuse('rating:progress', 'NOT_FOUND', 'no rater 5');
    await rater.open(5);
    expect(rater.status).toBe('failed');
    expect(rater.error).toBe('no rater 5');

    bridge
      .answer('rating:progress', raterProgress(5, 4))
      .answer('rating:final', raterProgress(5, 4, { finalAnswered: true }))
      .answer('rating:submit', raterProgress(5, 4, { finalAnswered: true, submitted: true }));
    await rater.reload();
    expect(rater.trial).toBeNull();
    expect(await rater.saveFinal({ helpsFinishSongs: 'yes', reachedNewPlaces: 'maybe', whatWouldYouNeed: '' })).toBe(true);
    expect(await rater.submit()).toBe(true);
    expect(rater.progress?.submitted).toBe(true);
    expect(bridge.requests('rating:submit')).toEqual([{ raterId: 5 }]);

    rater.close();
    expect(await rater.submit()).toBe(false);
  });
});
