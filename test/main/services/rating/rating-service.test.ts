/**
 * The rating runtime (RatingService through the core's IPC handlers): a rater's progress is
 * what the database holds, so a new core on the same data folder resumes at the next
 * unanswered item with nothing lost; answers are append-only and in order; an answer must be
 * of the session's format; submitting needs every item and the final questions; what a rater
 * receives carries positions, neutral labels and audio tokens only.
 *
 * Sessions are stored through the real repository (real SQLite with its triggers, real WAV
 * files moved into data/rating/<id>); building them from takes is session-builder's test.
 */
import path from 'node:path';
import { dispatch } from '../../../../src-main/api/dispatch.js';
import type { Channel, Envelope, RequestOf } from '../../../../src-main/common/ipc-contract.js';
import {
  raterProgressSchema,
  type Answer,
  type FinalAnswers,
  type RaterProgress,
} from '../../../../src-main/common/rating.js';
import { createCore, type Core } from '../../../../src-main/core.js';
import { storeSession } from '../../../helpers/rating-session.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const FINAL: FinalAnswers = { helpsFinishSongs: 'maybe', reachedNewPlaces: 'yes', whatWouldYouNeed: 'longer takes' };

function single(judgedReal: boolean, musicality = 5): Extract<Answer, { kind: 'single' }> {
  return { kind: 'single', judgedReal, ease: judgedReal ? null : 'difficult', musicality, inspiring: 'maybe', comment: '' };
}

/** A call as a renderer makes it: through the contract's schemas, answered with an envelope. */
async function call<C extends Channel>(core: Core, channel: C, request: RequestOf<C>): Promise<Envelope> {
  return dispatch(core.handlers, channel, request);
}

async function progressOf<C extends Channel>(core: Core, channel: C, request: RequestOf<C>): Promise<RaterProgress> {
  const envelope = await call(core, channel, request);
  if (!envelope.ok) throw new Error(`${channel} failed: ${envelope.error.message}`);
  return raterProgressSchema.parse(envelope.value);
}

async function refusal<C extends Channel>(core: Core, channel: C, request: RequestOf<C>): Promise<string> {
  const envelope = await call(core, channel, request);
  if (envelope.ok) throw new Error(`${channel} was accepted`);
  expect(envelope.error.code).toBe('INVALID_INPUT');
  return envelope.error.message;
}

