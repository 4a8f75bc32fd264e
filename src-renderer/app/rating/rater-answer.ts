/**
 * The rater screen's logic, apart from drawing: the questionnaire's state and the Answer it
 * makes (the form of docs/listening-tests.md §1 for single items; a choice for pairs and ABX), what is still missing,
 * the final questionnaire, and which key does what. Pure, so the keyboard map and the rules
 * ("how easy" only when judged fake) are tested without a browser.
 */
import {
  DETECTION_EASE,
  INSPIRING,
  answerSchema,
  finalAnswersSchema,
  type Answer,
  type FinalAnswers,
  type SessionFormat,
} from '../../../src-main/common/rating.js';

export type DetectionEase = (typeof DETECTION_EASE)[number];
export type Inspiring = (typeof INSPIRING)[number];

/** What the questionnaire holds while the rater fills it in. */
export interface AnswerForm {
  judgedReal: boolean | null;
  ease: DetectionEase | null;
  musicality: number | null;
  inspiring: Inspiring | null;
  /** 2afc: the stimulus judged real; abx: X is A (0) or B (1). */
  choice: 0 | 1 | null;
  comment: string;
}

export function emptyAnswer(): AnswerForm {
  return { judgedReal: null, ease: null, musicality: null, inspiring: null, choice: null, comment: '' };
}

/** What the rater still has to answer before the item can be sent, as short phrases. */
export function missingAnswers(format: SessionFormat, form: AnswerForm): string[] {
  if (format !== 'single') return form.choice === null ? ['your choice'] : [];
  const missing: string[] = [];
  if (form.judgedReal === null) missing.push('real or fake');
  if (form.judgedReal === false && form.ease === null) missing.push('how easy it was to tell');
  if (form.musicality === null) missing.push('musicality');
  if (form.inspiring === null) missing.push('inspiring');
  return missing;
}

/** The answer to send, or null while something is missing. */
export function toAnswer(format: SessionFormat, form: AnswerForm): Answer | null {
  if (missingAnswers(format, form).length > 0) return null;
  const comment = form.comment.trim().slice(0, 2000);
  const answer: unknown =
    format === 'single'
      ? {
          kind: 'single',
          judgedReal: form.judgedReal,
          // How easy it was to tell applies only to an item judged fake.
          ease: form.judgedReal === false ? form.ease : null,
          musicality: form.musicality,
          inspiring: form.inspiring,
          comment,
        }
      : { kind: format, choice: form.choice, comment };
  const parsed = answerSchema.safeParse(answer);
  return parsed.success ? parsed.data : null;
}

/** The final questionnaire's state. */
export interface FinalForm {
  helpsFinishSongs: FinalAnswers['helpsFinishSongs'] | null;
  reachedNewPlaces: FinalAnswers['reachedNewPlaces'] | null;
  whatWouldYouNeed: string;
}

export function emptyFinal(): FinalForm {
  return { helpsFinishSongs: null, reachedNewPlaces: null, whatWouldYouNeed: '' };
}

export function toFinalAnswers(form: FinalForm): FinalAnswers | null {
  const parsed = finalAnswersSchema.safeParse({ ...form, whatWouldYouNeed: form.whatWouldYouNeed.trim().slice(0, 4000) });
  return parsed.success ? parsed.data : null;
}

/** What a key press asks for on the rater screen. */
export type RaterKeyAction =
  | { kind: 'play' }
  | { kind: 'loop' }
  | { kind: 'seek'; by: number }
  | { kind: 'judge'; real: boolean }
  | { kind: 'musicality'; value: number }
  | { kind: 'inspiring'; value: Inspiring }
  | { kind: 'choose'; choice: 0 | 1 }
  | { kind: 'listen'; stimulus: number }
  | { kind: 'submit' };

/** Seconds ← and → move the playhead. */
export const SEEK_STEP_SECONDS = 5;

const INSPIRING_KEYS: Record<string, Inspiring> = { y: 'yes', m: 'maybe', n: 'no', o: 'other' };

/**
 * The action of `key` (KeyboardEvent.key) in `format`, or null. Digits are musicality on
 * single items ("1" then "0" makes 10: `previous` is the musicality before this key) and pick
 * the stimulus to hear (1, 2, 3) on pairs and ABX, where A and B are the choice.
 */
export function raterKeyAction(format: SessionFormat, key: string, previous: number | null): RaterKeyAction | null {
  if (key === ' ') return { kind: 'play' };
  if (key === 'Enter') return { kind: 'submit' };
  if (key === 'ArrowLeft') return { kind: 'seek', by: -SEEK_STEP_SECONDS };
  if (key === 'ArrowRight') return { kind: 'seek', by: SEEK_STEP_SECONDS };
  const lower = key.toLowerCase();
  if (lower === 'l') return { kind: 'loop' };
  if (format === 'single') {
    if (lower === 'r') return { kind: 'judge', real: true };
    if (lower === 'f') return { kind: 'judge', real: false };
    const inspiring = INSPIRING_KEYS[lower];
    if (inspiring) return { kind: 'inspiring', value: inspiring };
    if (/^\d$/.test(key)) return { kind: 'musicality', value: key === '0' && previous === 1 ? 10 : Number(key) };
    return null;
  }
  if (lower === 'a') return { kind: 'choose', choice: 0 };
  if (lower === 'b') return { kind: 'choose', choice: 1 };
  const stimulus = ['1', '2', '3'].indexOf(key);
  if (stimulus >= 0) return { kind: 'listen', stimulus };
  return null;
}

/**
 * Musicality's scale ends. The form of docs/listening-tests.md §1 ran from "terrible" to "quite
 * good", a worst against a middling best, which pulls answers up the scale; these ends mirror
 * each other. The stored numbers, 0 to 10, are the same.
 */
export const MUSICALITY_ENDS = { low: 'Not musical at all', high: 'Very musical' } as const;

export const EASE_NAMES: Record<DetectionEase, string> = {
  easy: 'Easy',
  'dont-know': 'Don’t know',
  difficult: 'Difficult',
  other: 'Other',
};

export const INSPIRING_NAMES: Record<Inspiring, string> = { yes: 'Yes', maybe: 'Maybe', no: 'No', other: 'Other' };

/** "7 of 20": the position being answered. */
export function progressLabel(position: number, total: number): string {
  return `${position} of ${total}`;
}

/** The question of a choice trial. */
export function choiceQuestion(format: SessionFormat): string {
  return format === 'abx' ? 'Is X the same as A or as B?' : 'Which one is real?';
}
