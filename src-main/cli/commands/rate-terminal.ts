/**
 * Rating from a terminal (`eureka rate next / answer / session`): a trial's audio copied under a
 * neutral name (item-07.wav, item-07-a.wav, …) so a player can open it, and the interactive
 * session that asks the questions of docs/listening-tests.md §1 item by item on stdin (typed, or piped for tests).
 *
 * Blinding: the copies live in a folder named after the library, session and rater only, and
 * hold the item WAV's bytes unchanged (the builder already made every item of a session
 * alike); the item files' own names and folder are never printed.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '../../common/errors.js';
import { formatSeconds } from '../../common/format-time.js';
import {
  DETECTION_EASE,
  INSPIRING,
  type Answer,
  type FinalAnswers,
  type RaterProgress,
  type RaterTrial,
} from '../../common/rating.js';
import type { Core } from '../../core.js';
import { printNotes, printPrompt } from '../output.js';

/** The rating sessions, as the core serves them. */
type RatingService = Core['rating'];

export interface PlayableStimulus {
  label: string;
  file: string;
}

/**
 * The folder a rater's playable copies go to: <tmp>/eureka-rating/<library>-session-<s>-rater-<r>,
 * <library> a short hash of the data folder so two libraries' session 1 never share one.
 */
export function playableDir(dataDir: string, trial: Pick<RaterTrial, 'sessionId' | 'raterId'>): string {
  const library = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 8);
  return path.join(tmpdir(), 'eureka-rating', `${library}-session-${trial.sessionId}-rater-${trial.raterId}`);
}

/** Copies a trial's stimuli to neutral names (replacing the previous trial's copies). */
export async function writePlayableCopies(rating: RatingService, dataDir: string, trial: RaterTrial): Promise<PlayableStimulus[]> {
  const dir = playableDir(dataDir, trial);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const number = String(trial.position).padStart(2, '0');
  const letters = trial.format === 'abx' ? ['a', 'b', 'x'] : ['a', 'b'];
  const copies: PlayableStimulus[] = [];
  for (const [slot, stimulus] of trial.stimuli.entries()) {
    const source = rating.audioFile(stimulus.audio);
    if (source === null) throw new AppError('NOT_FOUND', `the audio of item ${trial.position} is missing`);
    const suffix = trial.stimuli.length > 1 ? `-${letters[slot]}` : '';
    const file = path.join(dir, `item-${number}${suffix}.wav`);
    await copyFile(source, file);
    copies.push({ label: stimulus.label, file });
  }
  return copies;
}

/** "Ana: item 7 of 20 (0:30 each)" and a line per stimulus with its playable copy. */
export function describeTrial(progress: RaterProgress, trial: RaterTrial, copies: PlayableStimulus[]): string[] {
  const head = `${progress.raterName}: item ${trial.position} of ${trial.total} (${formatSeconds(trial.seconds)} each)`;
  return [head, ...copies.map((copy) => `  ${copy.label}: ${copy.file}`)];
}

/** What is left once every item is answered. */
export function describeDone(progress: RaterProgress, sessionId: number): string {
  const rater = JSON.stringify(progress.raterName);
  if (progress.submitted) return `${progress.raterName} has submitted all ${progress.total} answers. Thank you!`;
  if (progress.next !== null) return `${progress.raterName}: ${progress.answered} of ${progress.total} answered`;
  if (!progress.finalAnswered) {
    return `${progress.raterName}: all ${progress.total} items answered. Next: eureka rate final ${sessionId} --rater ${rater} --helps … --new-places …`;
  }
  return `${progress.raterName}: all answered. Hand them in with: eureka rate submit ${sessionId} --rater ${rater}`;
}