describe('RatingService', () => {
  let dataDir: string;
  let core: Core;

  beforeEach(async () => {
    dataDir = await makeTempDir();
    core = await createCore({ dataDir, audio: 'inline' });
  });

  afterEach(async () => {
    await core.dispose();
    await removeDir(dataDir);
  });

  it('resumes each rater at their next unanswered item in a new core on the same data folder, nothing lost', async () => {
    const { id } = await storeSession(core, 'single', ['Ana', 'Ben'], 4);
    const [ana, ben] = core.rating.get(id).raters;
    const changes: number[][] = [];
    core.subscribe((event, payload) => {
      if (event === 'rating:did-change') changes.push((payload as { sessionIds: number[] }).sessionIds);
    });
    const first = await progressOf(core, 'rating:progress', { raterId: ana!.id });
    expect([first.answered, first.total, first.next?.position]).toEqual([0, 4, 1]);
    await progressOf(core, 'rating:answer', { raterId: ana!.id, position: 1, answer: single(false, 3) });
    const afterTwo = await progressOf(core, 'rating:answer', { raterId: ana!.id, position: 2, answer: single(true, 8) });
    expect([afterTwo.answered, afterTwo.next?.position]).toEqual([2, 3]);
    expect(changes).toEqual([[id], [id]]);
    const storedBefore = core.ratingRepository.answers(ana!.id);

    // The app quits (or crashes after the write) and starts again on the same folder.
    await core.dispose();
    core = await createCore({ dataDir, audio: 'inline' });
    const resumed = await progressOf(core, 'rating:progress', { raterId: ana!.id });
    expect([resumed.answered, resumed.total, resumed.next?.position, resumed.submitted]).toEqual([2, 4, 3, false]);
    expect(resumed.next).toEqual(afterTwo.next);
    expect(core.ratingRepository.answers(ana!.id)).toEqual(storedBefore);
    expect(storedBefore.map((row) => [row.position, row.answer])).toEqual([
      [1, single(false, 3)],
      [2, single(true, 8)],
    ]);
    const benProgress = await progressOf(core, 'rating:progress', { raterId: ben!.id });
    expect([benProgress.answered, benProgress.next?.position]).toEqual([0, 1]);
    expect(core.rating.get(id).raters.map((r) => [r.name, r.answered, r.total, r.submitted])).toEqual([
      ['Ana', 2, 4, false],
      ['Ben', 0, 4, false],
    ]);
  });

  it('keeps answers append-only and in order: no second answer to a position, no skipping ahead', async () => {
    const { id } = await storeSession(core, 'single', ['Ana'], 3);
    const raterId = core.rating.get(id).raters[0]!.id;
    await progressOf(core, 'rating:answer', { raterId, position: 1, answer: single(true, 9) });
    expect(await refusal(core, 'rating:answer', { raterId, position: 1, answer: single(false, 1) })).toBe(
      'item 1 is answered already; answers cannot be changed',
    );
    expect(await refusal(core, 'rating:answer', { raterId, position: 3, answer: single(false, 1) })).toBe('answer item 2 first');
    expect(await refusal(core, 'rating:answer', { raterId, position: 4, answer: single(false, 1) })).toBe('answer item 2 first');
    expect(core.ratingRepository.answers(raterId).map((row) => [row.position, row.answer])).toEqual([[1, single(true, 9)]]);
    // The database holds the same rule for any other writer.
    expect(() => core.ratingRepository.appendAnswer(raterId, 1, single(false, 0), new Date().toISOString())).toThrow(/answered already/);
  });

  it('refuses answers of another format, and single answers that are incomplete or inconsistent', async () => {
    const singleSession = await storeSession(core, 'single', ['Ana'], 2);
    const pairSession = await storeSession(core, '2afc', ['Ana'], 2);
    const abxSession = await storeSession(core, 'abx', ['Ana'], 2);
    const singleRater = core.rating.get(singleSession.id).raters[0]!.id;
    const pairRater = core.rating.get(pairSession.id).raters[0]!.id;
    const abxRater = core.rating.get(abxSession.id).raters[0]!.id;

    expect(await refusal(core, 'rating:answer', { raterId: singleRater, position: 1, answer: { kind: '2afc', choice: 0 } })).toBe(
      'this session asks "real or fake?" per item, not "which one is real?"',
    );
    expect(await refusal(core, 'rating:answer', { raterId: pairRater, position: 1, answer: single(true) })).toBe(
      'this session asks "which one is real?", not "real or fake?" per item',
    );
    expect(await refusal(core, 'rating:answer', { raterId: abxRater, position: 1, answer: { kind: '2afc', choice: 1 } })).toBe(
      'this session asks "is X A or B?", not "which one is real?"',
    );
    expect(
      await refusal(core, 'rating:answer', { raterId: singleRater, position: 1, answer: { ...single(false), ease: null } }),
    ).toBe('say how easy it was to tell the item is fake');
    expect(
      await refusal(core, 'rating:answer', { raterId: singleRater, position: 1, answer: { ...single(true), ease: 'easy' } }),
    ).toBe('how easy it was to tell is asked of fakes only');
    expect(await refusal(core, 'rating:answer', { raterId: singleRater, position: 1, answer: { ...single(true), musicality: 11 } })).toMatch(
      /^rating:answer: answer\.musicality/,
    );
    for (const raterId of [singleRater, pairRater, abxRater]) expect(core.ratingRepository.answers(raterId)).toEqual([]);

    const pair = await progressOf(core, 'rating:answer', { raterId: pairRater, position: 1, answer: { kind: '2afc', choice: 1, comment: 'B breathes' } });
    const abx = await progressOf(core, 'rating:answer', { raterId: abxRater, position: 1, answer: { kind: 'abx', choice: 0 } });
    expect([pair.answered, abx.answered]).toEqual([1, 1]);
    expect(core.ratingRepository.answers(abxRater)[0]!.answer).toEqual({ kind: 'abx', choice: 0, comment: '' });
  });

  it('submits only with every item and the final questions answered; nothing changes afterwards', async () => {
    const { id } = await storeSession(core, 'single', ['Ana'], 2);
    const raterId = core.rating.get(id).raters[0]!.id;
    expect(await refusal(core, 'rating:submit', { raterId })).toBe('2 item(s) still to answer before submitting');
    await progressOf(core, 'rating:answer', { raterId, position: 1, answer: single(true) });
    expect(await refusal(core, 'rating:final', { raterId, final: FINAL })).toBe('1 item(s) still to answer before the final questions');
    const allAnswered = await progressOf(core, 'rating:answer', { raterId, position: 2, answer: single(false) });
    expect([allAnswered.answered, allAnswered.next, allAnswered.finalAnswered]).toEqual([2, null, false]);
    expect(await refusal(core, 'rating:answer', { raterId, position: 3, answer: single(false) })).toBe(
      'every item is answered already: fill in the final questions and submit',
    );
    expect(await refusal(core, 'rating:submit', { raterId })).toBe('answer the final questions before submitting');
    await progressOf(core, 'rating:final', { raterId, final: { ...FINAL, helpsFinishSongs: 'no' } });
    const withFinal = await progressOf(core, 'rating:final', { raterId, final: FINAL });
    expect([withFinal.finalAnswered, withFinal.submitted]).toEqual([true, false]);

    const submitted = await progressOf(core, 'rating:submit', { raterId });
    expect([submitted.answered, submitted.next, submitted.finalAnswered, submitted.submitted]).toEqual([2, null, true, true]);
    expect(core.ratingRepository.rater(raterId)!.final).toEqual(FINAL);
    expect(await refusal(core, 'rating:submit', { raterId })).toBe('Ana has submitted this session; answers cannot change');
    expect(await refusal(core, 'rating:final', { raterId, final: { ...FINAL, reachedNewPlaces: 'no' } })).toBe(
      'Ana has submitted this session; answers cannot change',
    );
    expect(core.rating.get(id).raters[0]).toMatchObject({ answered: 2, total: 2, submitted: true });
  });

  it('stops taking answers once the organiser closes the session', async () => {
    const { id } = await storeSession(core, 'single', ['Ana'], 2);
    const raterId = core.rating.get(id).raters[0]!.id;
    await progressOf(core, 'rating:answer', { raterId, position: 1, answer: single(true) });
    const closed = await call(core, 'rating:close', { sessionId: id });
    expect(closed.ok && (closed.value as { status: string }).status).toBe('closed');
    expect(await refusal(core, 'rating:answer', { raterId, position: 2, answer: single(true) })).toBe('this session is closed');
    const progress = await progressOf(core, 'rating:progress', { raterId });
    expect([progress.answered, progress.next]).toEqual([1, null]);
  });

  it('gives a rater positions, neutral labels, the one item length and opaque tokens only', async () => {
    const sessions = await Promise.all(
      (['single', '2afc', 'abx'] as const).map(async (format) => ({ format, ...(await storeSession(core, format, ['Ana', 'Ben'], 3)) })),
    );
    const labels: Record<string, string[]> = {};
    for (const { format, id, files } of sessions) {
      for (const rater of core.rating.get(id).raters) {
        const progress = await progressOf(core, 'rating:progress', { raterId: rater.id });
        const trial = progress.next!;
        expect(Object.keys(progress).sort()).toEqual(['answered', 'finalAnswered', 'next', 'raterId', 'raterName', 'sessionId', 'submitted', 'total']);
        expect(Object.keys(trial).sort()).toEqual(['format', 'position', 'raterId', 'seconds', 'sessionId', 'stimuli', 'total']);
        expect(trial.seconds).toBe(0.5);
        labels[format] = trial.stimuli.map((stimulus) => stimulus.label);
        for (const stimulus of trial.stimuli) {
          expect(Object.keys(stimulus).sort()).toEqual(['audio', 'label']);
          // The token names the item only through the main process's lookup.
          expect(files).toContain(core.rating.audioFile(stimulus.audio));
        }
        const text = JSON.stringify(progress) + JSON.stringify(core.rating.get(id));
        for (const file of files) expect(text).not.toContain(path.basename(file, '.wav'));
        expect(text).not.toMatch(/generated|"real"|take|clip|model|origin|expected/i);
      }
    }
    expect(labels).toEqual({ single: ['Item 1'], '2afc': ['Item 1 A', 'Item 1 B'], abx: ['A', 'B', 'X'] });
    // The same item has a different token for each rater and position.
    const [ana, ben] = core.rating.get(sessions[0]!.id).raters;
    const anaTokens = core.ratingRepository.rater(ana!.id)!.tokens.flat();
    const benTokens = core.ratingRepository.rater(ben!.id)!.tokens.flat();
    expect(new Set([...anaTokens, ...benTokens]).size).toBe(6);
  });

  it('finds a rater by name, ignoring case, and names the raters when there is no such one', async () => {
    const { id } = await storeSession(core, 'single', ['Ana', 'Ben'], 2);
    expect(core.rating.raterByName(id, ' ben ').name).toBe('Ben');
    expect(() => core.rating.raterByName(id, 'Cleo')).toThrow(`session ${id} has no rater "Cleo" (its raters: Ana, Ben)`);
    expect(() => core.rating.get(id + 1)).toThrow(`there is no rating session ${id + 1}`);
  });
});
