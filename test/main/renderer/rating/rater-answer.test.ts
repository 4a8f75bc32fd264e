/**
 * The rater's questionnaire: what is still missing, the answer it sends (ease only for an item
 * judged fake), the final questionnaire, the keyboard map per format, and the musicality
 * scale's balanced ends.
 */
import {
  emptyAnswer,
  emptyFinal,
  missingAnswers,
  MUSICALITY_ENDS,
  raterKeyAction,
  toAnswer,
  toFinalAnswers,
} from '../../../../src-renderer/app/rating/rater-answer.js';

describe('rater answers', () => {
  test('a single item needs real/fake, ease when fake, musicality and inspiring', () => {
    const form = emptyAnswer();
    expect(missingAnswers('single', form)).toEqual(['real or fake', 'musicality', 'inspiring']);
    form.judgedReal = false;
    expect(missingAnswers('single', form)).toContain('how easy it was to tell');
    form.ease = 'difficult';
    form.musicality = 0;
    form.inspiring = 'maybe';
    expect(missingAnswers('single', form)).toEqual([]);
    expect(toAnswer('single', { ...form, comment: '  odd tail  ' })).toEqual({
      kind: 'single',
      judgedReal: false,
      ease: 'difficult',
      musicality: 0,
      inspiring: 'maybe',
      comment: 'odd tail',
    });
  });

  test('an item judged real sends no ease, even one picked before changing the mind', () => {
    const form = { ...emptyAnswer(), judgedReal: true, ease: 'easy' as const, musicality: 10, inspiring: 'yes' as const };
    expect(toAnswer('single', form)).toMatchObject({ judgedReal: true, ease: null, musicality: 10 });
  });

  test('pairs and ABX need the choice only', () => {
    const form = emptyAnswer();
    expect(missingAnswers('2afc', form)).toEqual(['your choice']);
    expect(toAnswer('abx', form)).toBeNull();
    expect(toAnswer('abx', { ...form, choice: 1 })).toEqual({ kind: 'abx', choice: 1, comment: '' });
    expect(toAnswer('2afc', { ...form, choice: 0 })).toEqual({ kind: '2afc', choice: 0, comment: '' });
  });

  test('the final questionnaire needs both choices', () => {
    expect(toFinalAnswers(emptyFinal())).toBeNull();
    expect(toFinalAnswers({ helpsFinishSongs: 'maybe', reachedNewPlaces: 'no', whatWouldYouNeed: ' stems ' })).toEqual({
      helpsFinishSongs: 'maybe',
      reachedNewPlaces: 'no',
      whatWouldYouNeed: 'stems',
    });
  });

  test("musicality's ends mirror each other: not musical at all … very musical", () => {
    expect(MUSICALITY_ENDS).toEqual({ low: 'Not musical at all', high: 'Very musical' });
  });

  test('keys on a single item', () => {
    expect(raterKeyAction('single', ' ', null)).toEqual({ kind: 'play' });
    expect(raterKeyAction('single', 'R', null)).toEqual({ kind: 'judge', real: true });
    expect(raterKeyAction('single', 'f', null)).toEqual({ kind: 'judge', real: false });
    expect(raterKeyAction('single', '7', null)).toEqual({ kind: 'musicality', value: 7 });
    expect(raterKeyAction('single', '0', 1)).toEqual({ kind: 'musicality', value: 10 });
    expect(raterKeyAction('single', '0', 3)).toEqual({ kind: 'musicality', value: 0 });
    expect(raterKeyAction('single', 'm', null)).toEqual({ kind: 'inspiring', value: 'maybe' });
    expect(raterKeyAction('single', 'Enter', null)).toEqual({ kind: 'submit' });
    expect(raterKeyAction('single', 'ArrowLeft', null)).toEqual({ kind: 'seek', by: -5 });
    expect(raterKeyAction('single', 'a', null)).toBeNull();
  });

  test('keys on pairs and ABX: A/B choose, digits pick the stimulus', () => {
    expect(raterKeyAction('2afc', 'a', null)).toEqual({ kind: 'choose', choice: 0 });
    expect(raterKeyAction('abx', 'B', null)).toEqual({ kind: 'choose', choice: 1 });
    expect(raterKeyAction('abx', '3', null)).toEqual({ kind: 'listen', stimulus: 2 });
    expect(raterKeyAction('2afc', 'r', null)).toBeNull();
    expect(raterKeyAction('abx', 'l', null)).toEqual({ kind: 'loop' });
  });
});