/** A reply: one of `choices`, by its first letter, a key given, or the whole word. */
export function pickChoice<T extends string>(reply: string, choices: readonly T[], keys: Partial<Record<T, string>> = {}): T | null {
  const text = reply.trim().toLowerCase().replace(/['’]/g, '').replace(/\s+/g, '-');
  if (text === '') return null;
  for (const choice of choices) if (text === choice || text === (keys[choice] ?? choice[0])) return choice;
  return null;
}

const EASE_KEYS = { easy: 'e', 'dont-know': 'd', difficult: 'i', other: 'o' } as const;

/** Reads replies line by line; null once stdin ends. */
interface Replies {
  ask(prompt: string): Promise<string | null>;
  close(): void;
}

function stdinReplies(): Replies {
  const lines = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    async ask(prompt) {
      printPrompt(prompt);
      const next = await iterator.next();
      return next.done ? null : next.value;
    },
    close: () => lines.close(),
  };
}

/** Asks until the reply parses; null when the input ends. */
async function askUntil<T>(replies: Replies, prompt: string, parse: (reply: string) => T | null, hint: string): Promise<T | null> {
  for (;;) {
    const reply = await replies.ask(prompt);
    if (reply === null) return null;
    const value = parse(reply);
    if (value !== null) return value;
    printNotes(`  ${hint}`);
  }
}

function parseMusicality(reply: string): number | null {
  const value = Number(reply.trim());
  return reply.trim() !== '' && Number.isInteger(value) && value >= 0 && value <= 10 ? value : null;
}

/** The seed's questions for one trial; null when the input ended before the answer was complete. */
async function askAnswer(replies: Replies, trial: RaterTrial): Promise<Answer | null> {
  if (trial.format !== 'single') {
    const question = trial.format === 'abx' ? 'Is X the same as A or as B? [a/b]: ' : 'Which one is real? [a/b]: ';
    const choice = await askUntil(replies, question, (r) => pickChoice(r, ['a', 'b'] as const), 'type a or b');
    if (choice === null) return null;
    const comment = await replies.ask('Comment (Enter for none): ');
    if (comment === null) return null;
    return { kind: trial.format, choice: choice === 'a' ? 0 : 1, comment: comment.trim() };
  }
  const call = await askUntil(replies, 'Real or fake? [r/f]: ', (r) => pickChoice(r, ['real', 'fake'] as const), 'type r (real) or f (fake)');
  if (call === null) return null;
  let ease: (typeof DETECTION_EASE)[number] | null = null;
  if (call === 'fake') {
    ease = await askUntil(
      replies,
      'How easy was it to tell? [e]asy, [d]on\'t know, d[i]fficult, [o]ther: ',
      (r) => pickChoice(r, DETECTION_EASE, EASE_KEYS),
      'type e, d, i or o',
    );
    if (ease === null) return null;
  }
  const musicality = await askUntil(replies, 'Musicality, 0 (not musical at all) to 10 (very musical): ', parseMusicality, 'type a whole number from 0 to 10');
  if (musicality === null) return null;
  const inspiring = await askUntil(
    replies,
    'Inspiring, does it give you ideas? [y]es, [m]aybe, [n]o, [o]ther: ',
    (r) => pickChoice(r, INSPIRING),
    'type y, m, n or o',
  );
  if (inspiring === null) return null;
  const comment = await replies.ask('Comment (Enter for none): ');
  if (comment === null) return null;
  return { kind: 'single', judgedReal: call === 'real', ease, musicality, inspiring, comment: comment.trim() };
}

async function askFinal(replies: Replies): Promise<FinalAnswers | null> {
  const yesMaybeNo = (r: string) => pickChoice(r, ['yes', 'maybe', 'no'] as const);
  printNotes('', 'The last questions.');
  const helpsFinishSongs = await askUntil(replies, 'Could the model help you finish songs? [y]es, [m]aybe, [n]o: ', yesMaybeNo, 'type y, m or n');
  if (helpsFinishSongs === null) return null;
  const reachedNewPlaces = await askUntil(replies, 'Did it reach places you would not go? [y]es, [m]aybe, [n]o: ', yesMaybeNo, 'type y, m or n');
  if (reachedNewPlaces === null) return null;
  const need = await replies.ask('What would you need from it? (Enter for none): ');
  if (need === null) return null;
  return { helpsFinishSongs, reachedNewPlaces, whatWouldYouNeed: need.trim() };
}

/**
 * The interactive session: from the rater's next unanswered item to the end, each answer saved
 * as it is given, then the final questions and the submit. When stdin ends early everything
 * answered so far is kept and the same command goes on from there. Resolves to the rater's
 * progress at the end.
 */
export async function runTerminalSession(rating: RatingService, dataDir: string, raterId: number): Promise<RaterProgress> {
  const replies = stdinReplies();
  const stopped = (progress: RaterProgress): RaterProgress => {
    printNotes('', `Stopped with ${progress.answered} of ${progress.total} answered; what you gave is saved. Run the same command to go on.`);
    return progress;
  };
  try {
    let progress = rating.progress(raterId);
    if (progress.submitted) return progress;
    printNotes(`${progress.raterName}: ${progress.total} items, ${progress.answered} answered. Play each file in any player, then answer.`);
    while (progress.next !== null) {
      const trial = progress.next;
      const copies = await writePlayableCopies(rating, dataDir, trial);
      printNotes('', ...describeTrial(progress, trial, copies));
      const answer = await askAnswer(replies, trial);
      if (answer === null) return stopped(progress);
      progress = rating.answer(raterId, trial.position, answer);
    }
    if (!progress.finalAnswered) {
      const final = await askFinal(replies);
      if (final === null) return stopped(progress);
      progress = rating.final(raterId, final);
    }
    const submit = await askUntil(
      replies,
      'Submit your answers now? They cannot change afterwards. [y/n]: ',
      (r) => pickChoice(r, ['yes', 'no'] as const),
      'type y or n',
    );
    if (submit !== 'yes') {
      printNotes(describeDone(progress, progress.sessionId));
      return progress;
    }
    progress = rating.submit(raterId);
    printNotes(describeDone(progress, progress.sessionId));
    return progress;
  } finally {
    replies.close();
  }
}
